#pragma once
// Carries out a scenario's fault steps on the stack's fault proxy, over its HTTP API (Toxiproxy's:
// the runner has only the stack file, whose services."fault-proxy".url names it), and on the
// mock backends' fault hooks (POST /_fault: an HTTP error status), and keeps what the scenario
// changed so that it can be undone when the scenario ends, however it ends.
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

class Recorder;

// A proxy whose upstream an http_answer step replaced: the server answering in its place, and
// the upstream to give back.
struct ReplacedUpstream {
  std::string original;
  std::shared_ptr<void> answerer;  // the harness's server (an http::Server), stopped when released
};

// What one scenario changed on the fault proxy.
struct FaultsAdded {
  std::set<std::pair<std::string, std::string>> toxics;  // (proxy, toxic name)
  std::set<std::string> disabled;                        // proxies taken down
  std::set<std::string> http_errors;                     // mock backends answering an error status
  std::map<std::string, ReplacedUpstream> answered;      // proxies answering for their service
  bool empty() const { return toxics.empty() && disabled.empty() && http_errors.empty() && answered.empty(); }
};

class FaultDriver {
 public:
  explicit FaultDriver(const stack::StackFile& stack);

  // Adds the step's toxic (or takes its target down, sets its HTTP error, or clears faults).
  // Throws std::runtime_error when the stack has no fault proxy (or no such backend) or it refuses.
  // Its API requests go to the step's trace through `record`. A toxic's draws (jitter, toxicity)
  // come from `scenario_seed` and its target and name, where the proxy is mcp-fault-proxy
  // (Toxiproxy ignores the seed and draws at random).
  void apply(const FaultSpec& fault, FaultsAdded& added, std::uint64_t scenario_seed, StepOutcome& out, Recorder& record) const;
  // Removes every toxic in `added`, enables every proxy it took down, clears every HTTP error it
  // set and gives every answered proxy its upstream back; `added` is empty after.
  // Throws std::runtime_error naming what could not be undone.
  void undo(FaultsAdded& added) const;

 private:
  std::string api_url() const;
  bool has_fault_proxy() const;
  // The fault hook's URL of a mock backend of the stack; "" when `target` is none.
  std::string fault_hook_url(const std::string& target) const;
  void clear(const std::string& target, FaultsAdded& added) const;
  void clear_proxy(const std::string& proxy, FaultsAdded& added) const;
  void answer_for(const FaultSpec& fault, FaultsAdded& added, Recorder& record) const;
  void give_back_upstream(const std::string& proxy, FaultsAdded& added, Recorder* record) const;
  const stack::StackFile& stack_;
};

}  // namespace mcph::harness::scenario
