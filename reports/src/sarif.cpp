#include "mcph/reports/sarif.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "mcph/codec/hex.h"
#include "mcph/reports/baseline.h"
#include "mcph/reports/finding_identity.h"
#include "mcph/reports/taxonomy.h"
#include "output_file.h"
#include "text.h"

namespace mcph::reports {
namespace {

using Json = nlohmann::ordered_json;
using detail::clean;

constexpr std::string_view kOwaspMcp = "OWASP MCP Top 10";
constexpr std::string_view kCwe = "CWE";
// MCPH_VERSION: the project's version (CMake's), the tool's in the file.

// "CWE-287" → "287", the id of a CWE taxon.
std::string cwe_number(const std::string& cwe) { return cwe.substr(cwe.find('-') + 1); }

// RFC 3986 path characters kept, everything else percent-encoded; an absolute path becomes a
// file: URI, a relative one stays relative (to where the run started).
std::string file_uri(const std::string& path) {
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || std::string_view("-._~/!$&'()*+,;=:@").find(c) != std::string_view::npos) {
      uri += c;
    } else {
      uri += '%' + codec::hex_encode(std::string(1, c));
    }
  }
  return uri;
}

// The line of "file.yaml:12"; nullopt when there is none.
std::optional<int> line_of(const std::string& where) {
  const auto colon = where.rfind(':');
  if (colon == std::string::npos || colon + 1 == where.size()) return std::nullopt;
  const int line = std::atoi(where.c_str() + colon + 1);
  return line > 0 ? std::optional<int>(line) : std::nullopt;
}

Json rule_json(const Rule& rule) {
  Json tags = Json::array();
  tags.push_back(rule.security ? "security" : "correctness");
  for (const std::string& tag : taxonomy_tags(rule)) tags.push_back(tag);
  if (!rule.cwe.empty()) tags.push_back("external/cwe/cwe-" + cwe_number(rule.cwe));
  Json relationships = Json::array();
  if (!rule.owasp_mcp.empty()) {
    relationships.push_back({{"target", {{"id", rule.owasp_mcp}, {"toolComponent", {{"name", kOwaspMcp}}}}},
                             {"kinds", {"superset"}}});
  }
  if (!rule.cwe.empty()) {
    relationships.push_back({{"target", {{"id", cwe_number(rule.cwe)}, {"toolComponent", {{"name", kCwe}}}}},
                             {"kinds", {"superset"}}});
  }
  const std::string help = rule.description + " Checked by " + rule.family + " (" + rule.family_page + ").";
  Json json = {{"id", rule.id},
               {"name", rule.name},
               {"shortDescription", {{"text", rule.property}}},
               {"fullDescription", {{"text", rule.description}}},
               {"help",
                {{"text", help},
                 {"markdown", rule.description + " Checked by [" + rule.family + "](" + rule.family_page + ")."}}},
               {"defaultConfiguration", {{"level", level(rule)}}},
               {"properties", {{"tags", tags}}}};
  if (!relationships.empty()) json["relationships"] = relationships;
  return json;
}

Json taxonomies_json(const std::vector<Rule>& used) {
  std::set<std::string> owasp, cwe;
  for (const Rule& rule : used) {
    if (!rule.owasp_mcp.empty()) owasp.insert(rule.owasp_mcp);
    if (!rule.cwe.empty()) cwe.insert(cwe_number(rule.cwe));
  }
  Json owasp_taxa = Json::array();
  for (const std::string& id : owasp) {
    owasp_taxa.push_back({{"id", id}, {"name", owasp_mcp_title(id)}});
  }
  std::vector<std::string> cwe_ids(cwe.begin(), cwe.end());
  std::sort(cwe_ids.begin(), cwe_ids.end(), [](const std::string& a, const std::string& b) {
    return std::atoi(a.c_str()) < std::atoi(b.c_str());
  });
  Json cwe_taxa = Json::array();
  for (const std::string& id : cwe_ids) {
    cwe_taxa.push_back({{"id", id}, {"helpUri", "https://cwe.mitre.org/data/definitions/" + id + ".html"}});
  }
  return Json::array(
      {{{"name", kOwaspMcp},
        {"organization", "OWASP"},
        {"version", "2025"},
        {"informationUri", "https://owasp.org/www-project-mcp-top-10/"},
        {"shortDescription", {{"text", "The OWASP Top 10 risks of Model Context Protocol deployments."}}},
        {"taxa", owasp_taxa}},
       {{"name", kCwe},
        {"organization", "MITRE"},
        {"informationUri", "https://cwe.mitre.org/"},
        {"shortDescription", {{"text", "The Common Weakness Enumeration."}}},
        {"taxa", cwe_taxa}}});
}

