#pragma once
// Carries out a scenario's fault steps on the stack's fault proxy, over its HTTP API (Toxiproxy's:
// the runner has only the stack file, whose services."fault-proxy".url names it), and keeps what
// the scenario changed so that it can be undone when the scenario ends, however it ends.
#include <set>
#include <string>
#include <utility>

#include "mcph/harness/scenario.h"
#include "mcph/harness/stack_file.h"
#include "step_outcome.h"

namespace mcph::harness {

// What one scenario changed on the fault proxy.
struct FaultsAdded {
  std::set<std::pair<std::string, std::string>> toxics;  // (proxy, toxic name)
  std::set<std::string> disabled;                        // proxies taken down
  bool empty() const { return toxics.empty() && disabled.empty(); }
};

class FaultDriver {
 public:
  explicit FaultDriver(const StackFile& stack);

  // Adds the step's toxic (or takes its target down, or clears faults). Throws
  // std::runtime_error when the stack has no fault proxy or the proxy refuses.
  void apply(const FaultSpec& fault, FaultsAdded& added, StepOutcome& out) const;
  // Removes every toxic in `added` and enables every proxy it took down; `added` is empty after.
  // Throws std::runtime_error naming what could not be undone.
  void undo(FaultsAdded& added) const;

 private:
  std::string api_url() const;
  void clear(const std::string& proxy, FaultsAdded& added) const;
  const StackFile& stack_;
};

}  // namespace mcph::harness
