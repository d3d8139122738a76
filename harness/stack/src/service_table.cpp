#include "mcph/harness/stack/service_table.h"

#include "mcph/harness/stack/network_view.h"

#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

using Kind = HealthCheck::Kind;

// The implementations a mode prefers, in order: a row takes the first it has.
std::vector<Implementation> preference(StackMode mode) {
  switch (mode) {
    case StackMode::local: return {Implementation::standin, Implementation::native};
    case StackMode::real: return {Implementation::native, Implementation::standin};
    case StackMode::compose: return {Implementation::container};
    case StackMode::external: return {Implementation::external};
  }
  return {};
}

// Modifiers of a row (the table stays one literal): each sets one of its flags.
template <bool ServiceRow::*Flag>
ServiceRow flagged(ServiceRow row) {
  row.*Flag = true;
  return row;
}
constexpr auto behind_fault_proxy = flagged<&ServiceRow::behind_fault_proxy>;
constexpr auto optional = flagged<&ServiceRow::optional>;
constexpr auto mock_backend = flagged<&ServiceRow::mock_backend>;
constexpr auto agents_only = flagged<&ServiceRow::agents_only>;
constexpr auto fronts_mcp_server = flagged<&ServiceRow::fronts_mcp_server>;
constexpr auto identity_provider_row = flagged<&ServiceRow::identity_provider_row>;

}  // namespace

const char* to_string(Implementation implementation) {
  switch (implementation) {
    case Implementation::standin: return "standin";
    case Implementation::native: return "native";
    case Implementation::container: return "container";
    case Implementation::external: return "external";
  }
  return "?";
}

const ServiceImplementation* ServiceRow::implementation_in(StackMode mode) const {
  for (Implementation wanted : preference(mode)) {
    for (const auto& implementation : implementations) {
      if (implementation.kind == wanted) return &implementation;
    }
  }
  return nullptr;
}

