// KeycloakAdmin::rotate_signing_key: the realm's signing key rotated as an operator does it in
// Keycloak (admin REST `components` API, providerType org.keycloak.keys.KeyProvider): add an
// rsa-generated provider of a higher priority, then remove the old providers.
#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "mcph/harness/keycloak_admin.h"
#include "mcph/http/url.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;

Json json_answer(const http::ClientResponse& response, int status, const std::string& what) {
  const Json body = Json::parse(response.body, nullptr, false);
  if (response.status != status || body.is_discarded()) {
    throw std::runtime_error("Keycloak: " + what + " answered " + std::to_string(response.status) + " " +
                             response.body.substr(0, 300));
  }
  return body;
}

bool is_rs256_signing_key(const Json& key) {
  return key.value("algorithm", "") == "RS256" && key.value("use", "SIG") == "SIG";
}

}  // namespace

KeycloakAdmin::KeyRotation KeycloakAdmin::rotate_signing_key(const std::string& realm, bool keep_old) {
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
  if (created.status != 201) {
    throw std::runtime_error("Keycloak: adding a key provider answered " + std::to_string(created.status) + " " +
                             created.body.substr(0, 300));
  }
  const std::string location = created.header("Location");
  const std::string new_id = location.substr(location.rfind('/') + 1);

  KeyRotation rotation;
  if (!keep_old) {
    for (const auto& [id, kid] : old) {
      if (id.empty() || id == new_id) continue;
      const auto removed = call("DELETE", base + "/components/" + http::percent_encode(id));
      if (removed.status != 204) {
        throw std::runtime_error("Keycloak: removing key provider " + id + " answered " + std::to_string(removed.status) +
                                 " " + removed.body.substr(0, 300));
      }
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

}  // namespace mcph::harness
