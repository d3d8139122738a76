#include "workload_client.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/jose/dpop.h"
#include "keycloak_operator.h"
#include "mcph/harness/provision/workload_provisioning.h"
#include "mcph/harness/stack/spire_server_cli.h"
#include "spire_entry_lifetime.h"
#include "spire_signing_keys.h"
#include "workload_api_client.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

WorkloadClient::WorkloadClient(const stack::StackFile& stack) : stack_(stack) {
  if (!stack.services.count("spiffe")) throw std::runtime_error("the stack has no trust domain (services.spiffe)");
  const stack::ServiceEntry& spiffe = stack.service("spiffe");
  spiffe_url_ = spiffe.url;
  // The real SPIRE has no minting API: its agent's Workload API attests this process.
  if (spiffe.implementation == "native") workload_api_ = spiffe.workload_api;
}

std::string WorkloadClient::issuer() const { return stack_.service("keycloak").url + "/realms/" + stack_.realm; }

std::string WorkloadClient::spiffe_id(const std::string& agent) const {
  if (agent.rfind("spiffe://", 0) == 0) return agent;
  const std::map<std::string, std::string>& given = stack_.service("spiffe").agent_ids;
  if (const auto id = given.find(agent); id != given.end()) return id->second;
  const Json workloads = registered_workloads();
  const std::string suffix = "/agent/" + agent;
  for (const auto& id : workloads) {
    const std::string text = id.is_string() ? id.get<std::string>() : "";
    if (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0) return text;
  }
  throw std::runtime_error("the trust domain registers no agent " + agent + " (" + workloads.dump() + ")");
}

std::string WorkloadClient::client_of(const std::string& agent) const {
  const std::string id = spiffe_id(agent);
  std::vector<std::string> found;
  for (const Json& client : keycloak_operator(stack_).list_clients(stack_.realm)) {
    if (provision::federated_subject(client) == id) found.push_back(client.value("clientId", ""));
  }
  if (found.size() == 1) return found.front();
  std::string names;
  for (const std::string& name : found) names += (names.empty() ? "" : ", ") + name;
  throw std::runtime_error("the realm " + stack_.realm + " has " + (found.empty() ? "no federated client" : "several federated clients (" + names + ")") +
                           " whose credential subject is " + id);
}

Json WorkloadClient::registered_workloads() const {
  if (!workload_api_.empty()) {
    // The identities this process is entitled to: with SPIRE, every workload registered for it.
    Json ids = Json::array();
    for (const FetchedSvid& fetched : fetch_jwt_svids(workload_api_, "", {issuer()})) ids.push_back(fetched.spiffe_id);
    return ids;
  }
  http::Client client(spiffe_url_);
  const auto response = client.get("/_workloads");
  const Json body = Json::parse(response.body, nullptr, false);
  if (response.status != 200 || !body.is_object() || !body.contains("workloads") || !body["workloads"].is_array()) {
    throw std::runtime_error("the trust domain's workloads could not be listed (HTTP " + std::to_string(response.status) + ")");
  }
  return body["workloads"];
}

std::string WorkloadClient::bundle_kid() const {
  const Json bundle = Json::parse(workload_api_.empty() ? http::Client(spiffe_url_).get("/").body : fetch_jwt_bundle(workload_api_),
                                  nullptr, false);
  if (!bundle.is_object() || !bundle.contains("keys") || !bundle["keys"].is_array() || bundle["keys"].empty()) {
    throw std::runtime_error("the trust domain's bundle has no key");
  }
  return bundle["keys"][0].value("kid", "");
}

