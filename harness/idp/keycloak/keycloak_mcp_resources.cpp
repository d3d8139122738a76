// Each MCP server as the realm must know it once it runs: a client scope named like the server
// whose audience mappers put the server's resource URL and its client id into a user's tokens,
// optional for every client users log in with, the scope its tools that write need besides, and
// the broader scope that implies it.
#include <stdexcept>

#include "keycloak_provider.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/provision/keycloak_admin.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

Json audience_mapper(const std::string& name, const char* key, const std::string& audience) {
  return {{"name", name},
          {"protocol", "openid-connect"},
          {"protocolMapper", "oidc-audience-mapper"},
          {"config", {{key, audience}, {"access.token.claim", "true"}, {"id.token.claim", "false"}}}};
}

// The id of a scope a token names and nothing more (no mapper; its audience comes from the
// server's own scope), created when missing: a server's write scope and its broader scope.
std::string plain_scope_id(provision::KeycloakAdmin& admin, const std::string& realm, const std::string& name,
                           const std::string& description, const std::function<void(const std::string&)>& say) {
  if (const auto found = admin.find_client_scope(realm, name)) return found->value("id", "");
  admin.create_client_scope(realm, {{"name", name},
                                     {"description", description},
                                     {"protocol", "openid-connect"},
                                     {"attributes", {{"include.in.token.scope", "true"}}}});
  say("  + client scope " + name);
  const auto created = admin.find_client_scope(realm, name);
  if (!created) throw std::runtime_error("Keycloak: the new client scope " + name + " is not listed");
  return created->value("id", "");
}

}  // namespace

void KeycloakProvider::provision_mcp_resources(const IdentityProviderSite& site, const std::vector<provision::McpResource>& resources,
                                               const provision::ProvisionOptions& options) const {
  const auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  try {
    provision::KeycloakAdmin admin(site.url, site.fields.user(), site.fields.password());
    const fs::path fixtures = fixtures::fixtures_or_default(options.fixtures_dir);
    std::vector<std::string> user_clients;
    for (const auto& client : fixtures::load_realm_clients(fixtures::FixtureFiles::in(fixtures))) {
      if (client.direct_access_grants) user_clients.push_back(client.client_id);
    }
    for (const auto& resource : resources) {
      auto scope = admin.find_client_scope(site.realm, resource.scope);
      const std::string current = scope ? scope->dump() : std::string();
      if (scope && current.find("\"" + resource.url + "\"") == std::string::npos) {
        admin.delete_client_scope(site.realm, scope->value("id", ""));  // the server moved
        scope.reset();
      }
      if (!scope) {
        admin.create_client_scope(
            site.realm,
            {{"name", resource.scope},
             {"description", "a token for " + resource.scope + " (" + resource.url + ")"},
             {"protocol", "openid-connect"},
             {"attributes", {{"include.in.token.scope", "true"}}},
             {"protocolMappers", Json::array({audience_mapper("resource", "included.custom.audience", resource.url),
                                              audience_mapper("client", "included.client.audience",
                                                              resource.client_id)})}});
        say("  + client scope " + resource.scope + " (audience " + resource.url + ")");
        scope = admin.find_client_scope(site.realm, resource.scope);
        if (!scope) throw std::runtime_error("Keycloak: the new client scope " + resource.scope + " is not listed");
      }
      std::vector<std::string> scope_ids = {scope->value("id", "")};
      if (!resource.write_scope.empty()) {
        scope_ids.push_back(plain_scope_id(admin, site.realm, resource.write_scope,
                                           "calls of " + resource.scope + "'s tools that write", say));
      }
      if (!resource.broader_scope.empty()) {
        scope_ids.push_back(plain_scope_id(admin, site.realm, resource.broader_scope,
                                           "every call of " + resource.scope + "'s tools (implies " +
                                               resource.write_scope + ")",
                                           say));
      }
      for (const auto& client_id : user_clients) {
        const auto client = admin.find_client(site.realm, client_id);
        if (!client) throw std::runtime_error("Keycloak: realm " + site.realm + " has no client " + client_id);
        for (const auto& id : scope_ids) admin.add_optional_client_scope(site.realm, client->value("id", ""), id);
      }
    }
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning the MCP servers' scopes: Keycloak did not answer: ") + e.what());
  }
}

}  // namespace mcph::harness::idp
