// mcp-harness merge: the workers' result directories (shard.h) into one run.
#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "expectations.h"
#include "findings.h"
#include "load_record.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/shard.h"
#include "mcph/reports/report_json.h"
#include "scenario_status.h"
#include "step_reach.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

struct Worker {
  std::filesystem::path dir;
  int index = 0;
  int count = 0;
  Json files;
  reports::RunReport report;
  Json load_steps;
};

Worker read_worker(const std::filesystem::path& dir) {
  const auto path = dir / "shard.json";
  std::ifstream in(path);
  if (!in) {
    throw ShardMergeError(dir.string() + ": no shard.json (not a result directory of `mcp-harness run --shard`, or its "
                          "worker did not finish)");
  }
  std::stringstream text;
  text << in.rdbuf();
  const Json json = Json::parse(text.str(), nullptr, false);
  if (!json.is_object() || json.value("format", "") != "mcp-harness-shard/1") {
    throw ShardMergeError(path.string() + ": not a shard result this version can read (format mcp-harness-shard/1)");
  }
  Worker worker;
  worker.dir = dir;
  try {
    worker.index = json.at("shard").get<int>();
    worker.count = json.at("shards").get<int>();
    worker.files = json.at("files");
    worker.report = reports::run_report_from_json(json.at("report").dump());
    worker.load_steps = json.at("load_steps");
  } catch (const std::exception& e) {
    throw ShardMergeError(path.string() + ": " + e.what());
  }
  return worker;
}

// The workers make one run: one count, each index once, the same scenario files and scenarios.
void check_consistent(std::vector<Worker>& workers) {
  const Worker& first = workers.front();
  for (const auto& worker : workers) {
    if (worker.count != first.count) {
      throw ShardMergeError(worker.dir.string() + " is " + shard_name(worker.index, worker.count) + " but " +
                            first.dir.string() + " is " + shard_name(first.index, first.count) +
                            ": results of runs with different numbers of shards");
    }
  }
  std::map<int, std::filesystem::path> by_index;
  for (const auto& worker : workers) {
    const auto [it, fresh] = by_index.emplace(worker.index, worker.dir);
    if (!fresh) {
      throw ShardMergeError(it->second.string() + " and " + worker.dir.string() + " both claim " +
                            shard_name(worker.index, worker.count));
    }
  }
  std::string missing;
  for (int i = 0; i < first.count; ++i) {
    if (!by_index.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  }
  if (!missing.empty()) {
    throw ShardMergeError("shard(s) " + missing + " of " + std::to_string(first.count) + " missing: " +
                          std::to_string(workers.size()) + " result directories given, every worker's is needed");
  }
  std::sort(workers.begin(), workers.end(), [](const Worker& a, const Worker& b) { return a.index < b.index; });
  const auto files_of = [](const Worker& worker) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& file : worker.files) files.emplace_back(file.value("path", ""), file.value("sha256", ""));
    return files;
  };
  for (const auto& worker : workers) {
    if (files_of(worker) != files_of(workers.front())) {
      std::string theirs, ours;
      for (const auto& [path, sha] : files_of(worker)) theirs += " " + path + " (" + sha.substr(0, 12) + ")";
      for (const auto& [path, sha] : files_of(workers.front())) ours += " " + path + " (" + sha.substr(0, 12) + ")";
      throw ShardMergeError(shard_name(worker.index, worker.count) + " ran other scenario files than " +
                            shard_name(0, worker.count) + ":" + theirs + " against" + ours);
    }
    const auto& a = worker.report.suites;
    const auto& b = workers.front().report.suites;
    bool same = a.size() == b.size();
    for (std::size_t s = 0; same && s < a.size(); ++s) {
      same = a[s].name == b[s].name && a[s].scenarios.size() == b[s].scenarios.size();
      for (std::size_t c = 0; same && c < a[s].scenarios.size(); ++c) same = a[s].scenarios[c].name == b[s].scenarios[c].name;
    }
    if (!same) {
      throw ShardMergeError(shard_name(worker.index, worker.count) + " ran other scenarios than " +
                            shard_name(0, worker.count) + " (a different --family or --scenario selection)");
    }
  }
}

using StepKey = std::tuple<std::string, std::string, std::size_t>;  // suite, scenario, step (from 1)

int severity(reports::ScenarioResult::Status status) {
  switch (status) {
    case reports::ScenarioResult::Status::skipped: return 0;
    case reports::ScenarioResult::Status::passed: return 1;
    case reports::ScenarioResult::Status::failed: return 2;
    case reports::ScenarioResult::Status::error: return 3;
  }
  return 3;
}

const Scenario* find_scenario(const ScenarioFile& file, const std::string& name) {
  for (const auto& scenario : file.scenarios) {
    if (scenario.name == name) return &scenario;
  }
  return nullptr;
}