std::string WorkloadClient::svid(const std::string& spiffe_id, const Json& audience, int ttl, bool named) const {
  if (!workload_api_.empty()) return svid_from_workload_api(spiffe_id, audience, ttl, named);
  http::Client client(spiffe_url_);
  Json request = {{"spiffe_id", spiffe_id}, {"audience", audience}, {"ttl", ttl}};
  if (named) {
    const Json workloads = registered_workloads();
    if (std::find(workloads.begin(), workloads.end(), Json(spiffe_id)) == workloads.end()) request["foreign"] = true;
  }
  const auto response = client.post("/_svid", request.dump(), "application/json");
  const Json body = Json::parse(response.body, nullptr, false);
  if (response.status != 200 || !body.is_object() || !body.contains("svids") || !body["svids"].is_array() ||
      body["svids"].empty()) {
    throw std::runtime_error("the trust domain minted no SVID for " + spiffe_id + ": HTTP " + std::to_string(response.status) +
                             " " + response.body.substr(0, 200));
  }
  return body["svids"][0].value("svid", "");
}

BoundToken WorkloadClient::bound_token(const std::string& agent) const {
  BoundToken bound{spiffe_id(agent), "", jose::Key::generate_ec_p256()};
  const std::string token_url = issuer() + "/protocol/openid-connect/token";
  jose::DpopProofRequest proof;
  proof.htm = "POST";
  proof.htu = token_url;
  http::Client keycloak(stack_.service("keycloak").url);
  const auto response = keycloak.post(
      "/realms/" + stack_.realm + "/protocol/openid-connect/token",
      http::form_encode({{"grant_type", "client_credentials"},
                         {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"},
                         {"client_assertion", svid(bound.spiffe_id)}}),
      "application/x-www-form-urlencoded", {{"DPoP", jose::create_dpop_proof(bound.key, proof)}});
  const Json body = Json::parse(response.body, nullptr, false);
  if (response.status != 200 || !body.is_object() || !body.contains("access_token") || !body["access_token"].is_string()) {
    const std::string error = body.is_object() ? body.value("error", "") + " " + body.value("error_description", "") : "";
    throw std::runtime_error("Keycloak gave " + bound.spiffe_id + " no DPoP-bound token: HTTP " +
                             std::to_string(response.status) + " " + error);
  }
  bound.access_token = body["access_token"].get<std::string>();
  return bound;
}

std::string WorkloadClient::svid_from_workload_api(const std::string& spiffe_id, const Json& audience, int ttl,
                                                   bool named) const {
  if (named) {
    // What the Workload API cannot be asked for, signed with the server's own key.
    const std::string keys = stack_.service("spiffe").spire_signing_keys;
    if (keys.empty()) {
      throw std::runtime_error("SPIRE's Workload API mints no SVID for a SPIFFE ID a step names (" + spiffe_id +
                               "), and the stack's spiffe entry names no spire_signing_keys to sign one with");
    }
    return svid_signed_with_spire_key(keys, fetch_jwt_bundle(workload_api_), spiffe_id, audience, ttl);
  }
  if (ttl > 60) {
    throw std::runtime_error("SPIRE's Workload API takes no TTL: its SVIDs live as the registration entry says, not " +
                             std::to_string(ttl) + " s");
  }
  if (ttl < 60) {
    if (!audience.is_string()) throw std::runtime_error("a short-lived SVID from SPIRE is for one audience");
    // The agent may serve a cached SVID until half its 60 s, then syncs the entry within 5 s.
    // A shorter lifetime is the entry's, updated by the server's operator.
    const std::optional<stack::SpireServerCli> spire = stack::spire_server_of(stack_.service("spiffe"));
    return svid_living(spire.value(), workload_api_, spiffe_id, audience.get<std::string>(), ttl, std::chrono::seconds(45));
  }
  std::vector<std::string> audiences;
  if (audience.is_array()) {
    for (const auto& each : audience) audiences.push_back(each.is_string() ? each.get<std::string>() : each.dump());
  } else {
    audiences.push_back(audience.is_string() ? audience.get<std::string>() : audience.dump());
  }
  const std::vector<FetchedSvid> svids = fetch_jwt_svids(workload_api_, spiffe_id, audiences);
  if (svids.empty()) throw std::runtime_error("the Workload API issued no SVID for " + spiffe_id);
  return svids.front().svid;
}

}  // namespace mcph::harness::scenario
