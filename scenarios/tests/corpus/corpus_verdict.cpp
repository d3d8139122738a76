#include "corpus_verdict.h"

#include <algorithm>
#include <map>
#include <set>

#include "mcph/reports/finding_identity.h"

namespace mcph::harness::scenario::corpus {
namespace {

using Status = reports::ScenarioResult::Status;

std::string block(const std::string& title, const std::vector<std::string>& lines) {
  std::string text = title + " (" + std::to_string(lines.size()) + ")\n";
  for (const auto& line : lines) text += "  - " + line + "\n";
  return text;
}

}  // namespace

std::string CorpusVerdict::summary() const {
  return block("false positives", false_positives) + block("expected findings missing", missing) +
         block("must-run scenarios not run", not_run) + block("skipped or inconclusive", undecided) +
         block("expected findings reported", found) + block("expected findings blocked: the harness cannot address them yet", blocked) +
         block("not_addressable scenarios that reached a verdict (move them to must_run)", addressable_now);
}

CorpusVerdict judge(const std::vector<scenario::Outcome>& outcomes, const std::vector<ExpectedFinding>& expected,
                    const std::vector<std::string>& must_run, const std::map<std::string, std::string>& not_addressable) {
  CorpusVerdict verdict;
  std::map<const ExpectedFinding*, std::string> reported;  // → the step and evidence that showed it
  std::set<std::string> ran;
  for (const auto& outcome : outcomes) {
    const std::string name = outcome.name();
    if (outcome.status == Status::skipped || outcome.status == Status::error) {
      verdict.undecided.push_back(name + ": " + (outcome.status == Status::skipped ? "skipped: " : "no verdict: ") + outcome.message);
      continue;
    }
    ran.insert(name);
    if (not_addressable.contains(name)) {
      verdict.addressable_now.push_back(name + ": " + reports::to_string(outcome.status) + " — the harness addresses it now");
    }
    if (outcome.status == Status::failed && outcome.findings.empty()) {
      verdict.false_positives.push_back("a failure without a finding: " + outcome.why());
    }
    for (const auto& finding : outcome.findings) {
      const reports::FindingIdentity id = reports::finding_identity(name, finding);
      const auto listed = std::find_if(expected.begin(), expected.end(), [&](const ExpectedFinding& e) {
        return reports::matches(reports::FindingPattern{.scenario = e.scenario, .property = e.property, .step = e.step}, id, finding);
      });
      if (listed != expected.end()) {
        reported.emplace(&*listed, finding.step + ": " + finding.evidence);
      } else {
        verdict.false_positives.push_back(name + ": " + id.property + " on " + finding.server + " — " + finding.step + ": " +
                                          finding.evidence);
      }
    }
  }
  for (const auto& e : expected) {
    const std::string at = e.step.empty() ? "" : " at the step \"" + e.step + "\"";
    if (const auto seen = reported.find(&e); seen != reported.end()) {
      verdict.found.push_back(e.scenario + ": " + e.property + at + " — " + seen->second);
    } else if (const auto blocked = not_addressable.find(e.scenario); blocked != not_addressable.end() && !ran.contains(e.scenario)) {
      verdict.blocked.push_back(e.scenario + ": " + e.property + at + " — " + blocked->second);
    } else {
      verdict.missing.push_back(e.scenario + ": " + e.property + at + " (" + e.why + ")");
    }
  }
  for (const auto& name : must_run) {
    if (ran.contains(name)) continue;
    const auto it = std::find_if(outcomes.begin(), outcomes.end(), [&](const scenario::Outcome& o) { return o.name() == name; });
    verdict.not_run.push_back(name + ": " + (it == outcomes.end() ? "no such scenario in the suites" : it->message));
  }
  return verdict;
}

}  // namespace mcph::harness::scenario::corpus
