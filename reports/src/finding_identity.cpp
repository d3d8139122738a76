#include "mcph/reports/finding_identity.h"

#include <cctype>
#include <filesystem>
#include <string_view>

#include "mcph/codec/hex.h"
#include "mcph/openssl/crypto.h"
#include "mcph/reports/taxonomy.h"

namespace mcph::reports {
namespace {

// "3: alice calls jira.get_issue" → "alice calls jira.get_issue".
std::string_view without_number(std::string_view title) {
  std::size_t at = 0;
  while (at < title.size() && std::isdigit(static_cast<unsigned char>(title[at]))) ++at;
  if (at > 0 && title.substr(at).starts_with(": ")) title.remove_prefix(at + 2);
  return title;
}

std::string sha256_hex(const std::string& text) { return codec::hex_encode(openssl::sha256(text)); }

bool same_or_any(const std::string& wanted, const std::string& actual) { return wanted.empty() || wanted == actual; }

}  // namespace

std::string scenario_key(const SuiteResult& suite, const ScenarioResult& scenario) {
  const std::string name = suite.name.empty() ? std::filesystem::path(suite.file).stem().string() : suite.name;
  return name + " / " + scenario.name;
}

FindingIdentity finding_identity(const std::string& scenario_key, const Finding& finding) {
  FindingIdentity id{finding.property_key(), rule_for(finding.property_id).id, finding.server, scenario_key,
                     std::string(without_number(finding.step)), ""};
  constexpr char kUnit = '\x1f';  // between the parts, so that no two sets of parts join alike
  id.fingerprint = sha256_hex(id.rule + kUnit + id.server + kUnit + id.scenario + kUnit + id.step + kUnit);
  return id;
}

FindingIdentity finding_identity(const SuiteResult& suite, const ScenarioResult& scenario, const Finding& finding) {
  return finding_identity(scenario_key(suite, scenario), finding);
}

std::string finding_fingerprint(const SuiteResult& suite, const ScenarioResult& scenario, const Finding& finding) {
  return finding_identity(suite, scenario, finding).fingerprint;
}

std::string inconclusive_fingerprint(const std::string& rule_id, const SuiteResult& suite, const ScenarioResult& scenario) {
  return sha256_hex(rule_id + '\x1f' + scenario_key(suite, scenario));
}

bool matches(const FindingPattern& pattern, const FindingIdentity& id, const Finding& finding) {
  return pattern.scenario == id.scenario && same_or_any(pattern.property, id.property) && same_or_any(pattern.rule, id.rule) &&
         same_or_any(pattern.server, id.server) && same_or_any(pattern.fingerprint, id.fingerprint) &&
         finding.step.find(pattern.step) != std::string::npos;
}

}  // namespace mcph::reports
