#pragma once
// The parts of probe_target (target_probe.h): one bounded GET, the challenge's reading, and the
// discovery of the server's authorization (metadata, authorization servers, keys).
#include <optional>
#include <string>
#include <string_view>

#include "mcph/harness/scenario/target_probe.h"
#include "mcph/http/client.h"

namespace mcph::harness::scenario {

// A GET of `url` within the probe's timeout; nullopt (and `error` set) when nothing answered.
std::optional<http::ClientResponse> probe_get(const std::string& url, const ProbeOptions& options, std::string& error);

// A WWW-Authenticate value's scheme and parameters (of its first challenge; DPoP when any is).
ProbedChallenge read_challenge(std::string_view header);

// The protected-resource metadata, its authorization servers' metadata and keys, into `facts`
// (its found and unknowns too). Asks only what probe_may_ask allows.
void probe_authorization(ProbeFacts& facts, const ProbeOptions& options);

}  // namespace mcph::harness::scenario
