#include "mcph/reports/baseline.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "mcph/reports/taxonomy.h"
#include "mcph/text/closest.h"
#include "output_file.h"

namespace mcph::reports {
namespace {

using Json = nlohmann::ordered_json;

const std::vector<std::string> kKeys = {"rule",        "server", "scenario", "step", "fingerprint",
                                        "accepted_by", "reason", "expires",  "property"};
const std::vector<std::string> kRequired = {"rule", "server", "scenario", "accepted_by", "reason"};

bool is_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t at : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[at]))) return false;
  }
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_known_rule(const std::string& id) {
  if (id.starts_with("MCPH-X-")) return true;  // a rule made for a property of no family (taxonomy.h)
  const auto& all = rules();
  return std::any_of(all.begin(), all.end(), [&](const Rule& rule) { return rule.id == id; });
}

std::string closest_rules(const std::string& id) {
  std::vector<std::string> ids;
  for (const Rule& rule : rules()) ids.push_back(rule.id);
  std::string out;
  for (const std::string& near : text::closest(id, ids)) out += (out.empty() ? "" : ", ") + near;
  return out;
}

BaselineEntry entry_of(const Json& item, const std::string& where) {
  if (!item.is_object()) throw BaselineError(where + ": an entry must be an object");
  BaselineEntry entry;
  entry.where = where;
  for (const auto& [key, value] : item.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      throw BaselineError(where + ": unknown key \"" + key + "\" (the closest known: " + text::closest(key, kKeys, 1).front() + ")");
    }
    if (!value.is_string()) throw BaselineError(where + ": " + key + ": must be a string");
  }
  for (const std::string& key : kRequired) {
    if (!item.contains(key) || item[key].get<std::string>().empty()) throw BaselineError(where + ": " + key + ": missing");
  }
  entry.rule = item["rule"].get<std::string>();
  entry.server = item["server"].get<std::string>();
  entry.scenario = item["scenario"].get<std::string>();
  entry.step = item.value("step", "");
  entry.fingerprint = item.value("fingerprint", "");
  entry.accepted_by = item["accepted_by"].get<std::string>();
  entry.reason = item["reason"].get<std::string>();
  entry.expires = item.value("expires", "");
  if (!is_known_rule(entry.rule)) {
    throw BaselineError(where + ": rule: no rule " + entry.rule + " (the closest known: " + closest_rules(entry.rule) + ")");
  }
  if (entry.scenario.find(" / ") == std::string::npos) {
    throw BaselineError(where + ": scenario: \"" + entry.scenario + "\" must be \"<suite> / <scenario name>\"");
  }
  if (!entry.expires.empty() && !is_date(entry.expires)) {
    throw BaselineError(where + ": expires: \"" + entry.expires + "\" must be a date, YYYY-MM-DD");
  }
  return entry;
}

bool matches(const BaselineEntry& entry, const FindingIdentity& id, const Finding& finding) {
  return matches(FindingPattern{entry.scenario, "", entry.rule, entry.server, entry.step, entry.fingerprint}, id, finding);
}

std::string described(const BaselineEntry& entry) {
  return entry.where + ": " + entry.rule + " on " + entry.server + " in \"" + entry.scenario + "\"" +
         (entry.step.empty() ? "" : " at the step \"" + entry.step + "\"");
}

}  // namespace

Baseline parse_baseline(std::string_view json, const std::string& file) {
  Json document;
  try {
    document = Json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw BaselineError(file + ": not JSON: " + e.what());
  }
  if (!document.is_object() || !document.contains("accepted") || !document["accepted"].is_array()) {
    throw BaselineError(file + ": expected an object with an array \"accepted\"");
  }
  for (const auto& [key, value] : document.items()) {
    if (key != "accepted") throw BaselineError(file + ": unknown key \"" + key + "\" (the file has one: accepted)");
  }
  Baseline baseline{file, {}};
  const Json& accepted = document["accepted"];
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    baseline.entries.push_back(entry_of(accepted[i], file + ": accepted[" + std::to_string(i) + "]"));
  }
  return baseline;
}

Baseline read_baseline(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw BaselineError(path.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_baseline(text.str(), path.string());
}

void apply_baseline(RunReport& report, const Baseline& baseline, std::string_view today) {
  BaselineUse use{baseline.file, 0, {}, {}};
  std::vector<bool> used(baseline.entries.size(), false);
  for (SuiteResult& suite : report.suites) {
    for (ScenarioResult& scenario : suite.scenarios) {
      for (Finding& finding : scenario.findings) {
        if (finding.bounded()) continue;
        const FindingIdentity id = finding_identity(suite, scenario, finding);
        for (std::size_t i = 0; i < baseline.entries.size(); ++i) {
          const BaselineEntry& entry = baseline.entries[i];
          if (!matches(entry, id, finding)) continue;
          used[i] = true;
          if (!entry.expires.empty() && entry.expires <= today) {
            use.expired.push_back(described(entry) + ", expired on " + entry.expires);
            continue;
          }
          finding.accepted = "by " + entry.accepted_by + ": " + entry.reason +
                             (entry.expires.empty() ? "" : " (until " + entry.expires + ")");
          ++use.accepted;
          break;
        }
      }
    }
  }
  for (std::size_t i = 0; i < baseline.entries.size(); ++i) {
    if (!used[i]) use.stale.push_back(described(baseline.entries[i]));
  }
  report.baseline = std::move(use);
}

std::string baseline_json(const RunReport& report, const std::string& accepted_by, const std::string& reason) {
  Json accepted = Json::array();
  for (const SuiteResult& suite : report.suites) {
    for (const ScenarioResult& scenario : suite.scenarios) {
      for (const Finding& finding : scenario.findings) {
        if (finding.bounded()) continue;
        const FindingIdentity id = finding_identity(suite, scenario, finding);
        accepted.push_back({{"rule", id.rule},
                            {"property", finding.property},
                            {"server", id.server},
                            {"scenario", id.scenario},
                            {"step", id.step},
                            {"fingerprint", id.fingerprint},
                            {"accepted_by", accepted_by},
                            {"reason", reason}});
      }
    }
  }
  return Json{{"accepted", accepted}}.dump(2) + "\n";
}

void write_baseline_file(const RunReport& report, const std::filesystem::path& path, const std::string& accepted_by,
                         const std::string& reason) {
  detail::write_file(path, baseline_json(report, accepted_by, reason));
}

}  // namespace mcph::reports
