#pragma once
// How the Keycloak tests reach a Keycloak, and the few calls every test makes.
//
// With MCPH_STACK_FILE set, the tests drive the keycloak that stack file names (the ctest `real`
// fixture: the real Keycloak, `mcp-harness up --mode real`). With MCPH_KEYCLOAK_URL set (e.g.
// http://127.0.0.1:8080), they drive that server with the admin credentials in
// MCPH_KEYCLOAK_ADMIN_USER and MCPH_KEYCLOAK_ADMIN_PASSWORD (default admin/admin). Otherwise each
// test spawns the built mock-keycloak on a free port. Either way the tests speak HTTP only.
#include <gmock/gmock.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/http/client.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"
#include "mcph/proc/child_process.h"

namespace mcph::keycloak_test {

// A token response's expires_in (or refresh_expires_in) for a lifespan of `seconds`. Keycloak
// writes the token's exp minus the time it builds the response (AccessTokenResponseBuilder), in
// whole seconds: one second less when a second boundary passes in between (seen on the real
// Keycloak: 89 for 90, 1799 for 1800).
inline auto expires_in_of(int seconds) { return ::testing::AllOf(::testing::Ge(seconds - 1), ::testing::Le(seconds)); }

class KeycloakUnderTest {
 public:
  // extra_args go to a spawned mock (ignored for an external Keycloak).
  static KeycloakUnderTest start(const std::vector<std::string>& extra_args = {});
  // Always the built mock-keycloak, whatever MCPH_KEYCLOAK_URL says (tests of the binary).
  static KeycloakUnderTest spawn_mock(const std::vector<std::string>& extra_args = {});
  static bool external();  // MCPH_STACK_FILE or MCPH_KEYCLOAK_URL is set

  const std::string& url() const { return url_; }
  const std::string& admin_user() const { return admin_user_; }
  const std::string& admin_password() const { return admin_password_; }
  proc::ChildProcess* process() { return process_ ? &*process_ : nullptr; }

 private:
  std::string url_;
  std::string admin_user_ = "admin";
  std::string admin_password_ = "admin";
  std::optional<proc::ChildProcess> process_;
};

nlohmann::json json_of(const http::ClientResponse& response);        // throws with the body if not JSON
std::string random_suffix();                                         // 8 hex digits
std::string id_from_location(const http::ClientResponse& response);  // last path segment

// Admin and OIDC calls against one Keycloak. Not thread-safe (one connection).
// An admin call answered with another status than the one it needs.
class AdminCallFailed : public std::runtime_error {
 public:
  AdminCallFailed(const std::string& call, const http::ClientResponse& response)
      : std::runtime_error(call + ": " + std::to_string(response.status) + " " + response.body),
        status(response.status) {}
  int status;
};

class KeycloakApi {
 public:
  KeycloakApi(std::string url, std::string admin_user, std::string admin_password);

  const std::string& url() const { return url_; }
  std::string issuer(const std::string& realm) const { return url_ + "/realms/" + realm; }

  // The admin token (master realm, admin-cli, password grant), fetched once.
  const std::string& admin_token();
  http::ClientResponse admin(const std::string& method, const std::string& path,
                             const std::optional<nlohmann::json>& body = std::nullopt);
  // Each throws AdminCallFailed unless the answer is 201, and returns the new object's id.
  void create_realm(const nlohmann::json& rep);
  void delete_realm(const std::string& realm);
  std::string create_user(const std::string& realm, const nlohmann::json& rep);
  std::string create_client(const std::string& realm, const nlohmann::json& rep);

  // POST form to /realms/{realm}/protocol/openid-connect/{endpoint}.
  http::ClientResponse oidc_post(const std::string& realm, const std::string& endpoint,
                                 const http::Fields& form, const http::Fields& headers = {});
  http::ClientResponse password_grant(const std::string& realm, const std::string& client_id,
                                      const std::string& secret, const std::string& username,
                                      const std::string& password, const std::string& scope = {});
  jose::JwkSet jwks(const std::string& realm);
  // Verifies an access token like a resource server would (RS256, iss, aud, exp).
  jose::VerifiedJwt verify(const std::string& realm, const std::string& token,
                           const std::optional<std::string>& audience = std::nullopt);

  http::Client& http() { return http_; }

 private:
  std::string url_;
  std::string admin_user_;
  std::string admin_password_;
  std::string admin_token_;
  http::Client http_;
};

// Deletes a realm the test made, also when an assertion ends the test early.
struct RealmCleanup {
  KeycloakApi& api;
  std::string realm;
  ~RealmCleanup() {
    try {
      api.delete_realm(realm);
    } catch (const std::exception&) {
    }
  }
};

// The payload of a JWT, unverified (for claims the tests inspect after verifying).
nlohmann::json claims_of(const std::string& token);
nlohmann::json header_of(const std::string& token);
// A token's aud claim as a list, whether it is one string or an array.
std::vector<std::string> audiences(const nlohmann::json& claims);

}  // namespace mcph::keycloak_test
