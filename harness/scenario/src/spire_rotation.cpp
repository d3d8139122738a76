#include "spire_rotation.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "mcph/jose/jws.h"
#include "mcph/proc/poll_until.h"
#include "mcph/text/join.h"
#include "workload_api_client.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

std::string jwt_authority_id(const std::string& cli_output, const std::string& slot) {
  const auto open = cli_output.find('{');
  const auto close = cli_output.rfind('}');
  const Json answer =
      open == std::string::npos || close < open ? Json() : Json::parse(cli_output.substr(open, close - open + 1), nullptr, false);
  if (!answer.is_object()) throw std::runtime_error("spire-server answered no JSON: " + cli_output.substr(0, 200));
  const auto state = answer.find(slot);
  if (state == answer.end() || !state->is_object()) return "";
  return state->value("authority_id", "");
}

std::vector<std::string> jwt_authority_command(const std::string& action, const std::string& authority_id) {
  std::vector<std::string> arguments = {"localauthority", "jwt", action, "-output", "json"};
  if (!authority_id.empty()) arguments.insert(arguments.end(), {"-authorityID", authority_id});
  return arguments;
}

JwtAuthorityRotation rotate_jwt_authority(const stack::SpireServerCli& cli, bool remove_old) {
  JwtAuthorityRotation rotation;
  rotation.old = jwt_authority_id(cli.run(jwt_authority_command("show")), "active");
  const std::string prepared = jwt_authority_id(cli.run(jwt_authority_command("prepare")), "prepared_authority");
  if (rotation.old.empty() || prepared.empty()) {
    throw std::runtime_error("spire-server named no active JWT authority or prepared none");
  }
  rotation.activated = jwt_authority_id(cli.run(jwt_authority_command("activate", prepared)), "activated_authority");
  if (rotation.activated != prepared) {
    throw std::runtime_error("spire-server activated " + rotation.activated + ", not the prepared " + prepared);
  }
  if (remove_old) {
    cli.run(jwt_authority_command("taint", rotation.old));
    cli.run(jwt_authority_command("revoke", rotation.old));
  }
  return rotation;
}

void await_svids_signed_by(const std::string& workload_api, const std::string& audience, const std::string& kid,
                           std::chrono::milliseconds timeout) {
  std::set<std::string> served;
  const bool only_new = proc::poll_until(
      [&] {
        served.clear();
        for (const FetchedSvid& fetched : fetch_jwt_svids(workload_api, "", {audience})) {
          const Json header = Json::parse(jose::split_compact(fetched.svid).header_json, nullptr, false);
          served.insert(header.is_object() ? header.value("kid", "(no kid)") : "(no header)");
        }
        return served == std::set<std::string>{kid};
      },
      timeout, std::chrono::milliseconds(500));
  if (!only_new) {
    throw std::runtime_error("spire-agent still served SVIDs signed by " + text::join(served) +
                             " " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                             " s after the JWT authority " + kid + " was activated");
  }
}

}  // namespace mcph::harness::scenario
