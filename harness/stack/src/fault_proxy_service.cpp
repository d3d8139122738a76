// The fault proxy's row of the service table: mcp-fault-proxy (Toxiproxy's model and HTTP API)
// with one named proxy per row behind it that the stack runs (vault, keycloak, postgres, jira-api, github-api, opa), each
// on a free loopback port and forwarding to the service's own address. The MCP servers are
// given those addresses instead of the services' (url_for_servers, also written into each
// proxied service's stack-file entry, and each server's entry lists behind_fault_proxy what it
// reaches through the proxy); the harness — provisioner,
// scenario runner, ledger and audit readers — keeps reaching the services directly. Scenarios
// find its API at the stack file's services."fault-proxy".url.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/http/client.h"
#include "mcph/harness/stack/host_port.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

using Json = nlohmann::json;

// Where `service` listens, as the fault proxy's upstream.
HostPort listening_address(const StackContext& context, const std::string& service) {
  const std::string& url = context.stack.service(service).url;
  const auto address = host_port(url);
  if (!address) throw std::runtime_error("no host and port in the URL of " + service);
  return *address;
}

}  // namespace

HostPort address_for_servers(const StackContext& context, const std::string& service) {
  if (const auto it = context.fault_proxied.find(service); it != context.fault_proxied.end()) {
    if (const auto proxy = parse_authority(it->second); proxy && !proxy->port.empty()) return *proxy;
    throw std::runtime_error("fault-proxy: its proxy for " + service + " listens at \"" + it->second + "\", not host:port");
  }
  return listening_address(context, service);
}

std::string url_for_servers(const StackContext& context, const std::string& service) {
  const std::string& url = context.stack.service(service).url;
  const auto it = context.fault_proxied.find(service);
  if (it == context.fault_proxied.end()) return url;
  const auto scheme_end = url.find("://");
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  return url.substr(0, scheme_end + 3) + it->second + (path == std::string::npos ? "" : url.substr(path));
}

RunningService start_fault_proxy(StackContext& context) {
  RunningService running =
      start_project_binary(context, std::string(kFaultProxyService), {service_binary("mcp-fault-proxy"), "--port", "0"});
  // A proxy per row behind it, created through the API as any Toxiproxy client would.
  Json proxies = Json::array();
  for (const std::string& name : fault_proxy_targets()) {
    if (!context.stack.find_service(name)) continue;  // an identity provider or optional row the stack runs without
    proxies.push_back({{"name", name}, {"listen", "127.0.0.1:0"}, {"upstream", listening_address(context, name).authority()}});
  }
  http::ClientOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.read_timeout = std::chrono::seconds(5);
  http::Client api(running.entry.url, options);
  const http::ClientResponse created = api.request("POST", "/populate", {}, proxies.dump(), "application/json");
  const Json answer = Json::parse(created.body, nullptr, false);
  if (created.status != 201 || !answer.is_object() || !answer.contains("proxies") || !answer["proxies"].is_array()) {
    running.stop();
    throw std::runtime_error("fault-proxy: creating its proxies answered HTTP " + std::to_string(created.status) + ": " +
                             created.body.substr(0, 300));
  }
  std::string listed;
  for (const Json& proxy : answer["proxies"]) {
    const std::string name = proxy.value("name", ""), listen = proxy.value("listen", "");
    context.fault_proxied[name] = listen;
    listed += (listed.empty() ? "" : ", ") + name + " " + listen;
  }
  // The stack file tells where a server must point to be behind the proxy: the servers the
  // stack starts are given these; a user's own servers are pointed at them by hand.
  for (const auto& [name, listen] : context.fault_proxied) {
    context.stack.services.at(name).url_for_servers = url_for_servers(context, name);
  }
  context.say("  fault-proxy: " + listed);
  return running;
}

}  // namespace mcph::harness::stack