// What one finding or inconclusive scenario becomes, before its rule's index is known.
struct PendingResult {
  Rule rule;
  Json result;
};

const StepRecord* step_titled(const ScenarioResult& scenario, const std::string& title) {
  for (const StepRecord& step : scenario.steps) {
    if (step.title == title) return &step;
  }
  return nullptr;
}

Json location(const SuiteResult& suite, const std::optional<int>& line, const std::string& server) {
  Json physical = {{"artifactLocation", {{"uri", file_uri(suite.file)}}}};
  if (line) physical["region"] = {{"startLine", *line}};
  Json json = {{"physicalLocation", physical}};
  if (!server.empty()) json["logicalLocations"] = Json::array({{{"name", clean(server)}, {"kind", "module"}}});
  return json;
}

PendingResult finding_result(const RunReport& report, const SuiteResult& suite, const ScenarioResult& scenario,
                             const Finding& finding) {
  const Rule rule = rule_for(finding.property_id);
  const StepRecord* step = step_titled(scenario, finding.step);
  Json checks = Json::array();
  std::optional<int> line;
  if (step != nullptr) {
    for (const Check& check : step->checks) {
      // A bounded finding's evidence is its bounded check; another's, its failed ones.
      if (check.verdict != (finding.bounded() ? Check::Verdict::bounded : Check::Verdict::failed)) continue;
      if (!line) line = line_of(check.where);
      Json entry = {{"expected", clean(check.expectation)}, {"actual", clean(check.actual)}};
      if (!check.where.empty()) entry["where"] = clean(check.where);
      checks.push_back(entry);
    }
  }
  Json properties = {{"scenario", clean(scenario.name)}, {"step", clean(finding.step)},
                     {"evidence", clean(finding.evidence)}, {"checks", checks}};
  if (step != nullptr && !step->trace_ids.empty()) {
    Json ids = Json::array();
    for (const std::string& id : step->trace_ids) ids.push_back(clean(id));
    properties["traceIds"] = ids;
  }
  if (!scenario.trace_file.empty()) properties["trace"] = clean(scenario.trace_file);
  if (finding.bounded()) properties["bound"] = clean(finding.bound);
  // A bounded finding is a note: the scenario states the window as what it accepts.
  Json result = {
      {"ruleId", rule.id},
      {"level", level(finding)},
      {"message", {{"text", clean(finding.server) + ": " + rule.property + " — " + clean(finding.evidence) +
                                (finding.bounded() ? " (within its bound: " + clean(finding.bound) + ")" : "")}}},
      {"locations", Json::array({location(suite, line, finding.server)})},
      {"partialFingerprints", {{"mcphFinding/v2", finding_fingerprint(suite, scenario, finding)}}},
      {"properties", properties}};
  // Against a baseline (run --baseline): an accepted finding is unchanged and suppressed with the
  // team's reason, any other one is new.
  if (report.baseline) result["baselineState"] = finding.accepted.empty() ? "new" : "unchanged";
  if (!finding.accepted.empty()) {
    result["suppressions"] = Json::array({{{"kind", "external"}, {"status", "accepted"}, {"justification", clean(finding.accepted)}}});
  }
  return {rule, result};
}

