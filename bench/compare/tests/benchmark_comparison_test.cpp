#include "mcph/bench/benchmark_comparison.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mcph::bench {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;

// One repetition as Google Benchmark writes it.
Json repetition(const std::string& name, double real_time, double p50_us, int index) {
  return {{"name", name},         {"run_name", name}, {"run_type", "iteration"}, {"repetitions", 9},
          {"repetition_index", index}, {"threads", 1}, {"iterations", 1000},  {"real_time", real_time},
          {"cpu_time", real_time / 10}, {"time_unit", "ms"}, {"p50_us", p50_us}, {"items_per_second", 1000 / real_time}};
}

Json aggregate(const std::string& name, const std::string& which, double value) {
  return {{"name", name + "_" + which}, {"run_name", name}, {"run_type", "aggregate"}, {"aggregate_name", which},
          {"real_time", value}, {"cpu_time", value}, {"time_unit", "ms"}};
}

// Nine repetitions around `center` (spread ±0.04), plus the aggregates compare.py skips.
void add_runs(Json& result, const std::string& name, double center) {
  for (int i = 0; i < 9; ++i) {
    const double value = center + 0.01 * (i - 4);
    result["benchmarks"].push_back(repetition(name, value, value * 900, i));
  }
  result["benchmarks"].push_back(aggregate(name, "mean", center));
  result["benchmarks"].push_back(aggregate(name, "median", center));
}

Json result_with(std::initializer_list<std::pair<std::string, double>> benchmarks) {
  Json result = {{"context", {{"date", "today"}}}, {"benchmarks", Json::array()}};
  for (const auto& [name, center] : benchmarks) add_runs(result, name, center);
  return result;
}

const MeasureComparison& measure(const BenchmarkComparison& benchmark, const std::string& name) {
  for (const auto& m : benchmark.measures) {
    if (m.measure == name) return m;
  }
  throw std::runtime_error("no measure " + name);
}

TEST(BenchmarkComparison, AFasterContenderIsASignificantChange) {
  const Json old_result = result_with({{"BM_WarmCall/jira-mcp/real_time", 1.0}, {"BM_KvRead/real_time", 0.2}});
  const Json new_result = result_with({{"BM_WarmCall/jira-mcp/real_time", 0.5}, {"BM_KvRead/real_time", 0.2}});
  const Comparison c = compare_results(old_result.dump(), "old.json", new_result.dump(), "new.json", {});
  ASSERT_EQ(c.benchmarks.size(), 2u);
  const auto& warm = c.benchmarks[0];
  EXPECT_EQ(warm.name, "BM_WarmCall/jira-mcp/real_time");
  EXPECT_EQ(warm.baseline_repetitions, 9);  // the aggregates are not repetitions
  EXPECT_TRUE(warm.enough_repetitions);
  const auto& time = measure(warm, "real_time");
  EXPECT_DOUBLE_EQ(time.baseline, 1.0);
  EXPECT_DOUBLE_EQ(time.contender, 0.5);
  EXPECT_DOUBLE_EQ(time.change, -0.5);
  ASSERT_TRUE(time.p_value.has_value());
  EXPECT_NEAR(*time.p_value, 0.0004122948020616911, 1e-12);  // fully separated, 9 vs 9
  EXPECT_TRUE(*time.significant);
  // User counters are compared the same way.
  EXPECT_TRUE(*measure(warm, "p50_us").significant);
  EXPECT_TRUE(*measure(warm, "items_per_second").significant);
  // The same distribution on both sides: no significant difference.
  const auto& kv = measure(c.benchmarks[1], "real_time");
  EXPECT_DOUBLE_EQ(kv.change, 0);
  EXPECT_FALSE(*kv.significant);
}

TEST(BenchmarkComparison, TwoStacksOfOneRunAreMatchedByTheirLabels) {
  const Json run = result_with({{"BM_Load/jira-mcp/stack:before/manual_time", 40},
                                {"BM_Load/jira-mcp/stack:after/manual_time", 20},
                                {"BM_Load/jira-mcp/stack:after2/manual_time", 99},  // another stack
                                {"BM_Only/stack:before", 1}});
  ComparisonOptions options;
  options.baseline_stack = "before";
  options.contender_stack = "after";
  const Comparison c = compare_results(run.dump(), "run.json", run.dump(), "run.json", options);
  ASSERT_EQ(c.benchmarks.size(), 1u);
  EXPECT_EQ(c.benchmarks[0].name, "BM_Load/jira-mcp/stack:[before vs after]/manual_time");
  EXPECT_EQ(c.benchmarks[0].baseline_name, "BM_Load/jira-mcp/stack:before/manual_time");
  EXPECT_EQ(c.benchmarks[0].contender_name, "BM_Load/jira-mcp/stack:after/manual_time");
  EXPECT_DOUBLE_EQ(measure(c.benchmarks[0], "real_time").change, -0.5);
  EXPECT_THAT(c.unmatched, ElementsAre("BM_Only/stack:before"));
}

