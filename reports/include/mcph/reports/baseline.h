#pragma once
// A baseline of accepted findings (`run --baseline FILE`): findings a team has looked at and
// accepted, each with who accepted it, why, and until when. An accepted finding is still reported
// (terminal, HTML, SARIF's baselineState) but does not fail the run; a new one does; an entry that
// matches nothing is stale. `run --write-baseline FILE` writes one from a run's findings.
//
// The file (JSON):
//   {"accepted": [{"rule": "MCPH801", "server": "jira-mcp",
//                  "scenario": "jwt_attacks / a token signed with alg none is refused",
//                  "step": "alice calls",          (optional: words of the step that shows it)
//                  "fingerprint": "3f0c…",          (optional: finding_fingerprint, matched exactly)
//                  "accepted_by": "security@example.com", "reason": "why it is accepted",
//                  "expires": "2027-03-01",         (optional: accepts nothing from that day on)
//                  "property": "accepts a token …"}]}  (optional, for people: not matched)
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/reports/finding_identity.h"
#include "mcph/reports/model.h"

namespace mcph::reports {

struct BaselineEntry {
  std::string rule;      // the rule id, as SARIF names it: "MCPH801"
  std::string server;    // the stack's service name the finding is on
  std::string scenario;  // "<suite> / <scenario name>"
  std::string step;      // words of the step's title; empty: any step
  std::string fingerprint;
  std::string accepted_by;
  std::string reason;
  std::string expires;  // "YYYY-MM-DD"; empty: no expiry
  std::string where;    // where the file states it, for messages: "baseline.json: accepted[2]"
};

struct Baseline {
  std::string file;
  std::vector<BaselineEntry> entries;
};

// A baseline file that cannot be used, said precisely: "baseline.json: accepted[2]: reason: missing".
class BaselineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Baseline parse_baseline(std::string_view json, const std::string& file);  // throws BaselineError
Baseline read_baseline(const std::filesystem::path& path);                // throws BaselineError

// Marks every finding an entry accepts (Finding::accepted) and records what the baseline did in
// report.baseline. `today` is "YYYY-MM-DD": an entry whose `expires` is that day or before accepts
// nothing. Bounded findings, which never fail a run, are left alone.
void apply_baseline(RunReport& report, const Baseline& baseline, std::string_view today);

// A baseline accepting every finding of the report that fails its run, each entry saying who
// accepts it and why; the JSON text of the file.
std::string baseline_json(const RunReport& report, const std::string& accepted_by, const std::string& reason);
// The same written to `path` (no secret is in it: it is meant to be reviewed and committed).
void write_baseline_file(const RunReport& report, const std::filesystem::path& path, const std::string& accepted_by,
                         const std::string& reason);

}  // namespace mcph::reports
