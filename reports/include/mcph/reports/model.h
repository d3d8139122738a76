#pragma once
// The result of one harness run as plain data: the scenario runner fills it, the writers
// (junit.h, html.h) turn it into files. Values in it are meant to be masked already; the
// writers scrub every free-text field again anyway (scrub.h).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::reports {

// One expectation of a scenario that did not hold.
struct Failure {
  std::string step;         // which step, e.g. "3: alice calls jira.get_issue"
  std::string expectation;  // what the scenario file expected, e.g. "backend_credential_of: alice"
  std::string actual;       // what happened instead
};

// One stage of a user's authentication flow, in the order they happened: login → JWT claims →
// MCP request → Vault login and entity → Vault path → masked credential → backend ledger entry.
struct FlowStep {
  std::string stage;   // e.g. "Vault login"
  std::string detail;  // e.g. "entity alice (alias 5f0c…) · policies default, user-secrets"
};

struct UserFlow {
  std::string user;
  std::vector<FlowStep> steps;
};

// One expectation a step checked and its verdict, so that a report shows what a passing step
// asserted as well as what a failing one missed.
struct Check {
  enum class Verdict {
    held,          // the expectation holds
    failed,        // it does not: a defect of the target (or of the scenario)
    inconclusive,  // the harness could not decide (e.g. a time-window correlation that saw
                   // another caller's requests too): never a pass, never a verdict on the target
    bounded,       // the target does what the expectation forbids, but only within a bound the
                   // scenario states (a signed-out session's token, accepted until its exp): a
                   // finding with its bound, which does not fail the scenario
  };
  std::string expectation;  // as the scenario file wrote it, e.g. "backend_credential_of: alice"
  Verdict verdict = Verdict::held;
  std::string actual;       // what was seen (for held ones too, when there is something to show)
  std::string where;        // where the scenario file states it, e.g. "isolation.yaml:12"; may be empty
};

const char* to_string(Check::Verdict verdict);  // "held", "failed", "inconclusive", "bounded"

// A load step's latencies at one concurrency level (on one server, or all of them together).
struct LoadLevel {
  int concurrency = 0;       // calls in flight at once
  long long calls = 0;
  long long failed = 0;      // answered but not ok, transport failures and timeouts
  double calls_per_second = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::string server;        // the MCP server of the stack; "" for all of them together
};

// One step as it ran: what it did, how long it took and what it checked.
struct StepRecord {
  std::string title;        // "3: alice calls jira.get_issue"
  std::string server;       // the service the step addressed ("jira-mcp", "vault", …); may be empty
  double ms = 0;
  int http_status = 0;      // of the (first) answer; 0 when none
  std::vector<int> statuses;  // a burst's statuses, in order (empty unless repeated)
  std::string retry_after;  // the first rejection's Retry-After, when there was one
  // The W3C trace-ids of the requests the step sent (the MCP call's, the runner's own Vault
  // requests'): where its entries are in the servers', Vault's and the backends' logs.
  std::vector<std::string> trace_ids;
  std::vector<Check> checks;
  std::string error;        // why the step could not be carried out at all; empty when it ran
  // What the answer was before any check gave it a meaning ("accepted", "refused-without-challenge",
  // "not-reached", …; the harness's answer_class.h), and the request it came to ("POST /mcp");
  // empty for a step whose answer is not classified.
  std::string answer;
  std::string request;
  std::string challenge;  // the answer's WWW-Authenticate, as it came; empty when none
  // A control step: an honest request that shows the scenario can test anything at all. It never
  // gives a finding; when it fails, the scenario is inconclusive.
  bool control = false;
  std::vector<LoadLevel> load;  // a load step's latencies per concurrency level; empty otherwise
};

// A burst's statuses counted, in the order each first came, and as text: "40 calls: 20 × 200,
// 20 × 429" (0 is written "no answer").
struct StatusCount {
  int status = 0;
  int count = 0;
};
std::vector<StatusCount> status_counts(const std::vector<int>& statuses);
std::string burst_summary(const std::vector<int>& statuses);

// The failed checks of a step as failures ("expectation (where)"): what ScenarioResult::failures
// holds, derived from the checks.
std::vector<Failure> failures_of(const StepRecord& step);

// A property of a server under test that a scenario showed broken, named for a person
// ("trusts an unverified claim", "500 where 401 is due"), with the step that shows it.
struct Finding {
  std::string server;       // the stack's service name, e.g. "jira-mcp"
  std::string property_id;  // the property broken, by its stable id (taxonomy.h): "accepts-token-it-must-refuse"
  std::string property;     // the same as people read it: "accepts a token it must refuse"
  std::string step;      // the step that shows it, e.g. "2: alice calls jira.get_issue"
  std::string evidence;  // the expectation and what happened instead, masked
  // For a bounded finding (Check::Verdict::bounded): how long the property stays broken, e.g.
  // "until the token's exp, at most 300 s". Empty for a finding that fails its scenario.
  std::string bound;
  // SARIF's level: "error" (a security property), "warning" (another behaviour, or a refusal
  // without its challenge), "note"; empty: the rule's own (taxonomy.h, level).
  std::string level;
  // When a baseline of accepted findings (baseline.h) accepts it: who accepted it and why, e.g.
  // "by security@example.com: the stand-in's known difference"; empty when none does.
  std::string accepted;
  bool bounded() const { return !bound.empty(); }
  // What tells properties apart: the id, or the text of a finding made without one.
  const std::string& property_key() const { return property_id.empty() ? property : property_id; }
};

