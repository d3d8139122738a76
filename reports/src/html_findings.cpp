// Findings: the properties of the servers under test that scenarios showed broken, one table
// per server, each row naming the scenario and the step that shows it.
#include <map>
#include <set>
#include <vector>

#include "html_parts.h"
#include "mcph/reports/taxonomy.h"
#include "text.h"

namespace mcph::reports::detail {
namespace {

struct Located {
  const Finding* finding;
  const ScenarioResult* scenario;
  std::string anchor;  // the scenario's
};

// The anchor of the step a finding names, when the scenario has a step of that title.
std::string step_anchor(const ScenarioResult& scenario, const std::string& scenario_anchor, const std::string& title) {
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    if (scenario.steps[i].title == title) return scenario_anchor + "-s" + std::to_string(i + 1);
  }
  return "";
}

// The finding's rule and its taxonomy tags: "MCPH303 · OWASP MCP07:2025 · CWE-345", and its level
// when it is not an error: "MCPH004 · CWE-573 · warning".
std::string taxonomy_text(const Finding& finding) {
  const Rule rule = rule_for(finding.property_id);
  std::string text = rule.id;
  for (const std::string& tag : taxonomy_tags(rule)) text += " · " + tag;
  if (const std::string_view shown = level(finding); shown != "error" && !finding.bounded()) text += " · " + std::string(shown);
  return text;
}

// Under a finding's property: a bounded one's bound ("within its bound: until the token's exp, …"),
// an accepted one's acceptance ("accepted by security@example.com: …").
std::string note_html(const Finding& finding) {
  std::string html;
  if (finding.bounded()) html += "<span class=\"finding-bound\">within its bound: " + markup_text(finding.bound) + "</span>";
  if (!finding.accepted.empty()) html += "<span class=\"finding-bound\">accepted " + markup_text(finding.accepted) + "</span>";
  return html;
}

std::string row(const Located& item) {
  const Finding& finding = *item.finding;
  const std::string step = step_anchor(*item.scenario, item.anchor, finding.step);
  return "<tr" + std::string(finding.bounded() ? " class=\"finding-bounded\"" : "") +
         "><td class=\"finding-property\" data-label=\"Property broken\">" + markup_text(finding.property) +
         note_html(finding) + "</td><td data-label=\"Scenario\"><a href=\"#" + item.anchor + "\">" + markup_text(item.scenario->name) +
         "</a></td><td class=\"finding-step\" data-label=\"Step\">" +
         (step.empty() ? markup_text(finding.step)
                       : "<a href=\"#" + step + "\">" + markup_text(finding.step) + "</a>") +
         "</td><td data-label=\"Evidence\"><pre class=\"evidence\">" + markup_text(finding.evidence) +
         "</pre></td><td class=\"finding-taxonomy\" data-label=\"Taxonomy\">" + markup_text(taxonomy_text(finding)) +
         "</td></tr>";
}

}  // namespace

std::string findings_section(const RunReport& report) {
  std::map<std::string, std::vector<Located>> by_server;
  for (std::size_t s = 0; s < report.suites.size(); ++s) {
    const SuiteResult& suite = report.suites[s];
    for (std::size_t c = 0; c < suite.scenarios.size(); ++c) {
      for (const Finding& finding : suite.scenarios[c].findings) {
        by_server[finding.server].push_back({&finding, &suite.scenarios[c], scenario_anchor(s, c)});
      }
    }
  }
  if (by_server.empty()) return "";
  std::string html = "<section class=\"findings\" id=\"findings\"><h2>Findings <span class=\"h3-note\">" +
                     markup_text(to_string(report.finding_counts())) + "</span></h2>";
  for (const auto& [server, items] : by_server) {
    std::set<std::string> properties;
    for (const Located& item : items) properties.insert(item.finding->property_key());
    html += "<div class=\"findings-server\"><h3><span class=\"server-name\">" +
            markup_text(server.empty() ? std::string("(server not named)") : server) + "</span> <span class=\"h3-note\">" +
            std::to_string(properties.size()) + (properties.size() == 1 ? " property, " : " properties, ") +
            std::to_string(items.size()) + (items.size() == 1 ? " finding" : " findings") +
            "</span></h3><table class=\"findings-table\" data-server=\"" + markup_attribute(server) +
            "\"><thead><tr><th class=\"col-property\">Property broken</th><th class=\"col-scenario\">Scenario</th>"
            "<th class=\"col-step\">Step</th><th>Evidence</th><th class=\"col-taxonomy\">Taxonomy</th></tr></thead>"
            "<tbody>";
    for (const Located& item : items) html += row(item);
    html += "</tbody></table></div>";
  }
  return html + "</section>";
}

std::string scenario_findings(const ScenarioResult& scenario) {
  if (scenario.findings.empty()) return "";
  std::string html = "<ul class=\"scenario-findings\">";
  for (const Finding& finding : scenario.findings) {
    html += std::string(finding.bounded() ? "<li class=\"finding-bounded\"><span class=\"finding-label\">Bounded finding"
                                          : "<li><span class=\"finding-label\">Finding") +
            "</span><span class=\"server-name\">" + markup_text(finding.server) + "</span> <strong>" +
            markup_text(finding.property) + "</strong>";
    if (!finding.step.empty()) html += " <span class=\"finding-where\">shown by step " + markup_text(finding.step) + "</span>";
    html += " <span class=\"finding-taxonomy\">" + markup_text(taxonomy_text(finding)) + "</span>";
    html += note_html(finding) + "</li>";
  }
  return html + "</ul>";
}

}  // namespace mcph::reports::detail
