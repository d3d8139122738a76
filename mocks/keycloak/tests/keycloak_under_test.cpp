#include "keycloak_under_test.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <stdexcept>

#include "mcph/contract/server_under_test.h"
#include "mcph/proc/service.h"
#include "mcph/http/url.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/jws.h"

namespace mcph::keycloak_test {
namespace {

std::string env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// A real Keycloak creating a realm beside three other suites doing the same on a loaded 2-core
// machine once took over the client's default 10 s; a contract test waits for its answer.
http::ClientOptions client_options() {
  http::ClientOptions options;
  options.read_timeout = std::chrono::seconds(60);
  return options;
}

}  // namespace

[[maybe_unused]] const bool kSkipsWithoutItsStack = contract::skip_all_when_the_stack_file_is_missing();

bool KeycloakUnderTest::external() { return !env("MCPH_KEYCLOAK_URL", "").empty() || !env("MCPH_STACK_FILE", "").empty(); }

KeycloakUnderTest KeycloakUnderTest::start(const std::vector<std::string>& extra_args) {
  if (!external()) return spawn_mock(extra_args);
  KeycloakUnderTest kc;
  if (const auto service = contract::service_from_stack_file("keycloak")) {
    kc.url_ = service->url;
    kc.admin_user_ = service->field("admin_user", "admin");
    kc.admin_password_ = service->field("admin_password", "admin");
    return kc;
  }
  kc.admin_user_ = env("MCPH_KEYCLOAK_ADMIN_USER", "admin");
  kc.admin_password_ = env("MCPH_KEYCLOAK_ADMIN_PASSWORD", "admin");
  kc.url_ = env("MCPH_KEYCLOAK_URL", "");
  while (!kc.url_.empty() && kc.url_.back() == '/') kc.url_.pop_back();
  return kc;
}

KeycloakUnderTest KeycloakUnderTest::spawn_mock(const std::vector<std::string>& extra_args) {
  KeycloakUnderTest kc;
  proc::SpawnOptions options;
  options.name = "mock-keycloak";
  options.argv = {MOCK_KEYCLOAK_PATH, "--port",          "0", "--admin-user", kc.admin_user_,
                  "--admin-password", kc.admin_password_};
  options.argv.insert(options.argv.end(), extra_args.begin(), extra_args.end());
  proc::ReadyWhen ready;
  ready.timeout = std::chrono::seconds(20);
  auto started = proc::start_service(options, ready);
  kc.process_.emplace(std::move(started.process));
  kc.url_ = std::move(started.url);
  return kc;
}

nlohmann::json json_of(const http::ClientResponse& response) {
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) {
    throw std::runtime_error("not JSON (status " + std::to_string(response.status) +
                             "): " + response.body.substr(0, 300));
  }
  return json;
}

std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  auto value = rng();
  for (int i = 0; i < 8; ++i, value >>= 4) out += kHex[value & 0xf];
  return out;
}

std::string id_from_location(const http::ClientResponse& response) {
  const std::string location = response.header("Location");
  if (location.empty())
    throw std::runtime_error("no Location header (status " + std::to_string(response.status) + ")");
  return location.substr(location.rfind('/') + 1);
}

KeycloakApi::KeycloakApi(std::string url, std::string admin_user, std::string admin_password)
    : url_(std::move(url)),
      admin_user_(std::move(admin_user)),
      admin_password_(std::move(admin_password)),
      http_(url_, client_options()) {}

const std::string& KeycloakApi::admin_token() {
  if (admin_token_.empty()) {
    const auto response = password_grant("master", "admin-cli", "", admin_user_, admin_password_);
    if (response.status != 200) {
      throw std::runtime_error("admin login failed: " + std::to_string(response.status) + " " +
                               response.body);
    }
    admin_token_ = json_of(response).at("access_token").get<std::string>();
  }
  return admin_token_;
}

http::ClientResponse KeycloakApi::admin(const std::string& method, const std::string& path,
                                        const std::optional<nlohmann::json>& body) {
  const http::Fields headers{{"Authorization", "Bearer " + admin_token()}};
  const auto send = [&] {
    if (body) return http_.request(method, "/admin/realms" + path, headers, body->dump(), "application/json");
    return http_.request(method, "/admin/realms" + path, headers);
  };
  auto response = send();
  // A real Keycloak expands the master admin's roles on every admin call, and they reach into
  // every realm; when another suite deletes its realm at that moment, Keycloak answers 500 (its
  // log: "Not found in database"). A read changes nothing, so it asks once more, saying so.
  if (method == "GET" && response.status >= 500) {
    std::cerr << "GET " << path << " answered " << response.status << " " << response.body << "; asking once more\n";
    response = send();
  }
  return response;
}

void KeycloakApi::create_realm(const nlohmann::json& rep) {
  const auto response = admin("POST", "", rep);
  if (response.status != 201)
    throw AdminCallFailed("create realm", response);
}

void KeycloakApi::delete_realm(const std::string& realm) { admin("DELETE", "/" + realm); }

std::string KeycloakApi::create_user(const std::string& realm, const nlohmann::json& rep) {
  const auto response = admin("POST", "/" + realm + "/users", rep);
  if (response.status != 201)
    throw AdminCallFailed("create user", response);
  return id_from_location(response);
}

std::string KeycloakApi::create_client(const std::string& realm, const nlohmann::json& rep) {
  const auto response = admin("POST", "/" + realm + "/clients", rep);
  if (response.status != 201)
    throw AdminCallFailed("create client", response);
  return id_from_location(response);
}

http::ClientResponse KeycloakApi::oidc_post(const std::string& realm, const std::string& endpoint,
                                            const http::Fields& form, const http::Fields& headers) {
  return http_.post("/realms/" + realm + "/protocol/openid-connect/" + endpoint, http::form_encode(form),
                    "application/x-www-form-urlencoded", headers);
}

http::ClientResponse KeycloakApi::password_grant(const std::string& realm, const std::string& client_id,
                                                 const std::string& secret, const std::string& username,
                                                 const std::string& password, const std::string& scope) {
  http::Fields form{
      {"grant_type", "password"}, {"client_id", client_id}, {"username", username}, {"password", password}};
  if (!secret.empty()) form.emplace_back("client_secret", secret);
  if (!scope.empty()) form.emplace_back("scope", scope);
  return oidc_post(realm, "token", form);
}

jose::JwkSet KeycloakApi::jwks(const std::string& realm) {
  const auto response = http_.get("/realms/" + realm + "/protocol/openid-connect/certs");
  if (response.status != 200) throw std::runtime_error("certs: " + std::to_string(response.status));
  return jose::JwkSet::from_json(response.body);
}

jose::VerifiedJwt KeycloakApi::verify(const std::string& realm, const std::string& token,
                                      const std::optional<std::string>& audience) {
  jose::VerifyOptions options;
  options.issuer = issuer(realm);
  options.audience = audience;
  return jose::verify_jwt(token, jwks(realm), options);
}

nlohmann::json claims_of(const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  if (!payload) throw std::runtime_error("not a JWT");
  return nlohmann::json::parse(*payload);
}

std::vector<std::string> audiences(const nlohmann::json& claims) {
  if (claims.at("aud").is_string()) return {claims.at("aud").get<std::string>()};
  return claims.at("aud").get<std::vector<std::string>>();
}

nlohmann::json header_of(const std::string& token) {
  return nlohmann::json::parse(jose::split_compact(token).header_json);
}

}  // namespace mcph::keycloak_test
