// External mode: a stack file written by hand. The scenario suites run unchanged against MCP
// servers reached through the original demo's transport (plain JSON-RPC on POST /sse,
// `legacy-sse-post`), with the other services taken from a running local stack.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/harness/scenario_loader.h"
#include "mcph/harness/scenario_runner.h"
#include "mcph/harness/supervised_stack.h"

namespace mcph::harness {
namespace {

TEST(ExternalStack, SuitesPassOverTheLegacySsePostTransport) {
  SupervisedStackOptions options;
  options.stack = scenario_suite_params();
  const auto local = SupervisedStack::start(options);

  // What a user would write for their own deployment: URLs (and the transport) only.
  StackFile external;
  external.mode = "external";
  external.realm = local->stack().realm;
  for (const auto& [name, entry] : local->stack().services) {
    ServiceEntry service;
    service.url = entry.url;
    service.extra = entry.extra;
    if (name.ends_with("-mcp")) {
      service.url = entry.url.substr(0, entry.url.size() - 4) + "/sse";
      service.extra["transport"] = "legacy-sse-post";
    }
    external.services[name] = service;
  }
  const StackFile parsed = StackFile::parse(external.to_json(), "hand-written stack file");
  ASSERT_EQ(parsed.service("jira-mcp").get("transport"), "legacy-sse-post");

  ScenarioRunner runner(parsed);
  for (const std::string suite : {"isolation", "missing_credentials", "cross_subject"}) {
    const auto result = runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml"));
    for (const auto& scenario : result.scenarios) {
      std::string why = scenario.message;
      for (const auto& failure : scenario.failures) why += "\n" + failure.step + " | " + failure.expectation + " | " + failure.actual;
      EXPECT_EQ(scenario.status, reports::ScenarioResult::Status::passed) << suite << " / " << scenario.name << why;
    }
  }
}

}  // namespace
}  // namespace mcph::harness
