// The scenario files as GoogleTest suites: one test suite per scenarios/*.yaml (named after its
// `suite:`), one test per scenario, registered at start-up so that ctest discovers them one by
// one (gtest_discover_tests). Each test runs its scenario against the stack named by
// MCPH_STACK_FILE (ctest's scenario_stack fixture brings one up) and fails with every
// expectation that did not hold, as the reports show them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "mcph/contract/server_under_test.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"

namespace {

using mcph::harness::scenario::ScenarioFile;

mcph::harness::scenario::ScenarioRunner& runner() {
  static std::unique_ptr<mcph::harness::scenario::ScenarioRunner> shared = [] {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file || !*stack_file) {
      throw std::runtime_error(
          "MCPH_STACK_FILE is not set: run these tests through ctest (its scenario_stack fixture brings a stack "
          "up), or start one with `mcp-harness up` and point MCPH_STACK_FILE at its stack.json");
    }
    mcph::harness::scenario::RunnerOptions options;
    if (const char* traces = std::getenv("MCPH_TRACE_DIR"); traces && *traces) options.trace_dir = traces;
    auto stack = mcph::harness::stack::StackFile::load(stack_file);
    // ctest runs each scenario in a process of its own, several at a time: they pace together.
    options.pacing_dir = mcph::harness::scenario::pacing_dir_for(stack, stack_file);
    return std::make_unique<mcph::harness::scenario::ScenarioRunner>(std::move(stack), options);
  }();
  return *shared;
}

class ScenarioTest : public ::testing::Test {
 public:
  ScenarioTest(std::shared_ptr<const ScenarioFile> file, std::string scenario)
      : file_(std::move(file)), scenario_(std::move(scenario)) {}

  void TestBody() override {
    const auto suite = runner().run(*file_, {scenario_});
    ASSERT_EQ(suite.scenarios.size(), 1u);
    const auto& result = suite.scenarios.front();
    // Not run, and why (its faults would not reach the server under test, …): ctest says skipped.
    if (result.status == mcph::reports::ScenarioResult::Status::skipped) GTEST_SKIP() << result.message;
    if (result.status == mcph::reports::ScenarioResult::Status::error) {
      FAIL() << "the scenario could not run: " << result.message;
    }
    for (const auto& failure : result.failures) {
      ADD_FAILURE() << "step " << failure.step << "\n  expected " << failure.expectation << "\n  actual   "
                    << failure.actual;
    }
  }

 private:
  std::shared_ptr<const ScenarioFile> file_;
  std::string scenario_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Under the `real` fixture without the real tier installed: every scenario skipped, saying why.
  mcph::contract::skip_all_when_the_stack_file_is_missing();
  std::vector<ScenarioFile> loaded;
  try {
    loaded = mcph::harness::scenario::load_scenario_dir(MCPH_SCENARIOS_DIR);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  for (auto& each : loaded) {
    const auto file = std::make_shared<const ScenarioFile>(std::move(each));
    for (const auto& scenario : file->scenarios) {
      ::testing::RegisterTest(mcph::harness::scenario::identifier(file->suite).c_str(), mcph::harness::scenario::identifier(scenario.name).c_str(), nullptr, nullptr,
                              file->path.c_str(), scenario.where.line,
                              [file, name = scenario.name]() -> ::testing::Test* { return new ScenarioTest(file, name); });
    }
  }
  return RUN_ALL_TESTS();
}
