#include "own_servers.h"

#include <stdexcept>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/fixtures/user_fixtures.h"

namespace mcph::harness {
namespace {

std::string address(const StackFile& stack, const std::string& service, ServerRoute route) {
  const ServiceEntry& entry = stack.service(service);
  if (route == ServerRoute::direct) return entry.url;
  const std::string proxied = entry.url_for_servers;
  if (proxied.empty()) throw std::runtime_error("the stack file gives no url_for_servers for " + service);
  return proxied;
}

// postgresql://[user[:pw]@]host:port/db → {host, port}.
std::pair<std::string, std::string> database_host_port(const std::string& url) {
  std::string authority = url.substr(url.find("://") + 3);
  authority = authority.substr(0, authority.find('/'));
  authority = authority.substr(authority.find('@') + 1);  // npos + 1 == 0: no user info
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return {authority, "5432"};
  return {authority.substr(0, colon), authority.substr(colon + 1)};
}

}  // namespace

proc::StartedService start_own_server(const StackFile& stack, const std::string& name, ServerRoute route,
                                      std::vector<std::string> flags) {
  proc::SpawnOptions spawn;
  spawn.name = name + "-own";
  spawn.argv = {service_binary(name), "--port", "0", "--vault-url", address(stack, "vault", route)};
  if (stack.idp == IdentityProvider::cognito) {
    // The pool's tokens, its keys, its app client; the caller's token passed through to Vault.
    const IdentityProviderFields& pool = stack.service("cognito").idp;
    spawn.argv.insert(spawn.argv.end(), {"--token-profile", "cognito", "--issuer", pool.issuer,
                                         "--jwks-url", address(stack, "cognito", route) + "/" + pool.pool_id + "/.well-known/jwks.json",
                                         "--allowed-client", pool.app_client_id, "--vault-login", "passthrough"});
  } else {
    const std::string realm = address(stack, "keycloak", route) + "/realms/" + stack.realm;
    spawn.argv.insert(spawn.argv.end(), {"--issuer", stack.service("keycloak").url + "/realms/" + stack.realm,  // the tokens' own
                                         "--jwks-url", realm + "/protocol/openid-connect/certs",
                                         "--realm-url", realm,
                                         "--allowed-client", "mcp-client", "--allowed-client", "mcp-client-short-lived"});
    spawn.env = {{"MCPH_CLIENT_SECRET", realm_client_secret(FixtureFiles::in(default_fixtures_dir()), name)}};
  }
  if (name == "jira-mcp") {
    spawn.argv.insert(spawn.argv.end(), {"--jira-url", address(stack, "jira-api", route)});
  } else if (name == "github-mcp") {
    spawn.argv.insert(spawn.argv.end(), {"--github-url", address(stack, "github-api", route)});
  } else if (name == "postgres-mcp") {
    const auto [host, port] = database_host_port(address(stack, "postgres", route));
    spawn.argv.insert(spawn.argv.end(), {"--db-host", host, "--db-port", port});
  } else {
    throw std::invalid_argument("no reference MCP server " + name);
  }
  spawn.argv.insert(spawn.argv.end(), flags.begin(), flags.end());
  return proc::start_service(spawn);
}

}  // namespace mcph::harness
