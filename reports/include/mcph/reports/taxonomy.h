#pragma once
// The properties the families check, as rules with stable ids and the taxonomies security teams
// group findings by: the OWASP MCP Top 10 (2025) category and the CWE, where one fits. SARIF
// (sarif.h) writes one rule per property; the HTML report and JUnit show the same tags.
// docs/reports.md has the table (taxonomy_markdown), held to this one by a test.
#include <string>
#include <string_view>
#include <vector>

#include "mcph/reports/model.h"

namespace mcph::reports {

struct Rule {
  std::string id;           // stable: "MCPH801", "MCPH1101"; never reused for another property
  std::string property_id;  // stable, as scenario files name it: "accepts-token-it-must-refuse"
  std::string name;         // PascalCase: "AcceptsATokenItMustRefuse"
  std::string property;     // as people read it: "accepts a token it must refuse"
  std::string description;  // what a failure of it means, for the reader of a finding
  std::string family;       // the family that checks it first, e.g. "Family 8: JWT attacks"
  std::string family_page;  // its page in docs/, e.g. "docs/families.md#family-8-jwt-attacks"
  std::string owasp_mcp;    // "MCP07:2025"; empty when no category fits
  std::string cwe;          // "CWE-287"; empty when none fits
  // A security property (a failure is an error); otherwise a behaviour a caller relies on (a
  // failure is a warning): refusing a valid token, not recovering after a fault.
  bool security = true;
};

// The rule of an inconclusive scenario (a note in SARIF, not a finding).
inline constexpr std::string_view kInconclusiveRuleId = "MCPH001";
inline constexpr std::string_view kInconclusivePropertyId = "inconclusive";

// Every rule of the families, in id order.
const std::vector<Rule>& rules();
// The rule of a property id ("batch-escapes-rate-limit"); nullptr for an id no rule has.
const Rule* find_rule(std::string_view property_id);
// The rule whose text is `property` ("a batch of calls escapes the rate limit"): what a scenario
// file written before properties had ids names; nullptr for other text.
const Rule* find_rule_by_text(std::string_view property);
// The rule of a property id: the families' own, else one made for it (id "MCPH-X-" and the first
// 8 hex digits of the id's SHA-256, the id as its text, no tags), so that a finding made by hand
// still gets a stable rule (the scenario loader refuses an unknown id).
Rule rule_for(std::string_view property_id);
// The title of an OWASP MCP Top 10 category ("Insufficient Authentication & Authorization"); empty
// for an unknown one.
std::string_view owasp_mcp_title(std::string_view category);
// The taxonomy tags of a rule as the reports show them: "OWASP MCP07:2025", "CWE-287".
std::vector<std::string> taxonomy_tags(const Rule& rule);

// SARIF's level of a finding of the rule: "error" for a security property, "warning" for another
// behaviour, "note" for an inconclusive scenario.
std::string_view level(const Rule& rule);
// SARIF's level of a finding: "note" for a bounded one, else the level it was filed at, else its
// rule's.
std::string_view level(const Finding& finding);

// The table of docs/reports.md: property, its id, rule, level, family, OWASP MCP category, CWE.
std::string taxonomy_markdown();

}  // namespace mcph::reports
