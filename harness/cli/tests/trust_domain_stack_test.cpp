// A whole local stack whose workload design lives in a team's own SPIFFE trust domain, as a user
// brings it up: `mcp-harness up --trust-domain prod.acme-corp.example`, then `mcp-harness run` of
// the workload design's families against it, then `down`. The trust domain registers the agents
// under that name, the realm's SPIFFE provider trusts it, OPA's policy and workload-mcp give its
// agents their tiers: the families pass only if every part of the stack took the name, and only
// if every SPIFFE ID the scenario files expect is the stack's rather than the project's own. Two
// of its agents have IDs of the team's own shape (`--agent ROLE=SPIFFE_ID`, a Kubernetes
// namespace and service account), which every part of the stack must take too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/http/client.h"
#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTrustDomain = "prod.acme-corp.example";
constexpr const char* kLedger = "spiffe://prod.acme-corp.example/ns/payments/sa/ledger";
constexpr const char* kScratch = "spiffe://prod.acme-corp.example/ns/scratch/sa/tool";

TEST(TrustDomainStack, UpInATeamsTrustDomainAndTheWorkloadFamiliesPass) {
  UpStack stack({"--trust-domain", kTrustDomain, "--agent", std::string("trusted-agent=") + kLedger,
                 "--agent", std::string("unlisted-agent=") + kScratch, "--users", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const stack::StackFile file = stack::StackFile::load(stack.stack_file);
  const auto workloads = http::Client(file.service("spiffe").url).get("/_workloads");
  ASSERT_EQ(workloads.status, 200) << workloads.body;
  EXPECT_THAT(workloads.body, HasSubstr(std::string("spiffe://") + kTrustDomain + "/agent/semi-trusted-agent"));
  EXPECT_THAT(workloads.body, HasSubstr(kLedger));
  EXPECT_THAT(workloads.body, HasSubstr(kScratch));
  EXPECT_THAT(workloads.body, Not(HasSubstr("/agent/trusted-agent")));
  EXPECT_THAT(workloads.body, Not(HasSubstr("mcp-identity.local")));
  EXPECT_EQ(file.service("spiffe").agent_ids.at("trusted-agent"), kLedger);

  std::vector<std::string> args = {"run", "--stack", stack.stack_file.string()};
  for (const char* family : {"workload_identity", "dpop", "trust_tiers"}) {
    args.push_back((fs::path(MCPH_SCENARIOS_DIR) / (std::string(family) + ".yaml")).string());
  }
  const auto run = harness(args, stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output << server_failures(stack.run_dir);
  EXPECT_THAT(run.output, HasSubstr(" passed, 0 failed, 0 broken, 0 skipped"));
  EXPECT_THAT(run.output, Not(HasSubstr("mcp-identity.local")));
}

}  // namespace
}  // namespace mcph::harness::cli
