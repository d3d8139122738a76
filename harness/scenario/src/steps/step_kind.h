#pragma once
// The step kinds, one row each: the name a scenario file writes, how the loader reads the kind's
// fields, how the runner carries it out, how a report names it, and the documentation that the
// scenario-format reference is generated from (`mcp-harness reference`). Each kind lives in a
// file of its own beside this one; adding a kind is that file, its struct in scenario.h and its
// row in step_kinds.cpp. A kind may check the expectations that read a part of the result it
// yields (result_part.h, expectation_kinds.h).
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/scenario/scenario.h"
#include "../result_part.h"
#include "../substitution.h"
#include "../yaml_reader.h"

namespace mcph::harness::scenario {

class Recorder;
class StepExecutor;
struct ScenarioState;
struct StepOutcome;

// What a kind's reader reads: the step's mapping and the value of its kind's key.
struct StepSource {
  const Reader& reader;
  const YAML::Node& step;    // the whole step: {as: alice, call: jira.get_issue, args: …}
  const YAML::Node& value;   // the kind key's value: jira.get_issue
  const std::string& field;  // the step's field path: scenarios[0].steps[2]
  const std::string& here;   // the kind key's: scenarios[0].steps[2].call
  const StackNeeds& needs;   // the file's needs: (a burst's until: rate_limited reads the limit)
  // The keys the step's mapping may have; a reader adds the keys of its kind that sit beside the
  // kind key (`args:` beside `call:`).
  std::set<std::string>& allowed;
  // The name the step's token is held under: a token step's `name:` (`with_token:`, read after
  // the kind, overrides it).
  std::string& token_name;
};

// What a kind's runner acts with and writes to. The runner acts and times; what it sent and
// got goes to `record`, what it saw to `out`.
struct StepRun {
  StepExecutor& executor;
  const Step& step;
  ScenarioState& state;
  const Resolver& resolve;
  StepOutcome& out;
  Recorder& record;
};

// When Vault's audit log is read for a step's outcome.
enum class AuditReading {
  after_the_step,  // by the executor, once the kind's runner returned
  by_the_step,     // by the runner itself (a call reads it before tracing the server's side)
  skipped,         // never: a load step's many calls are checked by the ledgers instead
};

struct StepField {
  std::string_view name;     // as written: "args", "trickle.every_ms"
  std::string_view meaning;
};

struct StepKindInfo {
  StepKind kind;
  std::string_view name;
  std::string_view summary;          // one line, for the reference
  std::string_view example;          // a step of the kind as a scenario file writes it
  std::vector<StepField> fields;     // besides the kind key itself and the common keys
  std::vector<ResultPart> yields = {};  // the parts of the result its runner fills (none: it checks nothing)
  std::function<StepSpec(const StepSource&)> read;
  std::function<void(StepRun&)> run;
  // The report's title for a step without `describe` ("alice calls jira.get_issue"); `who` is
  // the acting user, else the token's name.
  std::function<std::string(const Step&, const std::string& who)> title;
  // The stack's name of the service the step talks to, "" for none.
  std::function<std::string(const StepExecutor&, const Step&)> addressed;
  // Whether the step must say who acts (`as:` or `with_token:`).
  std::function<bool(const Step&)> needs_caller;
  AuditReading audit = AuditReading::after_the_step;
  // Whether a call through the fault proxy may reach a server under test (the MCP servers).
  bool calls_servers = false;
};

const std::vector<StepKindInfo>& step_kind_table();
const StepKindInfo& step_kind_info(StepKind kind);
const StepKindInfo* find_step_kind(std::string_view name);

// A kind's functions take its own struct; these adapt them to the table's signatures.
template <typename Kind>
std::function<void(StepRun&)> runner(void (*run)(const Kind&, StepRun&)) {
  return [run](StepRun& step_run) { run(step_run.step.get<Kind>(), step_run); };
}
template <typename Kind>
std::function<std::string(const Step&, const std::string&)> titler(std::string (*title)(const Kind&, const std::string&)) {
  return [title](const Step& step, const std::string& who) { return title(step.get<Kind>(), who); };
}
inline bool always(const Step&) { return true; }
inline bool never(const Step&) { return false; }

// Each kind's row, defined in its own file.
StepKindInfo call_step_kind();
StepKindInfo http_step_kind();
StepKindInfo vault_step_kind();
StepKindInfo token_step_kind();
StepKindInfo sql_step_kind();
StepKindInfo wait_step_kind();
StepKindInfo tcp_step_kind();
StepKindInfo fault_step_kind();
StepKindInfo idp_step_kind();
StepKindInfo load_step_kind();
StepKindInfo slow_clients_step_kind();
StepKindInfo workload_step_kind();
StepKindInfo policy_table_step_kind();
StepKindInfo svid_token_step_kind();
StepKindInfo oauth_step_kind();
StepKindInfo spiffe_step_kind();
StepKindInfo sse_step_kind();
StepKindInfo surface_step_kind();

}  // namespace mcph::harness::scenario