struct ScenarioResult {
  enum class Status { passed, failed, skipped, error };

  std::string name;
  std::string description;
  std::string family;  // e.g. "isolation"; empty = the suite's family
  Status status = Status::passed;
  double seconds = 0;
  // Why it was skipped, or what broke when status is error (the stack went away, a step threw);
  // optional for failed scenarios, whose expectations are in `failures`.
  std::string message;
  std::vector<Failure> failures;
  std::vector<UserFlow> flows;
  std::vector<StepRecord> steps;    // every step that ran, in order
  std::vector<Finding> findings;    // when it passed, only bounded ones
  std::string trace_file;  // the recorded trace `mcp-harness replay` can run again; may be empty
};

const char* to_string(ScenarioResult::Status status);  // "passed", "failed", "skipped", "error"

// A failed scenario whose every finding a baseline accepts: reported, but not a failure of the run.
bool is_accepted(const ScenarioResult& scenario);

// A scenario the harness could not decide (a check was inconclusive and none failed) is an error
// whose message starts with this: never a pass, never a verdict on the target.
inline constexpr std::string_view kInconclusivePrefix = "inconclusive:";
bool is_inconclusive(const ScenarioResult& scenario);
// The status as people read it: "inconclusive" for an inconclusive scenario, "accepted" for a
// failed one whose every finding a baseline accepts, else to_string.
std::string status_text(const ScenarioResult& scenario);
// Every inconclusive check of the scenario, as "step: expectation — what was seen", in order.
std::vector<std::string> undecided_checks(const ScenarioResult& scenario);

// How many distinct properties the findings show broken (a property broken in many scenarios, or
// on many servers, counts once), and by how many findings, scenarios and servers.
struct FindingCounts {
  int properties = 0;
  int findings = 0;
  int scenarios = 0;
  int servers = 0;
};
// "11 properties broken (36 findings in 20 scenarios) on 3 servers".
std::string to_string(const FindingCounts& counts);

// A time as the model writes times: ISO 8601 UTC to the second, e.g. "2025-05-01T12:00:00Z".
std::string utc_timestamp(long long seconds_since_epoch);
std::string utc_now();
// For people: "412 ms", "3.21 s", "2 min 05 s".
std::string human_duration(double seconds);
// "2025-05-01T12:00:00Z" → "2025-05-01 12:00:00 UTC"; anything else as it is.
std::string readable_time(const std::string& iso);

struct Counts {
  int tests = 0;
  int passed = 0;
  int failures = 0;  // scenarios whose status is failed
  int errors = 0;
  int inconclusive = 0;  // of the errors, the scenarios the harness could not decide
  int skipped = 0;
  int accepted = 0;  // of the failures, the scenarios whose every finding a baseline accepts
};
// "3 scenarios: 1 passed, 1 failed, 0 broken, 1 inconclusive, 0 skipped": broken ones are the
// errors the harness could decide nothing about; inconclusive ones are named when there are any.
std::string to_string(const Counts& counts);

// One scenario YAML file.
struct SuiteResult {
  std::string file;        // e.g. "scenarios/isolation.yaml"
  std::string name;        // e.g. "isolation"; empty = the file's stem
  std::string family;      // e.g. "isolation"
  std::string started_at;  // ISO 8601 UTC; empty = the run's start
  std::vector<ScenarioResult> scenarios;

  Counts counts() const;
  double seconds() const;  // sum of its scenarios' times
};

// What a baseline of accepted findings (run --baseline) did to a run: its file, and its entries
// that matched no finding (stale: the defect is gone, or the entry is wrong) or had expired.
struct BaselineUse {
  std::string file;
  int accepted = 0;                  // findings it accepts
  std::vector<std::string> stale;    // each entry as people read it, with where it is
  std::vector<std::string> expired;  // entries past their date that matched a finding, now new again
};

struct RunReport {
  std::string title = "mcp-harness scenario run";
  std::string started_at;  // ISO 8601 UTC, e.g. "2025-05-01T12:00:00Z"
  double seconds = 0;      // wall time of the whole run
  std::string stack_mode;  // "local", "compose" or "external"
  std::string stack_idp;   // the stack's identity provider: "keycloak" or "cognito"; "" when unknown
  std::string stack_file;  // path of the stack.json the run used
  // The seed the run drew everything from (its order under shuffle, its faults' jitter), in
  // decimal; `run --seed` with it repeats them. Empty when unknown.
  std::string seed;
  bool shuffled = false;  // the scenarios ran in an order drawn from the seed (run --shuffle)
  std::vector<SuiteResult> suites;
  std::optional<BaselineUse> baseline;  // when the run read one

  Counts counts() const;
  FindingCounts finding_counts() const;
  // True when no scenario failed or broke (skipped ones do not count against a run, nor failed
  // ones whose every finding a baseline accepts).
  bool ok() const;
};

}  // namespace mcph::reports
