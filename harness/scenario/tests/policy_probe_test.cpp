// A policy_table step's probes (`claimed_tier`, `foreign_identity`, `unverified_identity`) against a
// policy engine of the test's own that answers OPA's data API as a small trust-tier policy
// would, honest or bent: each bend is found by its probe alone, the honest policy passes them all,
// and a policy into whose input the server writes the tier is not probed for identities at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/http/server.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;

constexpr const char* kHigh = "spiffe://t.test/agent/high";
constexpr const char* kLow = "spiffe://t.test/agent/low";

enum class Bend { none, tier_from_input, id_contains_path, low_promoted, unverified_taken };

// POST /v1/data/mcp/authz/decision: the caller's tier by its exact SPIFFE ID (high or low), or as
// the bend reads it; high may execute shell, low may read it; an input marked unverified nothing.
class TierPolicyEngine {
 public:
  explicit TierPolicyEngine(Bend bend) : bend_(bend) {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/v1/data/mcp/authz/decision", [this](const http::Request& req, http::Response& res) {
      const Json input = Json::parse(req.body).at("input");
      {
        const std::lock_guard<std::mutex> hold(lock_);
        inputs_.push_back(input);
      }
      const std::string tier = tier_of(input);
      const std::string operation = input.value("operation", "");
      const bool unverified = input.contains("verified") && input["verified"] != true && bend_ != Bend::unverified_taken;
      const bool allow = !unverified && input.value("tool", "") == "shell" &&
                         ((tier == "high" && (operation == "execute" || operation == "read")) || (tier == "low" && operation == "read"));
      res.set_json(200, Json{{"result", {{"allow", allow}}}}.dump());
    });
    server_->start();
  }

  std::string url() const { return server_->url(); }
  std::size_t asked() const {
    const std::lock_guard<std::mutex> hold(lock_);
    return inputs_.size();
  }

 private:
  std::string tier_of(const Json& input) const {
    if (bend_ == Bend::tier_from_input && input.contains("tier")) return input["tier"].get<std::string>();
    if (bend_ == Bend::low_promoted && input.value("spiffe_id", "") == kLow) return "high";
    const std::string id = input.value("spiffe_id", "");
    for (const auto& [known, tier] : {std::pair{std::string(kHigh), "high"}, std::pair{std::string(kLow), "low"}}) {
      const std::string path = known.substr(known.find("/agent/"));
      if (bend_ == Bend::id_contains_path ? id.find(path) != std::string::npos : id == known) return tier;
    }
    return "";
  }

  Bend bend_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex lock_;
  std::vector<Json> inputs_;
};

constexpr const char* kProbes = R"(suite: probes
scenarios:
  - name: claimed
    property: tier-from-caller-claim
    steps:
      - policy_table: &high_and_low
          probe: claimed_tier
          agents: {high: "spiffe://t.test/agent/high", low: "spiffe://t.test/agent/low"}
          table: |
            | tier | operation | shell |
            | high | execute | allow |
            | high | read | allow |
            | low | execute | deny |
            | low | read | allow |
        expect: {nothing_granted: true}
  - name: foreign
    property: tool-for-agent-without-tier
    steps:
      - policy_table: {<<: *high_and_low, probe: foreign_identity}
        expect: {nothing_granted: true}
  - name: unverified
    property: grants-to-unverified-identity
    steps:
      - policy_table: {<<: *high_and_low, probe: unverified_identity}
        expect: {nothing_granted: true}
)";

// The probes' three scenarios against `engine`, with `workload` as the stack's workload-mcp entry
// when given (its own policy then stands in for the step's).
std::vector<reports::ScenarioResult> run_probes(const TierPolicyEngine& engine, const Json& workload = nullptr) {
  Json services = {{"opa", {{"url", engine.url()}}}, {"spiffe", {{"url", "http://127.0.0.1:9"}}}};
  if (!workload.is_null()) services["workload-mcp"] = workload;
  ScenarioRunner runner(stack::StackFile::parse(Json{{"mode", "external"}, {"services", services}}.dump()));
  return runner.run(parse_scenario_file(kProbes, "probes.yaml")).scenarios;
}

std::string findings_of(const reports::ScenarioResult& result) {
  std::string out = result.message;
  for (const auto& finding : result.findings) out += "\n" + finding.property + ": " + finding.evidence;
  for (const auto& failure : result.failures) out += "\n" + failure.expectation + " | " + failure.actual;
  return out;
}