// The step's users as its spec names them, against the union of the shards' slices.
void check_coverage(const LoadSpec& spec, const std::vector<LoadRecord>& records, const std::string& where) {
  std::set<std::string> covered;
  for (const auto& record : records) {
    covered.insert(record.users.begin(), record.users.end());
    covered.insert(record.probe_users.begin(), record.probe_users.end());
  }
  std::set<std::string> wanted;
  for (int i = 0; i < spec.users + spec.probe_users; ++i) wanted.insert(fixtures::generated_user(spec.first_user + i).username);
  if (covered == wanted) return;
  std::string missing, extra;
  for (const auto& user : wanted) {
    if (!covered.count(user) && missing.size() < 200) missing += " " + user;
  }
  for (const auto& user : covered) {
    if (!wanted.count(user) && extra.size() < 200) extra += " " + user;
  }
  throw ShardMergeError(where + ": the shards' slices do not cover the step's users" +
                        (missing.empty() ? "" : "; missing:" + missing) + (extra.empty() ? "" : "; not the step's:" + extra));
}

struct MergedLoad {
  std::string name;  // "suite/scenario/step"
  LoadOutcome outcome;
  double ms = 0;
};

Json benchmarks_of(const std::vector<MergedLoad>& loads, int shards) {
  Json list = Json::array();
  for (const auto& load : loads) {
    const LoadOutcome& o = load.outcome;
    Json bench = {{"name", "load/" + load.name},
                  {"run_name", "load/" + load.name},
                  {"run_type", "iteration"},
                  {"repetitions", 1},
                  {"repetition_index", 0},
                  {"threads", 1},
                  {"iterations", 1},
                  {"real_time", load.ms},
                  {"cpu_time", load.ms},
                  {"time_unit", "ms"},
                  {"shards", shards},
                  {"calls", o.calls},
                  {"ok", o.ok},
                  {"failed", o.failed},
                  {"cross_user_calls", o.cross_user},
                  {"calls_without_entry", o.without_entry},
                  {"rate_limit_violations", o.rate_limit_violations},
                  {"shared_credentials", o.shared_credentials}};
    for (const auto& level : o.levels) {
      const std::string prefix = "c" + std::to_string(level.concurrency) + "_";
      if (level.server.empty()) {
        bench[prefix + "calls_per_s"] = level.calls_per_second;
        bench[prefix + "p50_ms"] = level.p50_ms;
        bench[prefix + "p90_ms"] = level.p90_ms;
        bench[prefix + "p99_ms"] = level.p99_ms;
        bench[prefix + "max_ms"] = level.max_ms;
      } else {
        bench[prefix + level.server + "_p99_ms"] = level.p99_ms;
        bench[prefix + level.server + "_calls_per_s"] = level.calls_per_second;
      }
    }
    list.push_back(bench);
  }
  return {{"context", {{"date", reports::utc_now()}, {"executable", "mcp-harness merge"}, {"shards", shards}}},
          {"benchmarks", list}};
}

}  // namespace

