#pragma once
// The few Keycloak admin REST calls the harness needs (the provisioner, the scenario runner).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcph/http/client.h"

namespace mcph::harness::provision {

class KeycloakAdmin {
 public:
  KeycloakAdmin(const std::string& base_url, const std::string& admin_user, const std::string& admin_password);

  std::optional<nlohmann::json> find_realm(const std::string& realm);  // its representation; nullopt: no such realm
  void create_realm(const nlohmann::json& representation);
  // A partial update of the realm's settings (e.g. {"accessTokenLifespan": 3600}).
  void update_realm(const std::string& realm, const nlohmann::json& settings);
  std::optional<nlohmann::json> find_user(const std::string& realm, const std::string& username);
  // Returns the new user's id.
  std::string create_user(const std::string& realm, const nlohmann::json& representation);
  // An operator's changes to a user (by id): enabled or disabled (a partial update: the rest of
  // the user stays), and every session of the user ended (the admin console's "Sign out").
  void set_user_enabled(const std::string& realm, const std::string& user_id, bool enabled);
  void logout_user(const std::string& realm, const std::string& user_id);
  std::optional<nlohmann::json> find_client(const std::string& realm, const std::string& client_id);
  nlohmann::json list_clients(const std::string& realm);  // every client's representation
  void create_client(const std::string& realm, const nlohmann::json& representation);
  // A partial update of a client (by its id): the fields given change, the rest stays.
  void update_client(const std::string& realm, const std::string& client_uuid, const nlohmann::json& changes);
  std::optional<nlohmann::json> find_client_scope(const std::string& realm, const std::string& name);
  void create_client_scope(const std::string& realm, const nlohmann::json& representation);
  void delete_client_scope(const std::string& realm, const std::string& id);
  // Creates the identity provider of representation's alias, or replaces its configuration
  // when the realm has one (its bundle endpoint moves with every stack). True when it was new.
  bool put_identity_provider(const std::string& realm, const nlohmann::json& representation);
  nlohmann::json list_identity_providers(const std::string& realm);  // every provider's representation
  // Makes the scope an optional scope of the client (both by id); idempotent.
  void add_optional_client_scope(const std::string& realm, const std::string& client_uuid, const std::string& scope_id);

  // Key rotation through the components API (keycloak_keys.cpp): a new RS256 signing key (an
  // rsa-generated key provider of a priority above every other key's) becomes the realm's active
  // one; unless keep_old, the providers of the realm's other RS256 signing keys are removed, so
  // that their tokens no longer verify. Throws std::runtime_error quoting Keycloak's answer.
  struct KeyRotation {
    std::string kid;                        // the new active RS256 key
    std::vector<std::string> removed_kids;  // the keys taken out of the realm
  };
  KeyRotation rotate_signing_key(const std::string& realm, bool keep_old);
  // An RSA key of the caller's (PKCS#8 PEM) added to the realm's keys as a passive one (an
  // imported `rsa` key provider): published in the JWKS, so the realm's clients verify what it
  // signs, and never used by the realm to sign. Idempotent: the kid of the realm's key with the
  // same public key (`public_key_b64`, base64 DER) when it has one. Throws std::runtime_error
  // quoting Keycloak's answer.
  struct VerificationKey {
    std::string kid;
    bool added = false;  // false: the realm had it already
  };
  VerificationKey add_verification_key(const std::string& realm, const std::string& private_pem,
                                       const std::string& public_key_b64);

 private:
  http::ClientResponse call(const std::string& method, const std::string& path, const std::string& body = {});
  // A realm's collection (e.g. "/clients") as a JSON array. Throws as fail does ("list <what>").
  nlohmann::json list(const std::string& realm, const std::string& collection, const std::string& what);
  // Throws std::runtime_error: "Keycloak: <what> answered <status> <body, cut>".
  [[noreturn]] static void fail(const std::string& what, const http::ClientResponse& response);
  // The id of what a 201 created: the last segment of its Location. Throws when there is none.
  static std::string created_id(const http::ClientResponse& response, const std::string& what);
  void log_in();  // a new admin token (master realm, admin-cli)
  http::Client http_;
  std::string base_url_, admin_user_, admin_password_;
  std::string token_;
};

}  // namespace mcph::harness::provision
