#pragma once
// The real SPIRE's JWT signing key rotated as its operator rotates it (spire-server
// localauthority jwt): a new authority prepared (published in the bundle) and activated (it signs
// from then on); with the old one removed, that one tainted (agents drop the SVIDs it signed)
// and revoked (it leaves the bundle). SPIRE's authority ID of a JWT authority is its key's kid.
#include <chrono>
#include <string>
#include <vector>

#include "mcph/harness/stack/spire_server_cli.h"

namespace mcph::harness::scenario {

struct JwtAuthorityRotation {
  std::string activated;  // the new authority's ID (kid)
  std::string old;        // the one it replaced
};

// The authority ID in `slot` ("active", "prepared_authority", …) of a `localauthority jwt …
// -output json` answer (stderr's lines around it are skipped); empty when the answer has none.
// Throws std::runtime_error when no JSON object is found.
std::string jwt_authority_id(const std::string& cli_output, const std::string& slot);

// The spire-server arguments of each step of a rotation, in order (the IDs known by then).
std::vector<std::string> jwt_authority_command(const std::string& action, const std::string& authority_id = "");

JwtAuthorityRotation rotate_jwt_authority(const stack::SpireServerCli& cli, bool remove_old);

// Waits until the agent's Workload API (unix://…) hands this process only SVIDs for `audience`
// signed by `kid`: it drops its cached SVIDs of a tainted key at its next sync, and of a key
// merely retired at half their lifetime. Throws std::runtime_error naming the kids it still
// served when `timeout` passes.
void await_svids_signed_by(const std::string& workload_api, const std::string& audience, const std::string& kid,
                           std::chrono::milliseconds timeout);

}  // namespace mcph::harness::scenario
