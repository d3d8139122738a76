// docs/scenario-reference.md is generated (`mcp-harness reference`): it must say what the
// loader accepts today, so a change to a step kind or an expectation kind that leaves it stale
// fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "expectation_kinds.h"
#include "mcph/harness/scenario/scenario_reference.h"
#include "steps/step_kind.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;

TEST(ScenarioReference, TheCheckedInCopyIsCurrent) {
  std::ifstream file(MCPH_SCENARIO_REFERENCE_PATH);
  ASSERT_TRUE(file) << "cannot read " << MCPH_SCENARIO_REFERENCE_PATH;
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(text.str() == scenario_reference())
      << "docs/scenario-reference.md is stale: run `mcp-harness reference > docs/scenario-reference.md`";
}

TEST(ScenarioReference, DocumentsEveryStepKindAndEveryExpectation) {
  const std::string reference = scenario_reference();
  for (const auto& kind : step_kind_table()) {
    EXPECT_FALSE(kind.summary.empty()) << kind.name;
    EXPECT_FALSE(kind.fields.empty()) << kind.name;
    EXPECT_THAT(reference, HasSubstr("\n### " + std::string(kind.name) + "\n")) << kind.name;
  }
  for (const auto& kind : expectation_kinds()) {
    EXPECT_FALSE(kind.summary.empty()) << kind.name;
    EXPECT_THAT(reference, HasSubstr("| `" + std::string(kind.name) + "` |")) << kind.name;
  }
}

// Each kind's example is a step the loader takes as that kind (in a file that declares every mode
// and capability an example may act through).
TEST(ScenarioReference, EveryExampleLoads) {
  for (const auto& kind : step_kind_table()) {
    std::string step = "      - ";
    for (char c : kind.example) step += c == '\n' ? std::string("\n        ") : std::string(1, c);
    const std::string file = "suite: x\nneeds: {generated_users: 200, rate_limit: {requests: 20, window_ms: 1000}, "
                             "auth: [api_key, static_jwt, mtls, proxy_headers, client_credentials], "
                             "capabilities: [authorization_server]}\n"
                             "scenarios:\n  - name: example\n    steps:\n" + step + "\n";
    try {
      const ScenarioFile parsed = parse_scenario_file(file, "example.yaml");
      EXPECT_EQ(parsed.scenarios.at(0).steps.at(0).kind(), kind.kind) << kind.name;
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << kind.name << ": " << e.what() << "\n" << file;
    }
  }
}

}  // namespace
}  // namespace mcph::harness::scenario
