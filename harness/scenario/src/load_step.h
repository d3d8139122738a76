#pragma once
// Carries out a scenario's load step (family 10, isolation under load) against a stack: logs
// the generated users in (in parallel), warms every user up on every server, then runs one level
// per connection count with the servers loaded together — every call acting for its own user,
// with its own traceparent — and the rate-limit probe beside each level. After each level it
// reads each backend's ledger once, indexed by trace id, and tallies whose credential each call
// used; at the end it checks every user's requests against the servers' rate limit.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/mcp/client.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

class Recorder;

// One server of the step, resolved against the stack.
struct LoadTarget {
  std::string service;      // "jira-mcp"
  std::string url;          // its MCP endpoint
  mcp::Transport transport = mcp::Transport::streamable_http;
  mcp::Era era = mcp::Era::legacy;  // modern: each call a self-contained 2026-07-28 request
  std::string backend_url;  // its backend (with a ledger); "" when it has none
  LoadCall call;
};

struct LoadContext {
  const stack::StackFile& stack;
  std::filesystem::path fixtures_dir;  // the realm fixture's client secret
  std::function<void(const std::string&)> progress;  // a line per level; may be empty
  // This process is shard `shard` of `shards`: it acts for its own slice of the users (and of
  // the calls and connections) and records what it saw for a merge (load_record.h).
  int shard = 0;
  int shards = 1;
};

// Fills out.load, out.load_record and out.burst.accepted, and gives the step's summary to `record` for the trace. Throws
// std::runtime_error when the step cannot run at all (a user cannot log in, a ledger does not
// answer); what the servers answer is counted, never thrown.
void run_load_step(const LoadSpec& spec, const std::vector<LoadTarget>& targets, const LoadContext& context,
                   StepOutcome& out, Recorder& record);

}  // namespace mcph::harness::scenario