MergedRun merge_shard_results(const std::vector<std::filesystem::path>& dirs) {
  if (dirs.empty()) throw ShardMergeError("no result directories given");
  std::vector<Worker> workers;
  for (const auto& dir : dirs) workers.push_back(read_worker(dir));
  check_consistent(workers);
  const int shards = workers.front().count;

  std::map<std::string, ScenarioFile> files;  // by suite
  for (const auto& file : workers.front().files) {
    try {
      ScenarioFile parsed = parse_scenario_file(file.value("source", ""), file.value("path", ""));
      files.emplace(parsed.suite, std::move(parsed));
    } catch (const std::exception& e) {
      throw ShardMergeError("the scenario file the shards ran does not load: " + std::string(e.what()));
    }
  }
  std::map<StepKey, std::vector<LoadRecord>> records;
  for (const auto& worker : workers) {
    for (const auto& step : worker.load_steps) {
      try {
        const StepKey key{step.at("suite").get<std::string>(), step.at("scenario").get<std::string>(),
                          step.at("step").get<std::size_t>()};
        LoadRecord record = load_record_from_json(step.at("record"));
        if (record.shard != worker.index || record.shards != shards) {
          throw std::invalid_argument("its load record is of " + shard_name(record.shard, record.shards));
        }
        records[key].push_back(std::move(record));
      } catch (const std::exception& e) {
        throw ShardMergeError((worker.dir / "shard.json").string() + ": " + e.what());
      }
    }
  }

  MergedRun merged;
  merged.shards = shards;
  merged.report = workers.front().report;
  for (const auto& worker : workers) {
    merged.report.seconds = std::max(merged.report.seconds, worker.report.seconds);
    merged.report.started_at = std::min(merged.report.started_at, worker.report.started_at);
    // Workers that drew seeds of their own: no one seed repeats the merged run.
    if (worker.report.seed != merged.report.seed) merged.report.seed.clear();
  }
  merged.report.title = "mcp-harness scenario run, " + std::to_string(shards) + " shards merged";
  std::vector<MergedLoad> loads;

  for (std::size_t s = 0; s < merged.report.suites.size(); ++s) {
    reports::SuiteResult& suite = merged.report.suites[s];
    const auto file = files.find(suite.name);
    for (std::size_t c = 0; c < suite.scenarios.size(); ++c) {
      reports::ScenarioResult& scenario = suite.scenarios[c];
      const Scenario* spec = file == files.end() ? nullptr : find_scenario(file->second, scenario.name);
      std::vector<const reports::ScenarioResult*> all;
      for (const auto& worker : workers) all.push_back(&worker.report.suites[s].scenarios[c]);
      bool has_load = false;
      for (const auto& entry : records) {
        has_load = has_load || (std::get<0>(entry.first) == suite.name && std::get<1>(entry.first) == scenario.name);
      }
      if (!has_load) {
        // Nothing of it was sharded (no load step, or none reached): the worst of the workers'
        // results speaks for all — a failure or a break anywhere is one.
        for (const auto* one : all) {
          if (severity(one->status) > severity(scenario.status)) scenario = *one;
        }
        continue;
      }

      std::string errors;
      double seconds = 0;
      std::size_t steps = 0;
      for (std::size_t w = 0; w < all.size(); ++w) {
        seconds = std::max(seconds, all[w]->seconds);
        steps = std::max(steps, all[w]->steps.size());
        if (all[w]->status == reports::ScenarioResult::Status::error && !reports::is_inconclusive(*all[w])) {
          errors += std::string(errors.empty() ? "" : "; ") + shard_name(workers[w].index, shards) + ": " + all[w]->message;
        }
      }
      reports::ScenarioResult out = scenario;
      out.seconds = seconds;
      out.steps.clear();
      out.failures.clear();
      out.findings.clear();
      out.message.clear();
      out.status = reports::ScenarioResult::Status::passed;
      for (std::size_t i = 0; i < steps; ++i) {
        const StepKey key{suite.name, scenario.name, i + 1};
        const auto found = records.find(key);
        const Step* step = spec && i < spec->steps.size() ? &spec->steps[i] : nullptr;
        reports::StepRecord record;
        // A worker that broke before the load step leaves the scenario broken: nothing to merge.
        const bool every_shard = found != records.end() && found->second.size() == workers.size();
        if (found != records.end() && step && step->get_if<LoadSpec>() && (every_shard || errors.empty())) {
          const std::string where = suite.name + " / " + scenario.name + " / step " + std::to_string(i + 1);
          if (!every_shard) {
            throw ShardMergeError(where + ": " + std::to_string(found->second.size()) + " of " + std::to_string(shards) +
                                  " shards recorded this load step");
          }
          check_coverage(step->get<LoadSpec>(), found->second, where);
          StepOutcome outcome;
          try {
            outcome.load = merge_load_records(found->second);
          } catch (const std::invalid_argument& e) {
            throw ShardMergeError(where + ": " + e.what());
          }
          outcome.burst.accepted = static_cast<int>(std::min<long>(outcome.load->ok, std::numeric_limits<int>::max()));
          for (const auto* one : all) {
            if (i < one->steps.size()) outcome.ms = std::max(outcome.ms, one->steps[i].ms);
          }
          record = all.front()->steps.at(i);
          record.ms = outcome.ms;
          CheckContext context;
          context.rate_limit = file->second.needs.rate_limit;
          context.rate_window = std::chrono::milliseconds(file->second.needs.rate_window_ms);
          record.checks = check_expectations(step->expect, outcome, context);
          record.load = outcome.load->levels;
          loads.push_back({suite.name + "/" + scenario.name + "/" + std::to_string(i + 1), *outcome.load, outcome.ms});
        } else {
          // Any other step ran in every worker: the one that failed or broke, if any, speaks for all.
          const reports::StepRecord* chosen = nullptr;
          for (const auto* one : all) {
            if (i >= one->steps.size()) continue;
            const auto& candidate = one->steps[i];
            const bool bad = !candidate.error.empty() || !reports::failures_of(candidate).empty();
            if (!chosen || (bad && reports::failures_of(*chosen).empty() && chosen->error.empty())) chosen = &candidate;
          }
          record = *chosen;
        }
        const auto failures = reports::failures_of(record);
        out.failures.insert(out.failures.end(), failures.begin(), failures.end());
        const std::string property = step && !step->property.empty() ? step->property : spec ? spec->property : "";
        if (auto finding = finding_of(record, property)) out.findings.push_back(std::move(*finding));
        const auto unreached = unreached_reason(record, i + 1);
        out.steps.push_back(std::move(record));
        if (unreached && errors.empty()) {  // as the runner: nothing after it is a verdict
          make_inconclusive(out, *unreached);
          break;
        }
      }
      if (!errors.empty()) {
        out.status = reports::ScenarioResult::Status::error;
        out.message = errors;
      }
      settle_status(out);
      scenario = std::move(out);
    }
  }
  merged.benchmarks = benchmarks_of(loads, shards);
  return merged;
}

}  // namespace mcph::harness::scenario
