#include "scenario_status.h"

#include <string>
#include <vector>

namespace mcph::harness::scenario {

void settle_status(reports::ScenarioResult& result) {
  using Status = reports::ScenarioResult::Status;
  if (result.status == Status::error) return;  // a step could not be carried out: that says more
  if (!result.failures.empty()) {
    result.status = Status::failed;
    return;
  }
  const std::vector<std::string> undecided = reports::undecided_checks(result);
  if (undecided.empty()) return;
  result.status = Status::error;
  result.message = std::string(reports::kInconclusivePrefix) + " " + undecided.front() +
                   (undecided.size() > 1 ? " (+" + std::to_string(undecided.size() - 1) + " more)" : "");
}

}  // namespace mcph::harness::scenario
