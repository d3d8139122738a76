#include "spire_entry_lifetime.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/jose/jws.h"
#include "mcph/proc/poll_until.h"
#include "workload_api_client.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

std::string spiffe_id_of(const Json& id) {
  return "spiffe://" + id.value("trust_domain", "") + id.value("path", "");
}

Json entry_of(const stack::SpireServerCli& cli, const std::string& spiffe_id) {
  const std::string output = cli.run({"entry", "show", "-spiffeID", spiffe_id, "-output", "json"});
  const auto open = output.find('{');
  const Json answer = open == std::string::npos ? Json() : Json::parse(output.substr(open), nullptr, false);
  if (!answer.is_object() || !answer.contains("entries") || !answer["entries"].is_array() || answer["entries"].size() != 1) {
    throw std::runtime_error("spire-server shows no single entry for " + spiffe_id);
  }
  return answer["entries"][0];
}

// The lifetime (exp - iat) of the SVID the agent hands out now, and the SVID.
std::pair<long long, std::string> served_svid(const std::string& workload_api, const std::string& spiffe_id,
                                              const std::string& audience) {
  const std::vector<FetchedSvid> svids = fetch_jwt_svids(workload_api, spiffe_id, {audience});
  if (svids.empty()) throw std::runtime_error("the Workload API issued no SVID for " + spiffe_id);
  const Json claims = Json::parse(jose::split_compact(svids.front().svid).payload_json, nullptr, false);
  if (!claims.is_object()) return {-1, svids.front().svid};
  return {claims.value("exp", 0LL) - claims.value("iat", 0LL), svids.front().svid};
}

// Waits until the agent hands out an SVID living `ttl` s; it, or std::runtime_error.
std::string await_lifetime(const std::string& workload_api, const std::string& spiffe_id, const std::string& audience,
                           int ttl, std::chrono::milliseconds timeout) {
  std::pair<long long, std::string> served;
  if (!proc::poll_until(
          [&] {
            served = served_svid(workload_api, spiffe_id, audience);
            return served.first == ttl;
          },
          timeout, std::chrono::milliseconds(250))) {
    throw std::runtime_error("spire-agent still handed out SVIDs of " + spiffe_id + " living " + std::to_string(served.first) +
                             " s, not " + std::to_string(ttl) + " s, " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                             " s after its entry was updated");
  }
  return served.second;
}

}  // namespace

std::vector<std::string> entry_update_command(const std::string& entry_json, int ttl) {
  const Json entry = Json::parse(entry_json);
  std::vector<std::string> arguments = {"entry", "update", "-entryID", entry.value("id", ""),
                                        "-parentID", spiffe_id_of(entry.value("parent_id", Json::object())),
                                        "-spiffeID", spiffe_id_of(entry.value("spiffe_id", Json::object()))};
  for (const Json& selector : entry.value("selectors", Json::array())) {
    arguments.insert(arguments.end(), {"-selector", selector.value("type", "") + ":" + selector.value("value", "")});
  }
  arguments.insert(arguments.end(), {"-x509SVIDTTL", std::to_string(entry.value("x509_svid_ttl", 0)), "-jwtSVIDTTL",
                                     std::to_string(ttl)});
  return arguments;
}

std::string svid_living(const stack::SpireServerCli& cli, const std::string& workload_api, const std::string& spiffe_id,
                        const std::string& audience, int ttl, std::chrono::milliseconds timeout) {
  const Json entry = entry_of(cli, spiffe_id);
  const int own_ttl = entry.value("jwt_svid_ttl", 0);
  if (ttl >= own_ttl) {
    throw std::runtime_error("an SVID living " + std::to_string(ttl) + " s is not shorter than " + spiffe_id + "'s entry's " +
                             std::to_string(own_ttl) + " s");
  }
  cli.run(entry_update_command(entry.dump(), ttl));
  std::string svid;
  try {
    svid = await_lifetime(workload_api, spiffe_id, audience, ttl, timeout);
  } catch (...) {
    cli.run(entry_update_command(entry.dump(), own_ttl));
    throw;
  }
  cli.run(entry_update_command(entry.dump(), own_ttl));
  await_lifetime(workload_api, spiffe_id, audience, own_ttl, timeout);
  return svid;
}

}  // namespace mcph::harness::scenario
