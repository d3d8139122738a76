#pragma once
// The corpus test's verdict on one variant: the findings the harness reported against what its
// expected file lists. A finding not listed is a false positive; a listed one not reported is
// missing; a scenario corpus.json says must run that was skipped or ended without a verdict is
// not run. Scenarios that ended inconclusive or skipped are listed with their reasons.
#include <string>
#include <vector>

#include "../sabotage_verdicts.h"
#include "corpus_server.h"

namespace mcph::harness::corpus {

struct CorpusVerdict {
  std::vector<std::string> false_positives;  // each with its scenario, step and evidence
  std::vector<std::string> missing;          // each with why it is a real defect
  std::vector<std::string> not_run;          // a must-run scenario, with the harness's reason
  std::vector<std::string> undecided;        // skipped or inconclusive, with the reason
  std::vector<std::string> found;            // the expected findings reported

  bool clean() const { return false_positives.empty() && missing.empty() && not_run.empty(); }
  std::string summary() const;  // every list, for the test's output
};

CorpusVerdict judge(const std::vector<Outcome>& outcomes, const std::vector<ExpectedFinding>& expected,
                    const std::vector<std::string>& must_run);

}  // namespace mcph::harness::corpus
