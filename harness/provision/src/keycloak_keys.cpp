// KeycloakAdmin::rotate_signing_key: the realm's signing key rotated as an operator does it in
// Keycloak (admin REST `components` API, providerType org.keycloak.keys.KeyProvider): add an
// rsa-generated provider of a higher priority, then remove the old providers. And
// add_verification_key: an imported `rsa` provider, passive.
#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/http/url.h"

namespace mcph::harness::provision {
namespace {

using Json = nlohmann::json;

bool is_rs256_signing_key(const Json& key) {
  return key.value("algorithm", "") == "RS256" && key.value("use", "SIG") == "SIG";
}

}  // namespace

KeycloakAdmin::KeyRotation KeycloakAdmin::rotate_signing_key(const std::string& realm, bool keep_old) {
  // A JSON answer of `status`, else the failure quoting Keycloak.
  const auto json_answer = [](const http::ClientResponse& response, int status, const std::string& what) {
    Json body = Json::parse(response.body, nullptr, false);
    if (response.status != status || body.is_discarded()) fail(what, response);
    return body;
  };
  const std::string base = "/admin/realms/" + http::percent_encode(realm);
  const Json realm_rep = json_answer(call("GET", base), 200, "GET realm " + realm);
  const Json before = json_answer(call("GET", base + "/keys"), 200, "GET the keys of " + realm);

  long long top_priority = 0;
  std::vector<std::pair<std::string, std::string>> old;  // (component id, kid)
  for (const auto& key : before.value("keys", Json::array())) {
    if (key.contains("providerPriority") && key["providerPriority"].is_number()) {
      top_priority = std::max(top_priority, key["providerPriority"].get<long long>());
    }
    if (is_rs256_signing_key(key)) old.emplace_back(key.value("providerId", ""), key.value("kid", ""));
  }
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const Json component = {{"name", "rsa-rotated-" + std::to_string(now)},
                          {"providerId", "rsa-generated"},
                          {"providerType", "org.keycloak.keys.KeyProvider"},
                          {"parentId", realm_rep.value("id", realm)},
                          {"config",
                           {{"priority", {std::to_string(top_priority + 100)}},
                            {"enabled", {"true"}},
                            {"active", {"true"}},
                            {"algorithm", {"RS256"}},
                            {"keySize", {"2048"}}}}};
  const auto created = call("POST", base + "/components", component.dump());
  if (created.status != 201) fail("adding a key provider", created);
  const std::string new_id = created_id(created, "adding a key provider");

  KeyRotation rotation;
  if (!keep_old) {
    for (const auto& [id, kid] : old) {
      if (id.empty() || id == new_id) continue;
      const auto removed = call("DELETE", base + "/components/" + http::percent_encode(id));
      if (removed.status != 204) fail("removing key provider " + id, removed);
      rotation.removed_kids.push_back(kid);
    }
  }
  const Json after = json_answer(call("GET", base + "/keys"), 200, "GET the keys of " + realm);
  rotation.kid = after.value("/active/RS256"_json_pointer, "");
  for (const auto& key : after.value("keys", Json::array())) {
    if (key.value("kid", "") == rotation.kid && key.value("providerId", "") != new_id) {
      throw std::runtime_error("Keycloak: after the rotation the active RS256 key " + rotation.kid +
                               " is not the new provider's (" + new_id + ")");
    }
  }
  if (rotation.kid.empty()) throw std::runtime_error("Keycloak: no active RS256 key after the rotation");
  return rotation;
}

KeycloakAdmin::VerificationKey KeycloakAdmin::add_verification_key(const std::string& realm,
                                                                   const std::string& private_pem,
                                                                   const std::string& public_key_b64) {
  const std::string base = "/admin/realms/" + http::percent_encode(realm);
  const auto kid_of_ours = [&]() -> std::string {
    const auto response = call("GET", base + "/keys");
    const Json keys = Json::parse(response.body, nullptr, false);
    if (response.status != 200 || keys.is_discarded()) fail("GET the keys of " + realm, response);
    for (const auto& key : keys.value("keys", Json::array())) {
      if (key.value("publicKey", "") == public_key_b64 && key.value("status", "") != "DISABLED") {
        return key.value("kid", "");
      }
    }
    return {};
  };
  if (std::string kid = kid_of_ours(); !kid.empty()) return {kid, false};
  const Json realm_rep = Json::parse(call("GET", base).body, nullptr, false);
  const Json component = {{"name", "mcp-harness-verification-key"},
                          {"providerId", "rsa"},
                          {"providerType", "org.keycloak.keys.KeyProvider"},
                          {"parentId", realm_rep.is_object() ? realm_rep.value("id", realm) : realm},
                          {"config",
                           {{"priority", {"0"}},
                            {"enabled", {"true"}},
                            {"active", {"false"}},
                            {"algorithm", {"RS256"}},
                            {"privateKey", {private_pem}}}}};
  const auto created = call("POST", base + "/components", component.dump());
  if (created.status != 201) fail("adding a verification key", created);
  std::string kid = kid_of_ours();
  if (kid.empty()) throw std::runtime_error("Keycloak: the added verification key is not among the realm's keys");
  return {kid, true};
}

}  // namespace mcph::harness::provision