TEST(BenchmarkComparison, OneRepetitionIsComparedWithoutATest) {
  Json old_result = {{"benchmarks", Json::array({repetition("BM_Load/x", 10, 5, 0)})}};
  Json new_result = {{"benchmarks", Json::array({repetition("BM_Load/x", 5, 5, 0)})}};
  const Comparison c = compare_results(old_result.dump(), "a", new_result.dump(), "b", {});
  ASSERT_EQ(c.benchmarks.size(), 1u);
  EXPECT_FALSE(c.benchmarks[0].enough_repetitions);
  const auto& time = measure(c.benchmarks[0], "real_time");
  EXPECT_DOUBLE_EQ(time.change, -0.5);
  EXPECT_FALSE(time.p_value.has_value());
  EXPECT_FALSE(time.significant.has_value());
}

TEST(BenchmarkComparison, FailedRunsAndUnknownNamesAreSetAside) {
  Json old_result = result_with({{"BM_A", 1}, {"BM_Gone", 1}});
  Json new_result = result_with({{"BM_A", 1}, {"BM_New", 1}});
  new_result["benchmarks"].push_back({{"name", "BM_A"}, {"run_type", "iteration"}, {"error_occurred", true},
                                      {"error_message", "tool call failed"}});
  const Comparison c = compare_results(old_result.dump(), "a", new_result.dump(), "b", {});
  ASSERT_EQ(c.benchmarks.size(), 1u);
  EXPECT_EQ(c.benchmarks[0].contender_repetitions, 9);
  EXPECT_THAT(c.unmatched, ElementsAre("BM_Gone", "BM_New"));
}

// Google Benchmark writes the coefficient of variation of a counter that stayed 0 in every
// repetition (server_load_bench's `failed`) as a bare NaN: such a file is still a result.
TEST(BenchmarkComparison, NonFiniteNumbersAsGoogleBenchmarkWritesThemAreRead) {
  Json result = result_with({{"BM_Load/NaN-in-a-name", 1.0}});
  for (auto& entry : result["benchmarks"]) entry["failed"] = 0;
  Json cv = aggregate("BM_Load/NaN-in-a-name", "cv", 0.01);
  cv["failed"] = "@NaN@";
  cv["max_ms"] = "@Infinity@";
  cv["min_ms"] = "@-Infinity@";
  result["benchmarks"].push_back(cv);
  std::string text = result.dump();
  for (const std::string token : {"NaN", "Infinity", "-Infinity"}) {
    const std::string quoted = "\"@" + token + "@\"";
    text.replace(text.find(quoted), quoted.size(), token);
  }
  ASSERT_NE(text.find(":NaN"), std::string::npos);
  const Comparison c = compare_results(text, "a.json", text, "b.json", {});
  ASSERT_EQ(c.benchmarks.size(), 1u);
  EXPECT_EQ(c.benchmarks[0].name, "BM_Load/NaN-in-a-name");  // a string keeps its NaN
  EXPECT_EQ(c.benchmarks[0].baseline_repetitions, 9);
  EXPECT_DOUBLE_EQ(measure(c.benchmarks[0], "failed").change, 0);
}

TEST(BenchmarkComparison, BadInputIsRefusedWithItsOrigin) {
  const std::string good = result_with({{"BM_A", 1}}).dump();
  try {
    compare_results("{not json", "broken.json", good, "good.json", {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("broken.json"));
  }
  EXPECT_THROW(compare_results(R"({"benchmarks":[{"name":"x","run_type":"iteration"}]})", "a", good, "b", {}),
               std::invalid_argument);
  ComparisonOptions half;
  half.baseline_stack = "before";
  EXPECT_THROW(compare_results(good, "a", good, "b", half), std::invalid_argument);
  ComparisonOptions bad_alpha;
  bad_alpha.alpha = 1.5;
  EXPECT_THROW(compare_results(good, "a", good, "b", bad_alpha), std::invalid_argument);
}

TEST(BenchmarkComparison, JsonForTheReportHasItsDocumentedShape) {
  const Json old_result = result_with({{"BM_A/stack:x", 1.0}});
  const Json new_result = result_with({{"BM_A/stack:y", 2.0}});
  ComparisonOptions options;
  options.baseline_stack = "x";
  options.contender_stack = "y";
  const Json out = Json::parse(to_json(compare_results(old_result.dump(), "old.json", new_result.dump(), "new.json", options)));
  EXPECT_EQ(out["baseline"], (Json{{"file", "old.json"}, {"stack", "x"}}));
  EXPECT_EQ(out["contender"], (Json{{"file", "new.json"}, {"stack", "y"}}));
  EXPECT_EQ(out["alpha"], 0.05);
  ASSERT_EQ(out["benchmarks"].size(), 1u);
  const Json& benchmark = out["benchmarks"][0];
  EXPECT_EQ(benchmark["name"], "BM_A/stack:[x vs y]");
  EXPECT_EQ(benchmark["time_unit"], "ms");
  EXPECT_EQ(benchmark["repetitions"], (Json{{"baseline", 9}, {"contender", 9}}));
  EXPECT_EQ(benchmark["enough_repetitions"], true);
  const Json& time = benchmark["measures"][0];
  EXPECT_EQ(time["measure"], "real_time");
  EXPECT_DOUBLE_EQ(time["change"].get<double>(), 1.0);
  EXPECT_TRUE(time["significant"].get<bool>());
  EXPECT_LT(time["p_value"].get<double>(), 0.05);
  EXPECT_TRUE(out["unmatched"].empty());
}

}  // namespace
}  // namespace mcph::bench
