#pragma once
// Asks OPA for a tool call's decision (POST <opa-url>/v1/data/<path> with {"input": …}) within a
// deadline, failing closed: OPA down, slower than the deadline, a decision that is undefined,
// not JSON or not of the shape {"allow": bool, …} is a deny, told apart from the policy's own
// deny by `decided`. Decisions are asked on kept-alive connections (at most kMaxIdleConnections
// idle), not a new one each: a connection that failed is dropped, and the next decision connects
// again within the same deadline. With `keep_decisions`, a decision the policy made is reused for
// the same input for that long after it was asked (mcph/workload/kept_decisions.h).
#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace mcph::http {
class Client;
template <typename C>
class ClientPool;
}  // namespace mcph::http

namespace mcph::workload {

class KeptDecisions;

struct PolicySettings {
  std::string opa_url;                          // http://127.0.0.1:8181
  std::string decision_path = "mcp/authz/decision";
  std::chrono::milliseconds deadline{500};      // connecting and answering, each
  std::chrono::milliseconds keep_decisions{0};  // 0: every call asks OPA
  // UNSAFE when true: a decision that could not be had allows the call (fail open).
  bool unsafe_fail_open = false;
};

struct PolicyDecision {
  bool allow = false;
  bool decided = false;  // false: no decision could be had (and allow says what fail-open made of it)
  std::string reason;    // the policy's reason, or why there was no decision; never the input
};

class PolicyClient {
 public:
  static constexpr std::size_t kMaxIdleConnections = 64;
  static constexpr std::size_t kMaxKeptDecisions = 4096;

  explicit PolicyClient(PolicySettings settings);
  ~PolicyClient();
  PolicyClient(PolicyClient&&) noexcept;
  PolicyDecision decide(const nlohmann::json& input) const;
  const PolicySettings& settings() const { return settings_; }

 private:
  PolicyDecision undecided(std::string why) const;
  PolicyDecision ask(const std::string& query) const;
  PolicySettings settings_;
  std::unique_ptr<http::ClientPool<http::Client>> clients_;
  std::unique_ptr<KeptDecisions> kept_;  // none when nothing is kept
};

}  // namespace mcph::workload
