#pragma once
// The start functions of the service table's rows (service_table.cpp lists them).
#include <map>

#include "mcph/harness/stack/host_port.h"
#include "stack_context.h"

namespace mcph::harness::stack {

// standin: the project's binaries (standin_services.cpp)
RunningService start_mock_keycloak(StackContext& context);
RunningService start_mock_cognito(StackContext& context);
RunningService start_mock_vault(StackContext& context);
RunningService start_mock_jira(StackContext& context);
RunningService start_mock_github(StackContext& context);
RunningService start_jira_mcp(StackContext& context);
RunningService start_github_mcp(StackContext& context);
RunningService start_postgres_mcp(StackContext& context);

// The agents' bridge, after provisioning its agents (provision_agents), and nginx in front of it
// with the stack's CA, its server certificate and the agents' CA in <run_dir>/tls/
// (agent_services.cpp). start_tls_proxy throws ServiceSkipped without nginx or without the bridge.
RunningService start_agent_bridge(StackContext& context);
RunningService start_tls_proxy(StackContext& context);

// Spawns `argv` (a binary of the project with --port 0), waits for its listening line and
// records it under `name` (standin_services.cpp).
RunningService start_project_binary(StackContext& context, const std::string& name, std::vector<std::string> argv,
                                    std::vector<std::pair<std::string, std::string>> env = {});

// An MCP server of the project, started as start_project_binary starts a binary, serving /mcp
// over Streamable HTTP in the parameters' era when they name one: given --protocol, its entry
// saying `protocol`, so that `run` speaks it (standin_services.cpp).
RunningService start_mcp_binary(StackContext& context, const std::string& name, std::vector<std::string> argv,
                                std::vector<std::pair<std::string, std::string>> env = {});

// The fault proxy (fault_proxy_service.cpp): mcp-fault-proxy with a named proxy per row behind
// it (service_table.h), listening on free loopback ports; fills context.fault_proxied.
RunningService start_fault_proxy(StackContext& context);
// A service's host:port, and its URL, as the MCP servers are to reach it: through its fault
// proxy when the stack has one, else the service's own.
HostPort address_for_servers(const StackContext& context, const std::string& service);
std::string url_for_servers(const StackContext& context, const std::string& service);

// native: real servers started as processes (native_services.cpp)
RunningService start_native_postgres(StackContext& context);
RunningService start_native_keycloak(StackContext& context);
RunningService start_native_vault(StackContext& context);
// OPA with the trust-tier policy; ServiceSkipped where it is not built.
RunningService start_native_opa(StackContext& context);

// The workload-identity design (workload_services.cpp): mock-spiffe with the agents of the
// trust-tier policy, and workload-mcp once Keycloak knows the trust domain and the agents' clients.
RunningService start_mock_spiffe(StackContext& context);
RunningService start_workload_mcp(StackContext& context);
// The trust-tier policy (policies/trust_tiers: its Rego and agents.json) as the stack serves it,
// its agents moved into the stack's trust domain: <run_dir>/trust_tiers, written by each call.
// OPA loads the directory; workload-mcp reads its agents.json.
std::filesystem::path trust_tier_policy(const StackContext& context);
// The trust domain's workloads: the agents of the trust-tier policy and one it gives no tier.
std::vector<std::string> workload_agents(const StackContext& context);
// The same, by role (trusted-agent → its SPIFFE ID): the `spiffe` row's agent_ids.
std::map<std::string, std::string> workload_agent_ids(const StackContext& context);

// The real SPIRE in the `spiffe` row (spire_services.cpp): spire-server and spire-agent, the
// agent's Workload API where mock-spiffe's is, the server's bundle endpoint (https) as the url.
RunningService start_native_spire(StackContext& context);
// The CA of the SPIRE bundle endpoint's certificate (<run_dir>/spire/bundle-endpoint-tls), made
// on first use: the real Keycloak, started before SPIRE, is told to trust it.
std::filesystem::path spire_bundle_endpoint_ca(const std::filesystem::path& run_dir);
// The JVM options that make the real Keycloak trust that CA through a truststore of the run
// directory's own (keycloak_truststore.cpp), never the distribution's shared one.
std::vector<std::string> keycloak_truststore_options(const std::filesystem::path& run_dir);

// A dev-mode Vault (real or mock-vault) keeps its leases in memory and loses them when it stops,
// leaving the dynamic PostgreSQL roles it created: its stop revokes them first.
void revoke_database_leases_before_stop(RunningService& vault, const std::string& root_token);

// container: the service of docker/compose.yaml named like the row, on the demo's fixed port
// (container_services.cpp). `url` is where the harness reaches it, `url_inside` where the other
// containers do (recorded as the stack file's url_inside).
// `prepare` runs before the container starts, `finish` once it is healthy (a Vault's audit
// device, credentials to record in the stack file).
using ContainerStep = std::function<void(StackContext&, RunningService&)>;
StartFunction start_container(std::string service, std::string url, std::string url_inside,
                              ContainerStep prepare = {}, ContainerStep finish = {});
// The container rows' own steps (container_services.cpp).
void prepare_vault_container(StackContext& context, RunningService& vault);
void finish_vault_container(StackContext& context, RunningService& vault);
void finish_keycloak_container(StackContext& context, RunningService& keycloak);
// A reference MCP server's container: its entry names the identity provider's clients whose
// users it serves, as a stand-in's does (compose.yaml gives it the same --allowed-client list).
StartFunction start_mcp_container(std::string service, std::string url, std::string url_inside);

}  // namespace mcph::harness::stack
