// Every run prints its seed and records it in each report and trace; --shuffle draws the order
// from it; a failed scenario's `again:` command and `replay` of its trace repeat that order.
// Proven on two scenarios that depend on their order: the second needs what the first leaves on
// a server of the test's own, so one seed's order passes and another's fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/run_order.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/http/server.h"
#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kOrderFile =
    "suite: order\n"
    "family: missing credentials\n"
    "scenarios:\n"
    "  - name: leaves a mark\n"
    "    steps:\n"
    "      - http: {server: vault, method: POST, path: /mark, auth: none}\n"
    "        expect: {http_status: 200}\n"
    "  - name: needs the mark\n"
    "    steps:\n"
    "      - http: {server: vault, method: GET, path: /marked, auth: none}\n"
    "        expect: {http_status: 200}\n";

// The first seed from 1 on whose order `first` of the file's two scenarios runs first; 0 when
// none of the first hundred does (the shuffle draws nothing from the seed).
std::uint64_t seed_running_first(const scenario::ScenarioFile& file, std::size_t first) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    if (scenario::scenario_order(file, seed, true).front() == first) return seed;
  }
  return 0;
}

class RunSeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/mark", [this](const http::Request&, http::Response& response) {
      marked_ = true;
      response.set_json(200, "{}");
    });
    server_->route("GET", "/marked", [this](const http::Request&, http::Response& response) {
      response.set_json(marked_ ? 200 : 409, "{}");
    });
    server_->start();
    std::ofstream(stack_file_) << Json{{"mode", "external"}, {"services", {{"vault", {{"url", server_->url()}}}}}}.dump();
    std::ofstream(file_) << kOrderFile;
  }
  // A run of the order file with these flags, on a server that has no mark yet.
  proc::CommandResult run(std::vector<std::string> flags) {
    marked_ = false;
    std::vector<std::string> args = {"run", file_.string(), "--stack", stack_file_.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    return harness(args, dir_.path(), 60s);
  }

  const proc::TempDir dir_{"mcph-cli-seed"};
  const fs::path stack_file_ = dir_.path() / "stack.json";
  const fs::path file_ = dir_.path() / "order.yaml";
  std::atomic<bool> marked_{false};
  std::unique_ptr<http::Server> server_;
};

TEST_F(RunSeedTest, EveryRunPrintsItsSeedFirstAndKeepsFileOrderUnlessShuffled) {
  const auto drawn = run({});
  EXPECT_EQ(drawn.exit_code, 0) << drawn.output;  // file order: the mark is left before it is needed
  EXPECT_THAT(drawn.output, StartsWith("seed: "));
  const auto given = run({"--seed", "7"});
  EXPECT_EQ(given.exit_code, 0) << given.output;
  EXPECT_THAT(given.output, StartsWith("seed: 7\n"));
  EXPECT_LT(given.output.find("[order] leaves a mark"), given.output.find("[order] needs the mark"));

  const auto bad = run({"--seed", "12x"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("--seed 12x: give a whole number from 0 to 18446744073709551615"));
}

TEST_F(RunSeedTest, ShuffleFindsTheOrderDependenceAndTheAgainCommandAndReplayRepeatIt) {
  const scenario::ScenarioFile file = scenario::parse_scenario_file(kOrderFile, file_.string());
  const std::uint64_t passing = seed_running_first(file, 0), failing = seed_running_first(file, 1);
  ASSERT_NE(passing, 0u);
  ASSERT_NE(failing, 0u);

  const auto passed = run({"--seed", std::to_string(passing), "--shuffle"});
  EXPECT_EQ(passed.exit_code, 0) << passed.output;
  EXPECT_THAT(passed.output, StartsWith("seed: " + std::to_string(passing) + " (scenarios shuffled)\n"));

  const fs::path junit = dir_.path() / "junit.xml", html = dir_.path() / "report.html", sarif = dir_.path() / "run.sarif",
                 traces = dir_.path() / "traces";
  const std::string seed = std::to_string(failing);
  const auto failed = run({"--seed", seed, "--shuffle", "--junit", junit.string(), "--html", html.string(), "--sarif",
                           sarif.string(), "--traces", traces.string()});
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_LT(failed.output.find("[order] needs the mark: failed"), failed.output.find("[order] leaves a mark: passed"));
  // The again command runs the file in the seed's order: the scenario fails again.
  const std::string again = "again: mcp-harness run '" + file_.string() + "' --stack '" + stack_file_.string() +
                            "' --seed " + seed + " --shuffle\n";
  EXPECT_THAT(failed.output, HasSubstr(again));
  const auto repeated = run({"--seed", seed, "--shuffle"});
  EXPECT_EQ(repeated.exit_code, 1) << repeated.output;
  EXPECT_THAT(repeated.output, HasSubstr("[order] needs the mark: failed"));

  // The seed is in every report and in the trace.
  EXPECT_THAT(read_file(junit), HasSubstr("<property name=\"seed\" value=\"" + seed + "\"/>"));
  EXPECT_THAT(read_file(html), HasSubstr("<dt>Seed</dt><dd><code>" + seed + "</code> (scenarios shuffled)</dd>"));
  EXPECT_EQ(Json::parse(read_file(sarif))["runs"][0]["properties"]["seed"], seed);
  const fs::path trace = traces / "order.trace.json";
  const Json recorded = Json::parse(read_file(trace));
  EXPECT_EQ(recorded["seed"], failing);
  EXPECT_EQ(recorded["shuffle"], true);

  // replay takes the recording's seed, so its order, and fails as it did; another seed, another order.
  marked_ = false;
  const auto replayed = harness({"replay", trace.string(), "--stack", stack_file_.string()}, dir_.path(), 60s);
  EXPECT_THAT(replayed.output, HasSubstr("replay: seed " + seed + ", the recording's, scenarios in the order it draws"));
  EXPECT_THAT(replayed.output, HasSubstr("replay: no differences from the recording"));
  EXPECT_THAT(replayed.output, HasSubstr("[order] needs the mark: failed"));
  marked_ = false;
  const auto other = harness({"replay", trace.string(), "--stack", stack_file_.string(), "--seed", std::to_string(passing)},
                             dir_.path(), 60s);
  EXPECT_THAT(other.output, HasSubstr("(given; not the recording's)"));
  EXPECT_THAT(other.output, HasSubstr("needs the mark: status\n      recorded: failed\n      now:      passed\n"));
}

}  // namespace
}  // namespace mcph::harness::cli
