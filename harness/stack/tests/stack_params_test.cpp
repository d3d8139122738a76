// The parameters a stack is brought up with, as `up` reads them from its flags and hands them on
// to the supervisor (to_flags): here --protocol, the era of MCP the stack's servers serve, and
// --trust-domain, the workload design's SPIFFE trust domain, --agent, a team's SPIFFE IDs for the
// families' agents, and --realm-file, a team's realm.
#include "mcph/harness/stack/stack_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/cli/flags.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/harness/stack/workload_agents.h"

namespace mcph::harness::stack {
namespace {

using ::testing::HasSubstr;

// The parameters `up` makes of `args`, with its defaults.
StackParams params_of(const std::vector<std::string>& args) {
  cli::Flags flags("up", "test");
  declare_stack_flags(flags, scenario_suite_params());
  flags.parse_or_throw(args);
  return stack_params_from(flags);
}

std::string refusal_of(const std::vector<std::string>& args) {
  try {
    (void)params_of(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(taken)";
}

bool passes_protocol(const StackParams& params) {
  const std::vector<std::string> flags = params.to_flags();
  return std::find(flags.begin(), flags.end(), "--protocol") != flags.end();
}

TEST(StackParamsProtocol, NoneByDefaultSoTheServersServeTheirOwn) {
  const StackParams params = params_of({});
  EXPECT_EQ(params.protocol, "");
  EXPECT_FALSE(passes_protocol(params));
}

TEST(StackParamsProtocol, EachEraIsTakenAndReachesTheSupervisorUnchanged) {
  for (const std::string era : {"legacy", "modern", "dual"}) {
    const StackParams params = params_of({"--protocol", era});
    EXPECT_EQ(params.protocol, era);
    EXPECT_TRUE(passes_protocol(params)) << era;
    // The supervisor reads the flags `up` gives it as `up` read its own.
    EXPECT_EQ(params_of(params.to_flags()).protocol, era);
  }
}

TEST(StackParamsProtocol, AnUnknownEraIsRefusedNamingTheChoices) {
  EXPECT_EQ(refusal_of({"--protocol", "2026-07-28"}), "--protocol must be legacy, modern or dual, not '2026-07-28'");
}

// Compose mode's servers run with their images' command lines: an era they would not serve is
// refused, not written into a stack file that would claim it.
TEST(StackParamsProtocol, ComposeModeRefusesAnEra) {
  EXPECT_THAT(refusal_of({"--mode", "compose", "--protocol", "modern"}), HasSubstr("compose mode"));
}

TEST(StackParamsTrustDomain, TheProjectsOwnByDefault) {
  EXPECT_EQ(params_of({}).trust_domain, "mcp-identity.local");
}

TEST(StackParamsTrustDomain, ATeamsTrustDomainIsTakenAndReachesTheSupervisorUnchanged) {
  const StackParams params = params_of({"--trust-domain", "prod.acme-corp.example"});
  EXPECT_EQ(params.trust_domain, "prod.acme-corp.example");
  EXPECT_EQ(params_of(params.to_flags()).trust_domain, "prod.acme-corp.example");
}

TEST(StackParamsTrustDomain, ANameNoSpiffeIdCouldCarryIsRefusedSayingWhy) {
  EXPECT_EQ(refusal_of({"--trust-domain", "Acme.example"}),
            "--trust-domain 'Acme.example': the trust domain may hold only a-z, 0-9, '.', '-' and '_'");
  EXPECT_EQ(refusal_of({"--trust-domain", "spiffe://acme.example"}),
            "--trust-domain 'spiffe://acme.example': the trust domain may hold only a-z, 0-9, '.', '-' and '_'");
  EXPECT_THAT(refusal_of({"--trust-domain", ""}), HasSubstr("the trust domain is empty"));
  // Where the families' forged identities live: a stack there would take them for its own.
  EXPECT_THAT(refusal_of({"--trust-domain", "attacker.example"}), HasSubstr("forge another trust domain's identities"));
}

TEST(StackParamsTrustDomain, ComposeModeWhichRunsNoTrustDomainRefusesOne) {
  EXPECT_THAT(refusal_of({"--mode", "compose", "--trust-domain", "acme.example"}), HasSubstr("compose mode runs no trust domain"));
  EXPECT_EQ(params_of({"--mode", "compose"}).trust_domain, "mcp-identity.local");
}

// The agent a role is given in a stack of `args`.
std::string id_of(const std::vector<std::string>& args, const std::string& role) {
  for (const WorkloadAgent& agent : workload_agents_of(params_of(args))) {
    if (agent.role == role) return agent.spiffe_id;
  }
  return "(no such role)";
}

TEST(StackParamsAgentIds, EachRoleHasThePolicysPathInTheTrustDomainByDefault) {
  EXPECT_EQ(workload_agent_roles(),
            (std::vector<std::string>{"semi-trusted-agent", "trusted-agent", "untrusted-agent", "unlisted-agent"}));
  EXPECT_EQ(id_of({"--trust-domain", "acme.example"}, "trusted-agent"), "spiffe://acme.example/agent/trusted-agent");
  EXPECT_EQ(id_of({"--trust-domain", "acme.example"}, "unlisted-agent"), "spiffe://acme.example/agent/unlisted-agent");
}

TEST(StackParamsAgentIds, ATeamsIdsOfAnotherShapeAreTakenKeepTheirTiersAndReachTheSupervisor) {
  const std::vector<std::string> args = {"--trust-domain", "acme.example", "--agent", "trusted-agent=spiffe://acme.example/ns/billing/sa/reporter",
                                         "--agent", "unlisted-agent=spiffe://acme.example/ns/scratch/sa/tool"};
  const StackParams params = params_of(args);
  EXPECT_EQ(params_of(params.to_flags()).agent_ids, params.agent_ids);
  for (const WorkloadAgent& agent : workload_agents_of(params)) {
    if (agent.role == "trusted-agent") {
      EXPECT_EQ(agent.spiffe_id, "spiffe://acme.example/ns/billing/sa/reporter");
      EXPECT_EQ(agent.tier, "trusted");
    } else if (agent.role == "unlisted-agent") {
      EXPECT_EQ(agent.spiffe_id, "spiffe://acme.example/ns/scratch/sa/tool");
      EXPECT_EQ(agent.tier, "");
    } else {
      EXPECT_EQ(agent.spiffe_id, "spiffe://acme.example/agent/" + agent.role);
    }
  }
}

TEST(StackParamsAgentIds, WhatNoAgentOfTheStackCouldBeIsRefusedSayingWhy) {
  EXPECT_EQ(refusal_of({"--agent", "trusted-agent"}), "--agent 'trusted-agent': write ROLE=SPIFFE_ID");
  EXPECT_THAT(refusal_of({"--agent", "admin-agent=spiffe://mcp-identity.local/ns/a/sa/b"}),
              HasSubstr("the families have no agent admin-agent (semi-trusted-agent, trusted-agent, untrusted-agent, unlisted-agent)"));
  EXPECT_THAT(refusal_of({"--agent", "trusted-agent=spiffe://acme.example/ns/a/sa/b"}),
              HasSubstr("not in the trust domain mcp-identity.local (the stack's, --trust-domain)"));
  EXPECT_THAT(refusal_of({"--agent", "trusted-agent=spiffe://mcp-identity.local/ns//sa"}), HasSubstr("empty segment"));
  EXPECT_EQ(refusal_of({"--agent", "trusted-agent=spiffe://mcp-identity.local/a", "--agent", "trusted-agent=spiffe://mcp-identity.local/b"}),
            "--agent trusted-agent is given twice");
  // Two roles one workload: the families could not tell the trusted agent from the untrusted one.
  EXPECT_THAT(refusal_of({"--agent", "untrusted-agent=spiffe://mcp-identity.local/agent/trusted-agent"}),
              HasSubstr("trusted-agent and untrusted-agent would both be spiffe://mcp-identity.local/agent/trusted-agent"));
  EXPECT_THAT(refusal_of({"--mode", "compose", "--agent", "trusted-agent=spiffe://mcp-identity.local/a"}),
              HasSubstr("compose mode runs no trust domain"));
}

TEST(StackParamsRealmFile, ARealmExportIsTakenAndReachesTheSupervisorAsAnAbsolutePath) {
  const proc::TempDir dir;
  const auto path = dir.path() / "acme-realm.json";
  std::ofstream(path) << R"({"realm": "acme-agents", "enabled": true})";
  EXPECT_TRUE(params_of({}).realm_file.empty());
  const StackParams params = params_of({"--realm-file", path.string()});
  EXPECT_EQ(params.realm_file, path);
  EXPECT_EQ(params_of(params.to_flags()).realm_file, std::filesystem::absolute(path));
}

TEST(StackParamsRealmFile, WhatIsNoRealmOrNoPlaceForOneIsRefusedSayingWhy) {
  const proc::TempDir dir;
  std::ofstream(dir.path() / "list.json") << R"([{"realm": "a"}])";
  std::ofstream(dir.path() / "nameless.json") << R"({"enabled": true})";
  std::ofstream(dir.path() / "realm.json") << R"({"realm": "a"})";
  EXPECT_THAT(refusal_of({"--realm-file", (dir.path() / "none.json").string()}), HasSubstr("cannot read"));
  EXPECT_THAT(refusal_of({"--realm-file", (dir.path() / "list.json").string()}), HasSubstr("holds a list of realms (1), not one"));
  EXPECT_THAT(refusal_of({"--realm-file", (dir.path() / "nameless.json").string()}), HasSubstr("naming its \"realm\""));
  EXPECT_THAT(refusal_of({"--mode", "compose", "--realm-file", (dir.path() / "realm.json").string()}),
              HasSubstr("compose mode's Keycloak imports the fixtures' realm"));
}

}  // namespace
}  // namespace mcph::harness::stack