const std::vector<ServiceRow>& service_table() {
  using enum Implementation;
  using enum Stage;
  static const std::vector<ServiceRow> table = {
      behind_fault_proxy(
          {"postgres", before_provisioning, {Kind::tcp, "", false},
           {{native, "PostgreSQL (initdb + postgres)", start_native_postgres},
            {container, "mcp-harness-postgres", start_container("postgres", "postgresql://postgres:postgres@127.0.0.1:5432/mcp_demo",
                                                       "postgresql://postgres:postgres@postgres:5432/mcp_demo")}}}),
      identity_provider_row(behind_fault_proxy(
          {"keycloak", before_provisioning, {Kind::http_get, "/realms/{realm}/.well-known/openid-configuration", false},
           {{standin, "mock-keycloak", start_mock_keycloak},
            {native, "Keycloak (kc.sh start-dev)", start_native_keycloak},
            {container, "mcp-harness-keycloak", start_container("keycloak", "http://127.0.0.1:8080", "http://keycloak:8080", {},
                                                                      finish_keycloak_container)}}})),
      // A Cognito user pool's API, its keys and its discovery document (--idp cognito); every
      // mode has only the stand-in.
      identity_provider_row(behind_fault_proxy({std::string(kCognitoService), before_provisioning, {Kind::http_get, "/health", false},
                                      {{standin, "mock-cognito", start_mock_cognito}}})),
      behind_fault_proxy(
          {"vault", before_provisioning, {Kind::http_get, "/v1/sys/health", false},
           {{standin, "mock-vault", start_mock_vault},
            {native, "Vault (vault server -dev)", start_native_vault},
            {container, "mcp-harness-vault", start_container("vault", "http://127.0.0.1:8200", "http://vault:8200",
                                                        prepare_vault_container, finish_vault_container)}}}),
      mock_backend(behind_fault_proxy(
          {"jira-api", before_provisioning, {Kind::tcp, "", false},
           {{standin, "mock-jira", start_mock_jira},
            {container, "mock-jira", start_container("jira-api", "http://127.0.0.1:8001", "http://jira-api:8001")}}})),
      mock_backend(behind_fault_proxy(
          {"github-api", before_provisioning, {Kind::tcp, "", false},
           {{standin, "mock-github", start_mock_github},
            {container, "mock-github", start_container("github-api", "http://127.0.0.1:8002", "http://github-api:8002")}}})),
      // The workload-identity design's trust domain and policy engine (optional: OPA is the real
      // tier's; without it the stack runs without them and without workload-mcp, saying why).
      // The design's agents authenticate at Keycloak (federated client authentication): only its
      // provider brings these rows up.
      identity_provider_row(optional({"spiffe", before_provisioning, {Kind::http_get, "/ready", false},
                             {{standin, "mock-spiffe", start_mock_spiffe},
                              {native, "SPIRE (spire-server and spire-agent, join token, unix attestor)", start_native_spire}}})),
      identity_provider_row(optional(behind_fault_proxy({"opa", before_provisioning, {Kind::http_get, "/health", false},
                                                {{native, "OPA (opa run --server) with the trust-tier policy",
                                                  start_native_opa}}}))),
      // After the rows above (its proxies' upstreams), before the MCP servers (which it fronts).
      optional({std::string(kFaultProxyService), before_provisioning, {Kind::http_get, "/version", false},
                {{standin, "mcp-fault-proxy", start_fault_proxy}}}),
      {"jira-mcp", after_provisioning, {Kind::http_get, "/health", true},
       {{standin, "jira-mcp", start_jira_mcp},
        {container, "jira-mcp", start_mcp_container("jira-mcp", "http://127.0.0.1:3001/mcp", "http://jira-mcp:3001/mcp")}}},
      {"github-mcp", after_provisioning, {Kind::http_get, "/health", true},
       {{standin, "github-mcp", start_github_mcp},
        {container, "github-mcp", start_mcp_container("github-mcp", "http://127.0.0.1:3002/mcp", "http://github-mcp:3002/mcp")}}},
      {"postgres-mcp", after_provisioning, {Kind::http_get, "/health", true},
       {{standin, "postgres-mcp", start_postgres_mcp},
        {container, "postgres-mcp",
         start_mcp_container("postgres-mcp", "http://127.0.0.1:3003/mcp", "http://postgres-mcp:3003/mcp")}}},
      // Optional: compose mode has no image of it (nor of its proxy); a stack without nginx runs
      // without the proxy, saying why.
      optional(agents_only({std::string(kAgentBridgeService), after_provisioning, {Kind::http_get, "/health", true},
                            {{standin, "agent-bridge-mcp", start_agent_bridge}}})),
      optional(fronts_mcp_server({std::string(kTlsProxyService), after_provisioning, {Kind::tcp, "", false},
                                  {{native, "nginx (TLS-terminating proxy)", start_tls_proxy}}})),
      identity_provider_row(optional(agents_only({std::string(kWorkloadService), after_provisioning, {Kind::http_get, "/health", true},
                                         {{standin, "workload-mcp", start_workload_mcp}}}))),
  };
  return table;
}

const ServiceRow* find_service_row(std::string_view name) {
  for (const auto& row : service_table()) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::vector<std::string> fault_proxy_targets() {
  std::vector<std::string> names;
  for (const auto& row : service_table()) {
    if (row.behind_fault_proxy) names.push_back(row.name);
  }
  return names;
}

std::vector<std::string> mock_backend_services() {
  std::vector<std::string> names;
  for (const auto& row : service_table()) {
    if (row.mock_backend) names.push_back(row.name);
  }
  return names;
}

std::vector<std::string> stack_run_dir_entries() {
  std::vector<std::string> entries = {"stack.json", "stack.json.tmp", kNetworkStackFileName,
                                      std::string(kNetworkStackFileName) + ".tmp", "secrets.json", "vault-audit.log",
                                      "postgres", "postgres.pwfile", "keycloak-home",
                                      // the agents' keys, secret and the bridge's token; the CAs and
                                      // certificates; nginx's own files
                                      "agents", "tls", "tls-proxy",
                                      // SPIRE's configuration, data and sockets; its agent's log
                                      "spire", "spire-agent.log",
                                      // the trust-tier policy in the stack's trust domain
                                      "trust_tiers"};
  for (const auto& row : service_table()) entries.push_back(row.name + ".log");
  return entries;
}

}  // namespace mcph::harness::stack
