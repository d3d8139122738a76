#pragma once
// Sabotage only (--unsafe-debug-calls): the last tool results kept and shown at GET /debug/calls
// to anyone who asks, as a debugging aid left switched on would show them.
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/http/server.h"

namespace mcph::agent_bridge {

class RecentCalls {
 public:
  void add(const std::string& agent, const std::string& tool, const nlohmann::json& result);
  nlohmann::json list() const;

 private:
  static constexpr std::size_t kKept = 20;
  mutable std::mutex lock_;
  std::deque<nlohmann::json> calls_;
};

// GET /debug/calls: the recent calls, without asking who calls.
void serve_debug_calls(http::Server& http, std::shared_ptr<const RecentCalls> recent);

}  // namespace mcph::agent_bridge
