#include "mcph/harness/stack/stack_tokens.h"

#include <stdexcept>

#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness {
namespace {

std::string realm_url(const StackFile& stack) { return stack.service("keycloak").url + "/realms/" + stack.realm; }

std::filesystem::path fixtures_or_default(const std::filesystem::path& fixtures_dir) {
  return fixtures_dir.empty() ? default_fixtures_dir() : fixtures_dir;
}

}  // namespace

std::string mcp_scopes(const StackFile& stack) {
  std::string scopes;
  for (const ServiceRow& row : service_table()) {
    const auto it = stack.services.find(row.name);
    if (it == stack.services.end()) continue;
    for (const std::string& scope : {it->second.mcp.scope, it->second.mcp.write_scope}) {
      if (!scope.empty()) scopes += (scopes.empty() ? "" : " ") + scope;
    }
  }
  return scopes;
}

std::string user_access_token(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                              const std::string& username, const std::string& password,
                              const std::string& client_id) {
  const std::string secret = realm_client_secret(FixtureFiles::in(fixtures_or_default(fixtures_dir)), client_id);
  oidc::TokenClient client(realm_url(stack), {client_id, secret});
  try {
    return client.password_grant(username, password, mcp_scopes(stack)).access_token;
  } catch (const oidc::OidcError& e) {
    throw std::runtime_error("the identity provider refused a token for " + username + ": " + e.error() +
                             (e.description().empty() ? "" : " (" + e.description() + ")"));
  }
}

std::string vault_login_token(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                              const std::string& access_token) {
  for (const ServiceRow& row : service_table()) {
    const auto it = stack.services.find(row.name);
    if (it == stack.services.end() || it->second.mcp.client_id.empty()) continue;
    const std::string client_id = it->second.mcp.client_id;
    const std::string secret = realm_client_secret(FixtureFiles::in(fixtures_or_default(fixtures_dir)), client_id);
    oidc::TokenClient client(realm_url(stack), {client_id, secret});
    return client.exchange(access_token, "vault").access_token;
  }
  return access_token;
}

}  // namespace mcph::harness
