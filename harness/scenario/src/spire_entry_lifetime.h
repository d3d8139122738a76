#pragma once
// A JWT-SVID of a shorter lifetime from the real SPIRE, as its operator gives one: the Workload
// API takes no lifetime, so the workload's registration entry's jwt_svid_ttl is updated
// (spire-server entry update; SPIRE sets no minimum), the SVID fetched once the agent hands out
// one that lives that long, and the entry restored after. Never a longer one: the agent hands
// the same cached SVID to every fetch until half its life has passed, so a long-lived one would
// be every later scenario's.
#include <chrono>
#include <string>
#include <vector>

#include "mcph/harness/stack/spire_server_cli.h"

namespace mcph::harness::scenario {

// The `entry update` arguments giving the entry of `entry_json` (one of `entry show -output
// json`'s entries) the JWT-SVID lifetime `ttl`, its other fields as they are.
std::vector<std::string> entry_update_command(const std::string& entry_json, int ttl);

// An SVID of `spiffe_id` for `audience` living `ttl` seconds (fewer than its entry's). Throws
// std::runtime_error when SPIRE refuses, or its agent hands out no such SVID within `timeout`
// (the entry is restored either way).
std::string svid_living(const stack::SpireServerCli& cli, const std::string& workload_api, const std::string& spiffe_id,
                        const std::string& audience, int ttl, std::chrono::milliseconds timeout);

}  // namespace mcph::harness::scenario
