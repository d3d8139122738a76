#pragma once
// The result of one harness run as plain data: the scenario runner fills it, the writers
// (junit.h, html.h) turn it into files. Values in it are meant to be masked already; the
// writers scrub every free-text field again anyway (scrub.h).
#include <string>
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
  std::string trace_file;  // the recorded trace `mcp-harness replay` can run again; may be empty
};

const char* to_string(ScenarioResult::Status status);  // "passed", "failed", "skipped", "error"

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
  int skipped = 0;
};

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

struct RunReport {
  std::string title = "mcp-harness scenario run";
  std::string started_at;  // ISO 8601 UTC, e.g. "2025-05-01T12:00:00Z"
  double seconds = 0;      // wall time of the whole run
  std::string stack_mode;  // "local", "compose" or "external"
  std::string stack_file;  // path of the stack.json the run used
  std::vector<SuiteResult> suites;

  Counts counts() const;
  // True when no scenario failed or broke (skipped ones do not count against a run).
  bool ok() const;
};

}  // namespace mcph::reports
