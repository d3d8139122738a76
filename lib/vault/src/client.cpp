#include "mcph/vault/client.h"

#include <nlohmann/json.hpp>

namespace mcph::vault {
namespace {

using Json = nlohmann::json;

std::string describe(const std::string& operation, int status, const std::vector<std::string>& errors) {
  std::string text = operation + ": Vault answered " + std::to_string(status);
  for (const auto& e : errors) text += "; " + e;
  return text;
}

std::vector<std::string> error_strings(const std::string& body) {
  std::vector<std::string> errors;
  const Json json = Json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("errors") && json["errors"].is_array()) {
    for (const auto& e : json["errors"]) {
      if (e.is_string()) errors.push_back(e.get<std::string>());
    }
  }
  return errors;
}

Json parse(const std::string& body, const std::string& operation) {
  Json json = Json::parse(body, nullptr, false);
  if (!json.is_object()) throw VaultError(operation, 200, {"response is not a JSON object"});
  return json;
}

std::vector<std::string> strings(const Json& array) {
  std::vector<std::string> out;
  if (array.is_array()) {
    for (const auto& item : array) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

}  // namespace

VaultError::VaultError(std::string operation, int status, std::vector<std::string> errors)
    : std::runtime_error(describe(operation, status, errors)), status_(status), errors_(std::move(errors)) {}

Client::Client(std::string vault_url, http::ClientOptions options)
    : url_(std::move(vault_url)), http_(url_, options) {}

RawResponse Client::request(const std::string& method, const std::string& path, const std::string& token,
                            const std::string& json_body) {
  http::Fields headers;
  if (!token.empty()) headers.emplace_back("X-Vault-Token", token);
  const auto response = http_.request(method, "/v1/" + path, headers, json_body,
                                      json_body.empty() ? "" : "application/json");
  return RawResponse{response.status, response.body};
}

std::string Client::call(const std::string& method, const std::string& path, const std::string& token,
                         const std::string& json_body) {
  auto response = request(method, path, token, json_body);
  if (response.status >= 400) throw VaultError(method + " " + path, response.status, error_strings(response.body));
  return std::move(response.body);
}

Login Client::login_jwt(const std::string& role, const std::string& jwt, const std::string& mount) {
  const std::string path = "auth/" + mount + "/login";
  const Json body = parse(call("POST", path, "", Json{{"role", role}, {"jwt", jwt}}.dump()), path);
  const Json& auth = body.value("auth", Json::object());
  if (!auth.is_object() || !auth.contains("client_token")) throw VaultError(path, 200, {"login gave no token"});
  Login login;
  login.client_token = auth.value("client_token", "");
  login.accessor = auth.value("accessor", "");
  login.entity_id = auth.value("entity_id", "");
  login.policies = strings(auth.value("policies", Json::array()));
  login.lease_duration = auth.value("lease_duration", 0L);
  login.renewable = auth.value("renewable", false);
  return login;
}

TokenInfo Client::lookup_self(const std::string& token) {
  const Json body = parse(call("GET", "auth/token/lookup-self", token), "lookup-self");
  const Json& data = body.value("data", Json::object());
  TokenInfo info;
  info.entity_id = data.value("entity_id", "");
  info.display_name = data.value("display_name", "");
  info.policies = strings(data.value("policies", Json::array()));
  info.ttl = data.value("ttl", 0L);
  return info;
}

void Client::revoke_self(const std::string& token) { call("POST", "auth/token/revoke-self", token); }

std::string Client::entity_name(const std::string& entity_id, const std::string& token) {
  const std::string path = "identity/entity/id/" + entity_id;
  const Json body = parse(call("GET", path, token), path);
  const std::string name = body.value("data", Json::object()).value("name", "");
  if (name.empty()) throw VaultError(path, 200, {"entity has no name"});
  return name;
}

std::optional<std::map<std::string, std::string>> Client::read_kv(const std::string& path, const std::string& token,
                                                                 const std::string& mount) {
  const std::string full = mount + "/data/" + path;
  auto response = request("GET", full, token);
  if (response.status == 404) return std::nullopt;
  if (response.status >= 400) throw VaultError("GET " + full, response.status, error_strings(response.body));
  const Json body = parse(response.body, full);
  const Json& data = body.value("data", Json::object());
  if (!data.is_object() || !data.contains("data") || !data["data"].is_object()) return std::nullopt;
  std::map<std::string, std::string> secret;
  for (const auto& [key, value] : data["data"].items()) {
    secret[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return secret;
}

void Client::write_kv(const std::string& path, const std::map<std::string, std::string>& data,
                      const std::string& token, const std::string& mount) {
  call("POST", mount + "/data/" + path, token, Json{{"data", data}}.dump());
}

DatabaseCredentials Client::database_credentials(const std::string& role, const std::string& token,
                                                 const std::string& mount) {
  const std::string path = mount + "/creds/" + role;
  const Json body = parse(call("GET", path, token), path);
  const Json& data = body.value("data", Json::object());
  DatabaseCredentials creds;
  creds.username = data.value("username", "");
  creds.password = data.value("password", "");
  creds.lease_id = body.value("lease_id", "");
  creds.lease_duration = body.value("lease_duration", 0L);
  if (creds.username.empty()) throw VaultError(path, 200, {"response has no username"});
  return creds;
}

long Client::renew_lease(const std::string& lease_id, long increment_seconds, const std::string& token) {
  const std::string path = "sys/leases/renew";
  const Json body =
      parse(call("PUT", path, token, Json{{"lease_id", lease_id}, {"increment", increment_seconds}}.dump()), path);
  if (!body.contains("lease_duration") || !body["lease_duration"].is_number_integer()) {
    throw VaultError(path, 200, {"response has no lease_duration"});
  }
  return body["lease_duration"].get<long>();
}

}  // namespace mcph::vault
