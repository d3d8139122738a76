#include "own_servers.h"

#include <stdexcept>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/fixtures/user_fixtures.h"

namespace mcph::harness::scenario {
namespace {

std::string address(const stack::StackFile& stack, const std::string& service, ServerRoute route) {
  const stack::ServiceEntry& entry = stack.service(service);
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

proc::StartedService start_own_server(const stack::StackFile& stack, const std::string& name, ServerRoute route,
                                      std::vector<std::string> flags) {
  proc::SpawnOptions spawn;
  spawn.name = name + "-own";
  spawn.argv = {stack::service_binary(name), "--port", "0", "--vault-url", address(stack, "vault", route)};
  // The provider's tokens and keys as the stack's own servers check them (through `route`).
  const idp::IdentityProvider& provider = stack.identity_provider();
  idp::IdentityProviderSite site = stack.identity_provider_site(fixtures::default_fixtures_dir());
  site.url_for_servers = address(stack, provider.service(), route);
  idp::McpServerTrust trust = provider.mcp_server_trust(site, name);
  const std::vector<std::string> trust_flags = trust.server_flags();
  spawn.argv.insert(spawn.argv.end(), trust_flags.begin(), trust_flags.end());
  spawn.env = std::move(trust.env);
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

std::unique_ptr<stack::SupervisedStack> start_cognito_stack(const std::string& protocol) {
  stack::SupervisedStackOptions options;
  options.stack.idp = idp::IdentityProviderKind::cognito;
  options.stack.generated_users = 2;
  options.stack.protocol = protocol;
  return stack::SupervisedStack::start(options);
}

}  // namespace mcph::harness::scenario
