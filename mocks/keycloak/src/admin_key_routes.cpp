// Admin REST: realm keys through Keycloak's components API (providerType
// org.keycloak.keys.KeyProvider) and the keys metadata at /admin/realms/{realm}/keys.
#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

constexpr const char* kKeyProvider = "org.keycloak.keys.KeyProvider";

// Component config values are string arrays ({"priority":["200"]}); the first element counts.
std::optional<std::string> config_value(const nlohmann::json& rep, const char* key) {
  if (!rep.contains("config") || !rep["config"].is_object()) return std::nullopt;
  const auto& config = rep["config"];
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  const nlohmann::json& value = it->is_array() ? (it->empty() ? nullptr : (*it)[0]) : *it;
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  throw invalid_json();
}

long config_long(const nlohmann::json& rep, const char* key, long fallback) {
  const auto value = config_value(rep, key);
  if (!value) return fallback;
  try {
    std::size_t used = 0;
    const long number = std::stol(*value, &used);
    if (used == value->size()) return number;
  } catch (const std::exception&) {
  }
  throw error_message(400, "'" + std::string(key) + "' should be a number");
}

bool config_bool(const nlohmann::json& rep, const char* key, bool fallback) {
  const auto value = config_value(rep, key);
  return value ? text::ascii_iequals(*value, "true") : fallback;
}

RealmKey* key_or_404(Realm& realm, const std::string& component_id) {
  for (auto& key : realm.keys) {
    if (key.spec.component_id == component_id) return &key;
  }
  throw plain_error(404, "Could not find component");
}

nlohmann::ordered_json key_metadata(const Realm& realm) {
  nlohmann::ordered_json active = nlohmann::ordered_json::object();
  for (const char* alg : {"RS256", "HS512"}) {
    if (const RealmKey* key = realm.active_key(alg)) active[alg] = key->kid;
  }
  for (const auto& key : realm.keys) {  // the encryption key is "active" for RSA-OAEP
    if (key.use == KeyUse::enc && key.spec.enabled && key.spec.active) active[key.spec.algorithm] = key.kid;
  }
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  for (const auto& key : realm.keys) {
    nlohmann::ordered_json entry;
    entry["algorithm"] = key.spec.algorithm;
    entry["providerId"] = key.spec.component_id;
    entry["providerPriority"] = key.spec.priority;
    entry["kid"] = key.kid;
    entry["status"] = !key.spec.enabled ? "DISABLED" : (key.spec.active ? "ACTIVE" : "PASSIVE");
    entry["type"] = key.type;
    if (key.is_rsa()) {
      entry["publicKey"] = key.public_key_b64;
      entry["certificate"] = key.certificate_b64;
      entry["validTo"] = key.valid_to_ms;
    }
    entry["use"] = key.use == KeyUse::sig ? "SIG" : "ENC";
    keys.push_back(entry);
  }
  return {{"active", active}, {"keys", keys}};
}

// GET /keys: {"active":{alg: kid}, "keys":[KeyMetadataRepresentation]}.
void get_keys(Realm& realm, const Request&, Response& response) {
  write_json(response, 200, key_metadata(realm));
}

void list_components(Realm& realm, const Request& request, Response& response) {
  const auto type = request.query_param("type");
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  if (!type || *type == kKeyProvider) {
    for (const auto& key : realm.keys) list.push_back(component_rep(realm, key));
  }
  write_json(response, 200, list);
}

// Generating an RSA key under the store's lock stalls every request for ~0.1 s; acceptable for
// a rotation, which is rare.
void create_component(const State& state, Realm& realm, const Request& request, Response& response) {
  const auto rep = json_body(request);
  if (get_string(rep, "providerType").value_or("") != kKeyProvider) {
    throw error_message(400, "Invalid provider type or no such provider");
  }
  KeySpec spec;
  spec.component_id = get_string(rep, "id").value_or(random_uuid());
  spec.provider_id = get_string(rep, "providerId").value_or("");
  spec.name = get_string(rep, "name").value_or(spec.provider_id);
  spec.priority = config_long(rep, "priority", 0);
  spec.enabled = config_bool(rep, "enabled", true);
  spec.active = config_bool(rep, "active", true);
  const bool hmac = spec.provider_id.rfind("hmac", 0) == 0;
  spec.key_size = static_cast<int>(config_long(rep, hmac ? "secretSize" : "keySize", hmac ? 64 : 2048));
  spec.algorithm = config_value(rep, "algorithm").value_or("");
  spec.private_key_pem = config_value(rep, "privateKey").value_or("");
  const std::string id = spec.component_id;
  realm.keys.push_back(make_key(realm.name, std::move(spec)));
  realm.keys_changed();
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/components/" + id));
}

void get_component(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, component_rep(realm, *key_or_404(realm, request.captures.at(0))));
}

// Priority, enabled and active may change (active=false leaves a passive key that still
// verifies; enabled=false takes it out of the JWKS).
void update_component(Realm& realm, const Request& request, Response& response) {
  RealmKey* key = key_or_404(realm, request.captures.at(0));
  const auto rep = json_body(request);
  if (const auto name = get_string(rep, "name")) key->spec.name = *name;
  key->spec.priority = config_long(rep, "priority", key->spec.priority);
  key->spec.enabled = config_bool(rep, "enabled", key->spec.enabled);
  key->spec.active = config_bool(rep, "active", key->spec.active);
  realm.keys_changed();
  response.status = 204;
}

void delete_component(Realm& realm, const Request& request, Response& response) {
  const std::string id = key_or_404(realm, request.captures.at(0))->spec.component_id;
  std::erase_if(realm.keys, [&id](const RealmKey& key) { return key.spec.component_id == id; });
  realm.keys_changed();
  response.status = 204;
}

// Every key route first makes the realm's deferred keys, so listings and changes see them all.
RealmHandler making_deferred_keys(RealmHandler handler) {
  return [handler = std::move(handler)](Realm& realm, const Request& request, Response& response) {
    realm.make_deferred_keys();
    handler(realm, request, response);
  };
}

}  // namespace

void add_admin_key_routes(http::Server& server, State& state) {
  auto route = [&](const std::string& method, const std::string& suffix, RealmHandler handler) {
    realm_admin_route(server, state, method, suffix, making_deferred_keys(std::move(handler)));
  };
  route("GET", "/keys", get_keys);
  route("GET", "/components", list_components);
  route("POST", "/components", with_state(state, create_component));
  route("GET", "/components/([^/]+)", get_component);
  route("PUT", "/components/([^/]+)", update_component);
  route("DELETE", "/components/([^/]+)", delete_component);
}

}  // namespace mcph::mock_keycloak
