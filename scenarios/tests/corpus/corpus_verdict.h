#pragma once
// The corpus test's verdict on one variant: the findings the harness reported against what its
// expected file lists. A finding not listed is a false positive; a listed one not reported is
// missing; a scenario corpus.json says must run that was skipped or ended without a verdict is
// not run. Scenarios that ended inconclusive or skipped are listed with their reasons. A scenario
// the harness cannot address on this server yet (not_addressable) must end without a verdict:
// its expected findings are blocked, not missing; one that reached a verdict is addressable now.
#include <map>
#include <string>
#include <vector>

#include "../sabotage_verdicts.h"
#include "corpus_server.h"

namespace mcph::harness::scenario::corpus {

struct CorpusVerdict {
  std::vector<std::string> false_positives;  // each with its scenario, step and evidence
  std::vector<std::string> missing;          // each with why it is a real defect
  std::vector<std::string> not_run;          // a must-run scenario, with the harness's reason
  std::vector<std::string> undecided;        // skipped or inconclusive, with the reason
  std::vector<std::string> found;            // the expected findings reported
  std::vector<std::string> blocked;          // expected in a scenario not addressable yet, with why
  std::vector<std::string> addressable_now;  // a not_addressable scenario that reached a verdict

  bool clean() const { return false_positives.empty() && missing.empty() && not_run.empty() && addressable_now.empty(); }
  std::string summary() const;  // every list, for the test's output
};

CorpusVerdict judge(const std::vector<scenario::Outcome>& outcomes, const std::vector<ExpectedFinding>& expected,
                    const std::vector<std::string>& must_run, const std::map<std::string, std::string>& not_addressable = {});

}  // namespace mcph::harness::scenario::corpus
