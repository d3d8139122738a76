#pragma once
// The authorization policy a server of the workload-identity design asks, as its team means it
// (a stack entry's key "policy"): where its decision is (the policy engine's service and the
// decision's path in OPA's data API), the input document the server builds, where the decision's
// allow is, and the decision table the team means. The trust-tier family holds the policy to
// that table instead of the reference policy's when the server it addresses has one.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcph::harness::stack {

// One cell of a decision table: may a caller of this tier do this operation with this tool?
struct DecisionCell {
  std::string tier, operation, tool;
  bool allow = false;
};

// A decision table's text, `| tier | operation | <tool> | … |` then a row per tier and operation
// of allow or deny (docs/trust-tiers.md's shape), into its cells. Throws std::runtime_error
// saying which row is wrong; `tiers`, when not empty, are the tiers a row may name.
std::vector<DecisionCell> parse_decision_table(const std::string& table, const std::vector<std::string>& tiers = {});

// The facts an input document is made of, each placed by the profile's `input`. `verified` is
// the input's mark that the caller's identity was verified (true in every input a verified caller
// yields; the unverified_identity probe writes false).
inline constexpr const char* kPolicyFacts[] = {"spiffe_id", "tier", "tool", "operation", "verified"};
// The operations the workload scenario files name (`workload: {operation: …}`); a table that
// calls them otherwise says so in `operations`.
inline constexpr const char* kScenarioOperations[] = {"read", "write"};

struct PolicyProfile {
  std::string engine = "opa";  // the stack's service that answers the decisions
  std::string decision_path;   // asked as POST /v1/data/<decision_path>
  // JSON pointer into the input document → the fact put there (kPolicyFacts).
  std::map<std::string, std::string> input;
  // JSON pointer into the decision to its boolean; "" when the decision is the boolean itself
  // (a rule asked at its own path, as OPA's `allow` of `default allow := false`).
  std::string allow = "/allow";
  // tier → the agent (a name of the trust domain or a SPIFFE ID) whose SPIFFE ID stands for it;
  // needed when the input carries the SPIFFE ID.
  std::map<std::string, std::string> agents;
  std::string table;  // the decision table the team means, as written
  std::vector<DecisionCell> cells;
  // A scenario file's operation (kScenarioOperations) → the table's word for it, when another.
  std::map<std::string, std::string> operations;

  // The table's word for the scenario files' operation `word`.
  std::string table_operation(const std::string& word) const;
  // The operations the table's rows name, each once, in the table's order.
  std::vector<std::string> row_operations() const;

  // Whether the input document carries `fact` (kPolicyFacts).
  bool carries(const std::string& fact) const;
  // The table's decision for `tier` on `operation` with `tool`; nullopt when it has no such cell.
  std::optional<bool> decides(const std::string& tier, const std::string& operation, const std::string& tool) const;

  // The input document for `cell`, `spiffe_id` the SPIFFE ID standing for its tier.
  nlohmann::json input_for(const DecisionCell& cell, const std::string& spiffe_id) const;
  // The boolean at `allow` in a decision (the `result` of OPA's answer); nullopt when there is none.
  std::optional<bool> allowed(const nlohmann::json& decision) const;
};

// The reference design's policy (workload-mcp's, policies/trust_tiers): OPA's
// mcp/authz/decision, asked {"spiffe_id", "operation", "tool", "verified"}, and its decision table of three
// tiers (trusted, semi-trusted, untrusted) over filesystem, database, api, shell and network.
const PolicyProfile& reference_workload_policy();

// The "policy" object of a stack entry; `field` names it in errors. A key of none of these, a
// fact of none of kPolicyFacts, or a table that does not parse, is an error. Throws std::runtime_error.
PolicyProfile parse_policy_profile(const nlohmann::json& json, const std::string& field);
nlohmann::json policy_profile_json(const PolicyProfile& policy);

}  // namespace mcph::harness::stack
