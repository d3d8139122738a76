#include "debug_calls.h"

#include <utility>

#include "mcph/http/json.h"

namespace mcph::agent_bridge {

void RecentCalls::add(const std::string& agent, const std::string& tool, const nlohmann::json& result) {
  const std::lock_guard<std::mutex> hold(lock_);
  calls_.push_back({{"agent", agent}, {"tool", tool}, {"result", result}});
  if (calls_.size() > kKept) calls_.pop_front();
}

nlohmann::json RecentCalls::list() const {
  const std::lock_guard<std::mutex> hold(lock_);
  return nlohmann::json(calls_);
}

void serve_debug_calls(http::Server& http, std::shared_ptr<const RecentCalls> recent) {
  http.route("GET", "/debug/calls", [recent = std::move(recent)](const http::Request&, http::Response& res) {
    http::set_json(res, 200, {{"calls", recent->list()}});
  });
}

}  // namespace mcph::agent_bridge
