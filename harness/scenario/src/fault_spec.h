#pragma once
// The vocabulary of a scenario's `fault` step, listed once: the targets (the fault proxy's named
// proxies: the service table's rows behind it), the toxics, and each toxic's attributes as
// written in a scenario file (with their units: latency_ms, …) with Toxiproxy's name for each.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "mcph/harness/scenario.h"

namespace mcph::harness {

// What is wrong with a fault step; `key` is the key it is about ("" for the step itself).
class FaultSpecError : public std::runtime_error {
 public:
  FaultSpecError(std::string key, const std::string& message) : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// The step's mapping (as JSON) to a FaultSpec; throws FaultSpecError.
FaultSpec read_fault_spec(const nlohmann::json& step);

// The toxic in Toxiproxy's API shape: {"name","type","stream","toxicity","attributes"}; not for
// `down`, which disables the proxy instead.
nlohmann::json toxiproxy_toxic(const FaultSpec& fault);

}  // namespace mcph::harness
