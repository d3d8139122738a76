#pragma once
// The vocabulary of a scenario's `fault` step, listed once: the targets (the fault proxy's named
// proxies: the service table's rows behind it), the toxics, and each toxic's attributes as
// written in a scenario file (with their units: latency_ms, …) with Toxiproxy's name for each.
#include <nlohmann/json.hpp>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "step_spec_error.h"

namespace mcph::harness::scenario {

// The faults that are not toxics: a mock backend answering with an HTTP error status, and a
// service behind the proxy whose answers the harness makes (the proxy's upstream changed to a
// server of its own that answers every request, or those under the step's path, with the step's
// status and body, and passes the others on to the service).
inline constexpr const char* kHttpErrorToxic = "http_error";
inline constexpr const char* kHttpAnswerToxic = "http_answer";

// The step's mapping (as JSON) to a FaultSpec; throws StepSpecError.
FaultSpec read_fault_spec(const nlohmann::json& step);

// The toxic in Toxiproxy's API shape: {"name","type","stream","toxicity","attributes"}; not for
// `down`, which disables the proxy instead, nor for http_error or http_answer.
nlohmann::json toxiproxy_toxic(const FaultSpec& fault);

}  // namespace mcph::harness::scenario