TEST(PolicyProbes, AnHonestPolicyGrantsNoBentInput) {
  const TierPolicyEngine engine(Bend::none);
  for (const auto& result : run_probes(engine)) EXPECT_EQ(result.status, Status::passed) << result.name << findings_of(result);
  // low claiming high for execute; each look-alike of high (2 cells) and of low (1 cell); the
  // three granted cells marked unverified.
  EXPECT_EQ(engine.asked(), 1u + 3u * 3u + 3u);
}

TEST(PolicyProbes, APolicyTakingATierFromItsInputIsFoundByTheClaimedTierProbeAlone) {
  const TierPolicyEngine engine(Bend::tier_from_input);
  const auto results = run_probes(engine);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, Status::failed);
  ASSERT_EQ(results[0].findings.size(), 1u) << findings_of(results[0]);
  EXPECT_EQ(results[0].findings[0].server, "opa");
  EXPECT_THAT(findings_of(results[0]), HasSubstr("spiffe://t.test/agent/low claiming the high tier (at /tier): execute shell"));
  EXPECT_EQ(results[1].status, Status::passed) << findings_of(results[1]);
  EXPECT_EQ(results[2].status, Status::passed) << findings_of(results[2]);
}

TEST(PolicyProbes, APolicyMatchingAPartOfTheIdIsFoundByTheForeignIdentityProbeAlone) {
  const TierPolicyEngine engine(Bend::id_contains_path);
  const auto results = run_probes(engine);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, Status::passed) << findings_of(results[0]);
  EXPECT_EQ(results[1].status, Status::failed);
  const std::string evidence = findings_of(results[1]);
  EXPECT_THAT(evidence, HasSubstr("spiffe://attacker.example/agent/high (not spiffe://t.test/agent/high): execute shell"));
  EXPECT_THAT(evidence, HasSubstr("spiffe://t.test/agent/low-impostor (not spiffe://t.test/agent/low): read shell"));
  EXPECT_THAT(evidence, HasSubstr("spiffe://t.test/agent/high/impostor (not"));
  EXPECT_EQ(results[2].status, Status::passed) << findings_of(results[2]);
}

// A policy that reads no mark of verification grants an unverified identity its tier's cells.
TEST(PolicyProbes, APolicyTakingAnUnverifiedIdentityIsFoundByTheUnverifiedProbeAlone) {
  const TierPolicyEngine engine(Bend::unverified_taken);
  const auto results = run_probes(engine);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, Status::passed) << findings_of(results[0]);
  EXPECT_EQ(results[1].status, Status::passed) << findings_of(results[1]);
  EXPECT_EQ(results[2].status, Status::failed);
  ASSERT_EQ(results[2].findings.size(), 1u) << findings_of(results[2]);
  const std::string evidence = findings_of(results[2]);
  EXPECT_THAT(evidence, HasSubstr("spiffe://t.test/agent/high marked unverified (at /verified): execute shell, read shell"));
  EXPECT_THAT(evidence, HasSubstr("spiffe://t.test/agent/low marked unverified (at /verified): read shell"));
}

// A policy that gives low high's grants decides against its table (the table step's finding),
// but believes no claim: low claiming high gets what it gets without the claim, no more.
TEST(PolicyProbes, AGrantThePolicyMakesWithoutTheClaimIsNoClaimBelieved) {
  const TierPolicyEngine engine(Bend::low_promoted);
  for (const auto& result : run_probes(engine)) EXPECT_EQ(result.status, Status::passed) << result.name << findings_of(result);
}

// A server that writes the tier into its policy's input maps identities to tiers itself: the
// identity probes say so, inconclusive, and ask nothing; an input without a mark of verification
// is not asked unverified either.
TEST(PolicyProbes, APolicyGivenTheTierByItsServerIsNotProbed) {
  const TierPolicyEngine engine(Bend::tier_from_input);
  const Json workload = {{"url", "http://127.0.0.1:9/mcp"},
                         {"policy",
                          {{"decision_path", "mcp/authz/decision"},
                           {"input", {{"/spiffe_id", "spiffe_id"}, {"/tier", "tier"}, {"/tool", "tool"}, {"/operation", "operation"}}},
                           {"agents", {{"high", kHigh}, {"low", kLow}}},
                           {"table", "| tier | operation | shell |\n| high | execute | allow |\n| low | execute | deny |\n"}}}};
  for (const auto& result : run_probes(engine, workload)) {
    EXPECT_EQ(result.status, Status::error) << result.name << findings_of(result);
    EXPECT_THAT(result.message, HasSubstr(result.name == "unverified" ? "carries no mark of a verified identity"
                                                                      : "the server writes the tier into the policy's input itself"));
    EXPECT_TRUE(result.findings.empty());
  }
  EXPECT_EQ(engine.asked(), 0u);
}

}  // namespace
}  // namespace mcph::harness::scenario
