// mcp-harness replay: run a recorded trace's scenarios again and say what differs.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "trace_signature.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

namespace {

Json read_trace(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot read the trace");
  const Json trace = Json::parse(in, nullptr, false);
  if (!trace.is_object() || trace.value("format", "") != trace_format) {
    throw std::runtime_error(path.string() + ": not an mcp-harness trace (expected \"format\": \"" + trace_format + "\")");
  }
  if (!trace.contains("source") || !trace.contains("scenarios")) {
    throw std::runtime_error(path.string() + ": the trace lacks its scenario source or scenarios");
  }
  return trace;
}

std::string text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

}  // namespace

ReplayResult replay_trace(const std::filesystem::path& trace_file, const stack::StackFile& stack, RunnerOptions options,
                          std::optional<std::uint64_t> seed) {
  const Json recorded = read_trace(trace_file);
  ReplayResult result;
  if (const auto it = recorded.find("seed"); it != recorded.end() && it->is_number_unsigned()) {
    result.recorded_seed = it->get<std::uint64_t>();
  }
  result.seed = seed.value_or(result.recorded_seed.value_or(0));
  result.shuffled = recorded.value("shuffle", false);
  options.seed = result.seed;
  options.shuffle = result.shuffled;
  const ScenarioFile file = parse_scenario_file(recorded["source"].get<std::string>(), recorded.value("file", trace_file.string()));
  std::vector<std::string> names;
  for (const auto& scenario : recorded["scenarios"]) names.push_back(scenario.value("name", ""));

  ScenarioRunner runner(stack, std::move(options));
  result.recorded_at = recorded.value("started_at", "");
  for (const auto& scenario : recorded["scenarios"]) result.recorded_seconds += scenario.value("seconds", 0.0);
  result.suite = runner.run(file, names);
  result.trace = runner.last_trace();
  const Json replayed = Json::parse(result.trace);

  for (const auto& before : recorded["scenarios"]) {
    const std::string name = before.value("name", "");
    const Json* after = nullptr;
    for (const auto& candidate : replayed["scenarios"]) {
      if (candidate.value("name", "") == name) after = &candidate;
    }
    if (!after) {
      result.differences.push_back({name, "", "scenario", "present", "not in the scenario file any more"});
      continue;
    }
    if (before.value("status", "") != after->value("status", "")) {
      result.differences.push_back({name, "", "status", before.value("status", ""), after->value("status", "")});
    }
    const Json& old_steps = before["steps"];
    const Json& new_steps = (*after)["steps"];
    for (std::size_t i = 0; i < std::max(old_steps.size(), new_steps.size()); ++i) {
      if (i >= old_steps.size() || i >= new_steps.size()) {
        const Json& present = i < old_steps.size() ? old_steps[i] : new_steps[i];
        result.differences.push_back({name, present.value("title", ""), "step",
                                      i < old_steps.size() ? "ran" : "did not run", i < new_steps.size() ? "ran" : "did not run"});
        continue;
      }
      const Json old_signature = old_steps[i].value("signature", Json::object());
      const Json new_signature = new_steps[i].value("signature", Json::object());
      std::set<std::string> fields;
      for (const auto& [key, value] : old_signature.items()) fields.insert(key);
      for (const auto& [key, value] : new_signature.items()) fields.insert(key);
      for (const auto& field : fields) {
        const Json a = old_signature.value(field, Json(nullptr)), b = new_signature.value(field, Json(nullptr));
        if (a != b) result.differences.push_back({name, new_steps[i].value("title", ""), field, text(a), text(b)});
      }
      if (old_steps[i].contains("error") != new_steps[i].contains("error")) {
        result.differences.push_back({name, new_steps[i].value("title", ""), "error", old_steps[i].value("error", "none"),
                                      new_steps[i].value("error", "none")});
      }
    }
  }
  return result;
}

}  // namespace mcph::harness::scenario
