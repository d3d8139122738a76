#pragma once
// What is wrong with a step's mapping, for the steps read from JSON (fault, load): `key` is the
// key it is about, a dotted path below the step's own ("" for the step itself), so that the
// loader names file, line and field.
#include <stdexcept>
#include <string>

namespace mcph::harness::scenario {

class StepSpecError : public std::runtime_error {
 public:
  StepSpecError(std::string key, const std::string& message) : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace mcph::harness::scenario
