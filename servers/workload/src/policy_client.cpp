#include "mcph/workload/policy_client.h"

#include <stdexcept>

#include "mcph/http/client.h"
#include "mcph/http/client_pool.h"
#include "mcph/workload/kept_decisions.h"

namespace mcph::workload {

PolicyClient::PolicyClient(PolicySettings settings) : settings_(std::move(settings)) {
  if (settings_.opa_url.empty()) throw std::invalid_argument("the OPA URL is empty");
  if (settings_.decision_path.empty() || settings_.decision_path.front() == '/') {
    throw std::invalid_argument("the decision path must be relative to /v1/data, e.g. mcp/authz/decision");
  }
  if (settings_.keep_decisions.count() < 0) throw std::invalid_argument("a decision cannot be kept for a negative time");
  clients_ = std::make_unique<http::ClientPool<http::Client>>(kMaxIdleConnections, [url = settings_.opa_url,
                                                                                     deadline = settings_.deadline] {
    http::ClientOptions options;
    options.connect_timeout = deadline;
    options.read_timeout = deadline;
    return std::make_unique<http::Client>(url, options);
  });
  if (settings_.keep_decisions.count() > 0) {
    kept_ = std::make_unique<KeptDecisions>(settings_.keep_decisions, kMaxKeptDecisions);
  }
}

PolicyClient::~PolicyClient() = default;
PolicyClient::PolicyClient(PolicyClient&&) noexcept = default;

PolicyDecision PolicyClient::undecided(std::string why) const {
  PolicyDecision decision;
  decision.allow = settings_.unsafe_fail_open;
  decision.reason = std::move(why);
  return decision;
}

PolicyDecision PolicyClient::decide(const nlohmann::json& input) const {
  const std::string query = nlohmann::json{{"input", input}}.dump();
  if (!kept_) return ask(query);
  const auto asked_at = KeptDecisions::Clock::now();
  if (auto kept = kept_->find(query, asked_at)) return std::move(*kept);
  PolicyDecision decision = ask(query);
  kept_->keep(query, asked_at, decision);
  return decision;
}

PolicyDecision PolicyClient::ask(const std::string& query) const {
  http::ClientResponse response;
  try {
    response = clients_->with_client([&](http::Client& client) {
      return client.post("/v1/data/" + settings_.decision_path, query, "application/json");
    });
  } catch (const http::TransportError&) {
    return undecided("the policy engine did not answer in time");
  }
  if (response.status != 200) return undecided("the policy engine answered HTTP " + std::to_string(response.status));
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return undecided("the policy engine's answer is not JSON");
  const auto result = body.find("result");
  if (result == body.end()) return undecided("the policy's decision is undefined");
  if (!result->is_object() || !result->contains("allow") || !(*result)["allow"].is_boolean()) {
    return undecided("the policy's decision is not {\"allow\": true|false}");
  }
  PolicyDecision decision;
  decision.decided = true;
  decision.allow = (*result)["allow"].get<bool>();
  if (const auto reason = result->find("reason"); reason != result->end() && reason->is_string()) {
    decision.reason = reason->get<std::string>();
  } else {
    decision.reason = decision.allow ? "allowed" : "denied by the policy";
  }
  return decision;
}

}  // namespace mcph::workload
