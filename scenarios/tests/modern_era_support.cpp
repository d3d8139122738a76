#include "modern_era_support.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace mcph::harness::scenario {

using Status = reports::ScenarioResult::Status;

stack::StackFile with_modern_users_servers(const stack::StackFile& stack, ServerRoute route, std::vector<proc::StartedService>& own,
                                    const std::string& jira_audience, const std::vector<std::string>& jira_switches) {
  stack::StackFile modern = stack;
  for (const std::string& name : std::vector<std::string>{"jira-mcp", "github-mcp", "postgres-mcp"}) {
    stack::ServiceEntry& entry = modern.services.at(name);
    const std::string audience = name == "jira-mcp" && !jira_audience.empty() ? jira_audience : entry.url;
    std::vector<std::string> flags = {"--protocol", "modern", "--audience", audience};
    if (entry.mcp.rate_limit) {
      flags.insert(flags.end(), {"--rate-limit", std::to_string(entry.mcp.rate_limit->requests), "--rate-window-ms",
                                 std::to_string(entry.mcp.rate_limit->window.count())});
    }
    if (name == "jira-mcp") flags.insert(flags.end(), jira_switches.begin(), jira_switches.end());
    own.push_back(start_own_server(stack, name, route, flags));
    entry.url = own.back().url + "/mcp";
    entry.mcp.protocol = "modern";
    if (route == ServerRoute::direct) entry.mcp.behind_fault_proxy.clear();
  }
  return modern;
}

void expect_passed_save_legacy_cases(const std::vector<Outcome>& outcomes,
                                     const std::map<std::string, std::string>& not_applicable) {
  std::set<std::string> seen;
  for (const auto& outcome : outcomes) {
    const auto legacy_case = not_applicable.find(outcome.name());
    if (legacy_case == not_applicable.end()) {
      EXPECT_EQ(outcome.status, Status::passed) << outcome.why();
      continue;
    }
    seen.insert(outcome.name());
    EXPECT_EQ(outcome.status, Status::skipped) << outcome.why();
    EXPECT_TRUE(outcome.findings.empty()) << outcome.why();
    EXPECT_EQ(outcome.message.rfind("not applicable: ", 0), 0u) << outcome.why();
    EXPECT_NE(outcome.message.find(legacy_case->second), std::string::npos) << outcome.why();
  }
  for (const auto& [name, reason] : not_applicable) EXPECT_TRUE(seen.contains(name)) << "no scenario " << name;
}

Outcome run_one(ScenarioRunner& runner, const std::string& suite, const std::string& name) {
  const std::vector<Outcome> ran = run_scenarios(runner, suite, {name});
  if (ran.size() != 1) throw std::runtime_error("no scenario " + suite + " / " + name);
  return ran.front();
}

void expect_found(const Outcome& outcome, const std::string& server, const std::string& property) {
  EXPECT_EQ(outcome.status, Status::failed) << outcome.why();
  ASSERT_FALSE(outcome.findings.empty()) << outcome.why();
  for (const auto& finding : outcome.findings) {
    EXPECT_EQ(finding.server, server) << outcome.why();
    EXPECT_EQ(finding.property, property) << outcome.why();
  }
}

void expect_documented_era_table(const std::vector<Outcome>& outcomes, const std::vector<std::string>& suites) {
  std::map<std::string, std::array<int, 3>> counts;
  for (const auto& outcome : outcomes) {
    auto& row = counts[outcome.suite];
    ++row[0];
    if (outcome.status == Status::passed) ++row[1];
    if (outcome.status == Status::skipped) ++row[2];
  }
  std::string table;
  for (const std::string& suite : suites) {
    const auto& row = counts[suite];
    table += "| `" + suite + "` | " + std::to_string(row[0]) + " | " + std::to_string(row[1]) + " | " +
             std::to_string(row[2]) + " |\n";
  }
  std::ifstream docs(std::string(MCPH_DOCS_DIR) + "/families.md");
  std::stringstream text;
  text << docs.rdbuf();
  EXPECT_NE(text.str().find(table), std::string::npos)
      << "docs/families.md (MCP 2026-07-28) should list the families over the modern era as:\n"
      << table;
}

}  // namespace mcph::harness::scenario
