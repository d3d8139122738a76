// A scenario about a server's own choices (a scope of a tool's own, serving only some clients'
// users) applies only to the servers whose stack entries state that choice; the others are
// skipped, named, with the key that would state it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tool_scope_fit.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;

stack::StackFile stack_of(const std::vector<std::string>& jira_clients, const std::string& jira_write_scope) {
  stack::StackFile stack;
  for (const std::string name : {"jira-mcp", "github-mcp"}) {
    stack::ServiceEntry entry;
    entry.url = "http://127.0.0.1:1/mcp";
    stack.services[name] = entry;
  }
  stack.services["jira-mcp"].mcp.clients = jira_clients;
  stack.services["jira-mcp"].mcp.write_scope = jira_write_scope;
  return stack;
}

Scenario calling_both(bool needs_clients, bool needs_write_scope) {
  Scenario scenario;
  scenario.needs_clients = needs_clients;
  scenario.needs_write_scope = needs_write_scope;
  scenario.steps.push_back(Step{});
  return scenario;
}

const ServersCalled kBoth = [](const Step&) { return std::vector<std::string>{"jira-mcp", "github-mcp"}; };

TEST(ToolScopeFitTest, AServerThatNamesNoClientsIsNotAskedAboutOtherClientsTokens) {
  const stack::StackFile stack = stack_of({"mcp-client"}, "");
  EXPECT_EQ(clients_missing(calling_both(false, false), stack, kBoth), std::nullopt) << "a scenario that does not ask";
  EXPECT_THAT(clients_missing(calling_both(true, false), stack, kBoth).value_or(""),
              HasSubstr("not applicable: its cases are about tokens of clients a server does not serve, and the stack "
                        "file names none for github-mcp (services.<name>.clients)"));
  stack::StackFile both = stack;
  both.services["github-mcp"].mcp.clients = {"mcp-client"};
  EXPECT_EQ(clients_missing(calling_both(true, false), both, kBoth), std::nullopt);
}

TEST(ToolScopeFitTest, AServerThatNamesNoWriteScopeIsNotAskedAboutOne) {
  EXPECT_THAT(write_scope_missing(calling_both(false, true), stack_of({}, ""), kBoth).value_or(""),
              HasSubstr("a scope of a tool's own, and the stack file names none for github-mcp, jira-mcp "
                        "(services.<name>.write_scope)"));
  EXPECT_THAT(write_scope_missing(calling_both(false, true), stack_of({}, "jira-mcp.write"), kBoth).value_or(""),
              HasSubstr("names none for github-mcp (services"));
}

}  // namespace
}  // namespace mcph::harness::scenario
