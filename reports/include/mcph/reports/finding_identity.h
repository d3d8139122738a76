#pragma once
// What names a finding from run to run, wherever the scenario files are installed, and the one
// way a list of findings written down by people — a baseline's accepted ones, a corpus server's
// expected ones — is matched against what a run reported.
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports {

struct FindingIdentity {
  std::string property;     // the property's stable id (taxonomy.h)
  std::string rule;         // its rule, as SARIF names it: "MCPH801"
  std::string server;
  std::string scenario;     // "<suite> / <scenario name>"
  std::string step;         // the step's title without its number: steps added before it keep it
  std::string fingerprint;  // a hash of rule, server, scenario and step
};

// How a baseline and the reports name a scenario: "<suite> / <scenario name>".
std::string scenario_key(const SuiteResult& suite, const ScenarioResult& scenario);

FindingIdentity finding_identity(const std::string& scenario_key, const Finding& finding);
FindingIdentity finding_identity(const SuiteResult& suite, const ScenarioResult& scenario, const Finding& finding);

// finding_identity()'s fingerprint.
std::string finding_fingerprint(const SuiteResult& suite, const ScenarioResult& scenario, const Finding& finding);
// A scenario that ended without a verdict has no finding; its result is named by rule and scenario.
std::string inconclusive_fingerprint(const std::string& rule_id, const SuiteResult& suite, const ScenarioResult& scenario);

// A finding as a list writes it down: an empty field matches anything but the scenario, and
// `step` holds words of the step's title (with or without its number).
struct FindingPattern {
  std::string scenario;
  std::string property;
  std::string rule;
  std::string server;
  std::string step;
  std::string fingerprint;
};

bool matches(const FindingPattern& pattern, const FindingIdentity& id, const Finding& finding);

}  // namespace mcph::reports