PendingResult inconclusive_result(const SuiteResult& suite, const ScenarioResult& scenario) {
  const Rule rule = rule_for(kInconclusivePropertyId);
  std::string server;
  std::optional<int> line;
  for (const StepRecord& step : scenario.steps) {
    for (const Check& check : step.checks) {
      if (check.verdict != Check::Verdict::inconclusive || !server.empty()) continue;
      server = step.server;
      line = line_of(check.where);
    }
  }
  // Without an undecided check, the step that left it undecided (not reached, a control that
  // failed) is its last, whose failed check is where.
  if (server.empty() && !line && !scenario.steps.empty()) {
    const StepRecord& last = scenario.steps.back();
    server = last.server;
    for (const Check& check : last.checks) {
      if (check.verdict == Check::Verdict::failed && !line) line = line_of(check.where);
    }
  }
  Json result = {{"ruleId", rule.id},
                 {"level", level(rule)},
                 {"message", {{"text", clean(scenario.name) + ": " + clean(scenario.message)}}},
                 {"locations", Json::array({location(suite, line, server)})},
                 {"partialFingerprints",
                  {{"mcphFinding/v2", inconclusive_fingerprint(rule.id, suite, scenario)}}},
                 {"properties", {{"scenario", clean(scenario.name)}}}};
  return {rule, result};
}

}  // namespace

std::string sarif_json(const RunReport& report) {
  std::vector<PendingResult> pending;
  for (const SuiteResult& suite : report.suites) {
    for (const ScenarioResult& scenario : suite.scenarios) {
      for (const Finding& finding : scenario.findings) pending.push_back(finding_result(report, suite, scenario, finding));
      if (is_inconclusive(scenario)) pending.push_back(inconclusive_result(suite, scenario));
    }
  }
  // Every rule of the families, then the ones made for other properties in the order first seen:
  // the same rules at the same indexes for every run of one version.
  std::vector<Rule> all = rules();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < all.size(); ++i) index[all[i].id] = i;
  Json results = Json::array();
  for (PendingResult& item : pending) {
    auto [at, added] = index.emplace(item.rule.id, all.size());
    if (added) all.push_back(item.rule);
    item.result["ruleIndex"] = at->second;
    results.push_back(std::move(item.result));
  }
  Json rules_json = Json::array();
  for (const Rule& rule : all) rules_json.push_back(rule_json(rule));

  // A scenario that broke (not an inconclusive one) is the harness failing to run it.
  bool every_scenario_ran = true;
  for (const SuiteResult& suite : report.suites) {
    for (const ScenarioResult& scenario : suite.scenarios) {
      if (scenario.status == ScenarioResult::Status::error && !is_inconclusive(scenario)) every_scenario_ran = false;
    }
  }
  Json invocation = {{"executionSuccessful", every_scenario_ran}};
  if (!report.started_at.empty()) invocation["startTimeUtc"] = report.started_at;
  // What `run --seed` repeats the run with (its order, its faults' draws).
  Json run_properties = Json::object();
  if (!report.seed.empty()) run_properties["seed"] = report.seed;
  if (report.shuffled) run_properties["shuffled"] = true;
  const Json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       Json::array({{{"tool",
                      {{"driver",
                        {{"name", "mcp-harness"},
                         {"version", MCPH_VERSION},
                         {"semanticVersion", MCPH_VERSION},
                         {"rules", rules_json},
                         {"supportedTaxonomies",
                          Json::array({{{"name", kOwaspMcp}, {"index", 0}}, {{"name", kCwe}, {"index", 1}}})}}}}},
                     {"taxonomies", taxonomies_json(all)},
                     {"invocations", Json::array({invocation})},
                     {"columnKind", "unicodeCodePoints"},
                     {"properties", run_properties},
                     {"results", results}}})}};
  return sarif.dump(2) + "\n";
}

void write_sarif_file(const RunReport& report, const std::filesystem::path& path) {
  detail::write_file(path, sarif_json(report));
}

}  // namespace mcph::reports
