#include "mcph/bench/benchmark_comparison.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

#include "mcph/bench/mann_whitney.h"

namespace mcph::bench {
namespace {

using Json = nlohmann::json;

constexpr int kMinRepetitions = 2;      // compare.py's UTEST_MIN_REPETITIONS
constexpr int kOptimalRepetitions = 9;  // compare.py's UTEST_OPTIMAL_REPETITIONS

// Fields of a benchmark entry that are not measures (any other number is a user counter).
const std::set<std::string>& non_measures() {
  static const std::set<std::string> names = {
      "name",       "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
      "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit", "aggregate_name",
      "aggregate_unit", "error_occurred", "error_message", "label"};
  return names;
}

struct Runs {
  std::string name;  // as in the file
  std::string time_unit;
  std::vector<Json> repetitions;
};

// Google Benchmark writes a counter's coefficient of variation over all-zero repetitions (a
// `failed` counter that stayed 0) as a bare NaN, and may write Infinity; Python's json (compare.py)
// reads those, nlohmann::json does not. Outside strings they become null: no measure.
std::string nonfinite_as_null(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
      if (text.compare(i, token.size(), token) == 0) {
        out += "null";
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

// The benchmarks' repetitions by matching key, in file order. Aggregates (mean, median, …)
// and failed runs are left out: the test needs the repetitions themselves.
std::vector<std::pair<std::string, Runs>> runs_of(const std::string& text, const std::string& origin,
                                                  const std::string& stack, const std::string& matched_stack) {
  const Json json = Json::parse(nonfinite_as_null(text), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw std::invalid_argument(origin + ": not JSON");
  if (!json.is_object() || !json.contains("benchmarks") || !json["benchmarks"].is_array()) {
    throw std::invalid_argument(origin + ": not a Google Benchmark JSON result (no \"benchmarks\" array)");
  }
  std::vector<std::pair<std::string, Runs>> runs;
  std::map<std::string, std::size_t> index;
  for (const Json& entry : json["benchmarks"]) {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
      throw std::invalid_argument(origin + ": a benchmark without a name");
    }
    if (entry.value("run_type", "iteration") != "iteration" || entry.value("error_occurred", false)) continue;
    if (!entry.contains("real_time") || !entry["real_time"].is_number() || !entry.contains("cpu_time") ||
        !entry["cpu_time"].is_number()) {
      throw std::invalid_argument(origin + ": " + entry["name"].get<std::string>() + " has no real_time/cpu_time");
    }
    std::string key = entry["name"];
    if (!stack.empty()) {
      const std::string segment = "/stack:" + stack;
      const auto at = key.find(segment);
      const auto end = at == std::string::npos ? at : at + segment.size();
      if (at == std::string::npos || (end < key.size() && key[end] != '/')) continue;  // another stack's
      key.replace(at, segment.size(), "/stack:" + matched_stack);
    }
    auto [it, inserted] = index.emplace(key, runs.size());
    if (inserted) runs.push_back({key, Runs{entry["name"], entry.value("time_unit", "ns"), {}}});
    runs[it->second].second.repetitions.push_back(entry);
  }
  return runs;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// compare.py's calculate_change.
double change_of(double old_value, double new_value) {
  if (old_value == 0 && new_value == 0) return 0;
  if (old_value == 0) return (new_value - old_value) / ((old_value + new_value) / 2);
  return (new_value - old_value) / std::abs(old_value);
}

std::vector<double> values_of(const std::vector<Json>& repetitions, const std::string& measure) {
  std::vector<double> values;
  for (const Json& entry : repetitions) values.push_back(entry[measure].get<double>());
  return values;
}

// real_time, cpu_time, then the counters every repetition on both sides reports.
std::vector<std::string> measures_of(const Runs& baseline, const Runs& contender) {
  std::vector<std::string> measures = {"real_time", "cpu_time"};
  for (const auto& [key, value] : baseline.repetitions.front().items()) {
    if (!value.is_number() || non_measures().count(key)) continue;
    const std::string& name = key;  // clang 14 cannot capture a structured binding
    auto everywhere = [&](const std::vector<Json>& entries) {
      return std::all_of(entries.begin(), entries.end(), [&](const Json& e) { return e.contains(name) && e[name].is_number(); });
    };
    if (everywhere(baseline.repetitions) && everywhere(contender.repetitions)) measures.push_back(key);
  }
  return measures;
}

}  // namespace

Comparison compare_results(const std::string& baseline_json, const std::string& baseline_origin,
                           const std::string& contender_json, const std::string& contender_origin,
                           const ComparisonOptions& options) {
  if (options.baseline_stack.empty() != options.contender_stack.empty()) {
    throw std::invalid_argument("name both stacks to compare (baseline and contender) or neither");
  }
  if (!(options.alpha > 0 && options.alpha < 1)) throw std::invalid_argument("alpha must be between 0 and 1");
  Comparison comparison;
  comparison.options = options;
  comparison.baseline_origin = baseline_origin;
  comparison.contender_origin = contender_origin;
  const std::string matched =
      options.baseline_stack.empty() ? "" : "[" + options.baseline_stack + " vs " + options.contender_stack + "]";
  const auto baseline = runs_of(baseline_json, baseline_origin, options.baseline_stack, matched);
  const auto contender = runs_of(contender_json, contender_origin, options.contender_stack, matched);
  std::map<std::string, const Runs*> contender_by_key;
  for (const auto& [key, runs] : contender) contender_by_key[key] = &runs;
  std::set<std::string> matched_keys;
  for (const auto& [key, base] : baseline) {
    const auto other = contender_by_key.find(key);
    if (other == contender_by_key.end() || other->second->time_unit != base.time_unit) {
      comparison.unmatched.push_back(base.name);
      continue;
    }
    matched_keys.insert(key);
    const Runs& cont = *other->second;
    BenchmarkComparison result;
    result.name = key;
    result.baseline_name = base.name;
    result.contender_name = cont.name;
    result.time_unit = base.time_unit;
    result.baseline_repetitions = static_cast<int>(base.repetitions.size());
    result.contender_repetitions = static_cast<int>(cont.repetitions.size());
    const int fewest = std::min(result.baseline_repetitions, result.contender_repetitions);
    result.enough_repetitions = fewest >= kOptimalRepetitions;
    for (const std::string& measure : measures_of(base, cont)) {
      const auto x = values_of(base.repetitions, measure);
      const auto y = values_of(cont.repetitions, measure);
      MeasureComparison m;
      m.measure = measure;
      m.baseline = median(x);
      m.contender = median(y);
      m.change = change_of(m.baseline, m.contender);
      if (fewest >= kMinRepetitions) {
        m.p_value = mann_whitney_u(x, y).p_value;
        m.significant = *m.p_value < options.alpha;
      }
      result.measures.push_back(std::move(m));
    }
    comparison.benchmarks.push_back(std::move(result));
  }
  for (const auto& [key, runs] : contender) {
    if (!matched_keys.count(key)) comparison.unmatched.push_back(runs.name);
  }
  return comparison;
}

std::string to_json(const Comparison& comparison) {
  auto side = [](const std::string& origin, const std::string& stack) {
    Json out = {{"file", origin}};
    if (!stack.empty()) out["stack"] = stack;
    return out;
  };
  Json out = {{"baseline", side(comparison.baseline_origin, comparison.options.baseline_stack)},
              {"contender", side(comparison.contender_origin, comparison.options.contender_stack)},
              {"alpha", comparison.options.alpha},
              {"benchmarks", Json::array()},
              {"unmatched", comparison.unmatched}};
  for (const auto& benchmark : comparison.benchmarks) {
    Json entry = {{"name", benchmark.name},
                  {"baseline_name", benchmark.baseline_name},
                  {"contender_name", benchmark.contender_name},
                  {"time_unit", benchmark.time_unit},
                  {"repetitions", {{"baseline", benchmark.baseline_repetitions}, {"contender", benchmark.contender_repetitions}}},
                  {"enough_repetitions", benchmark.enough_repetitions},
                  {"measures", Json::array()}};
    for (const auto& m : benchmark.measures) {
      entry["measures"].push_back({{"measure", m.measure},
                                   {"baseline", m.baseline},
                                   {"contender", m.contender},
                                   {"change", m.change},
                                   {"p_value", m.p_value ? Json(*m.p_value) : Json(nullptr)},
                                   {"significant", m.significant ? Json(*m.significant) : Json(nullptr)}});
    }
    out["benchmarks"].push_back(std::move(entry));
  }
  return out.dump(2) + "\n";
}

std::string to_text(const Comparison& comparison) {
  const auto& o = comparison.options;
  std::string text = "baseline:  " + comparison.baseline_origin + (o.baseline_stack.empty() ? "" : " (stack " + o.baseline_stack + ")") +
                     "\ncontender: " + comparison.contender_origin +
                     (o.contender_stack.empty() ? "" : " (stack " + o.contender_stack + ")") + "\n";
  char line[512];
  std::snprintf(line, sizeof line, "U test over the repetitions, two-sided, significant when p < %g\n\n", o.alpha);
  text += line;
  for (const auto& benchmark : comparison.benchmarks) {
    std::snprintf(line, sizeof line, "%s  (%d vs %d repetitions%s)\n", benchmark.name.c_str(), benchmark.baseline_repetitions,
                  benchmark.contender_repetitions,
                  benchmark.enough_repetitions ? "" : "; fewer than 9: the test is unreliable");
    text += line;
    for (const auto& m : benchmark.measures) {
      const std::string unit = m.measure == "real_time" || m.measure == "cpu_time" ? " " + benchmark.time_unit : "";
      std::string verdict = "no test (one repetition)";
      if (m.p_value) {
        std::snprintf(line, sizeof line, "p=%.4f %s", *m.p_value, *m.significant ? "significant" : "not significant");
        verdict = line;
      }
      std::snprintf(line, sizeof line, "  %-18s %12.4g%-3s -> %12.4g%-3s %+8.1f%%  %s\n", m.measure.c_str(), m.baseline,
                    unit.c_str(), m.contender, unit.c_str(), 100 * m.change, verdict.c_str());
      text += line;
    }
  }
  for (const auto& name : comparison.unmatched) text += "only on one side: " + name + "\n";
  return text;
}

}  // namespace mcph::bench
