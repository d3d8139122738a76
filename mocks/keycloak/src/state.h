#pragma once
// The mock's shared state: every realm behind one mutex, and the base URL issuers are made of.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "bundle_keys.h"
#include "mcph/http/server.h"
#include "mcph/jose/dpop.h"
#include "mcph/mock_keycloak/mock_keycloak.h"
#include "model.h"

namespace mcph::mock_keycloak {

struct MockKeycloak::State {
  Options options;
  std::function<std::string()> base_url;  // --hostname-url, else the server's own URL
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<Realm>> realms;
  // Each has a lock of its own: the bundles are fetched without `mutex`.
  BundleKeyCache bundle_keys;            // SPIFFE identity providers' keys
  jose::DpopReplayCache dpop_proofs;     // DPoP proofs seen (jti), until they expire

  Realm* find_realm(std::string_view name) {  // call with mutex held
    auto it = realms.find(std::string(name));
    return it == realms.end() ? nullptr : it->second.get();
  }
  std::string issuer(const Realm& realm) const { return base_url() + "/realms/" + realm.name; }
};

using State = MockKeycloak::State;

void add_oidc_routes(http::Server& server, State& state);
void add_authorization_server_metadata_routes(http::Server& server, State& state);
void add_token_route(http::Server& server, State& state);
void add_admin_routes(http::Server& server, State& state);
void add_admin_user_routes(http::Server& server, State& state);
void add_admin_client_routes(http::Server& server, State& state);
void add_admin_client_scope_routes(http::Server& server, State& state);
void add_admin_mapper_routes(http::Server& server, State& state);
void add_admin_client_role_routes(http::Server& server, State& state);
void add_admin_key_routes(http::Server& server, State& state);
void add_admin_group_role_routes(http::Server& server, State& state);
void add_admin_identity_provider_routes(http::Server& server, State& state);

}  // namespace mcph::mock_keycloak
