#pragma once
// The stack file (docs/design.md; a public interface): every service's URL and, in local mode,
// its pid and log. `mcp-harness up` writes it; every later command finds the stack through it;
// in external mode a user writes it by hand.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/idp/identity_provider.h"
#include "mcph/harness/stack/policy_profile.h"
#include "mcph/harness/stack/stack_params.h"

namespace mcph::harness::stack {

// Of Vault: the root token the harness provisions and reads with, the audit log it tails, and
// (native) the binary, for the contract suite's fresh Vaults.
struct VaultFields {
  std::string token;
  std::string audit_log;
  std::string binary;
};

// Of an MCP server whose callers are agents (agent-bridge-mcp, or a user's own in external mode),
// key "auth": how the harness obtains and presents each agent's credential. Every part is
// optional; a key the harness does not know is an error (a typo must not fall back to a
// default). Secret values live in the files named (`*_file`, `client_ca_key`),
// never in the stack file. Paths may be relative to the stack file's directory
// (StackFile::resolve).
struct ApiKeyAuth {
  std::string header;     // "X-API-Key"
  std::string keys_file;  // {"agent-a": "<key>", …}
};
struct StaticJwtAuth {
  std::string alg;       // "HS256", "RS256", "ES256"
  std::string key_file;  // HS256: the shared secret, one line; else a PEM private key
  std::string iss;
  std::string aud;
  std::string kid;       // the header's kid; empty: none
  // Where the server reads an agent's scopes: the claim's name (default "scope") and its form,
  // "string" (space-separated words, RFC 8693's) or "array" (a list of words, as "scp" often is).
  std::string scope_claim;
  std::string scope_form;
};
struct MtlsAuth {
  std::string proxy_url;       // through the TLS-terminating proxy (https)
  std::string direct_url;      // the server itself, bypassing the proxy
  std::string server_ca_file;  // the proxy's CA
  std::string client_ca_cert;  // the agents' CA: the harness mints their client certificates
  std::string client_ca_key;
};
struct ProxyHeadersAuth {
  std::string dn_header;      // "X-SSL-Client-S-DN"
  std::string verify_header;  // "X-SSL-Client-Verify"
};
struct ClientCredentialsAuth {
  std::string token_url;
  std::string clients_file;  // {"agent-a": {"client_id": …, "client_secret": …}}
  std::string method;        // "client_secret_post" | "client_secret_basic"
  std::string scope;
  // The authorization server's issuer (its metadata at <issuer>/.well-known/oauth-authorization-server)
  // and the aud its tokens carry for this server: what the authorization-server family checks.
  std::string issuer;
  std::string audience;
};
struct AgentAuthFields {
  std::string default_kind;  // key "default": the part a step uses unless it names another
  // key "agents": the agents a step may act as (the scenario files' agent-a, agent-b, agent-c).
  // As a list, the server knows them by those names; as an object, each is mapped to the server's
  // own name for it ({"agent-a": "deployer", …}), in `names`.
  std::vector<std::string> agents;
  std::map<std::string, std::string> names;
  std::optional<ApiKeyAuth> api_key;
  std::optional<StaticJwtAuth> static_jwt;
  std::optional<MtlsAuth> mtls;
  std::optional<ProxyHeadersAuth> proxy_headers;
  std::optional<ClientCredentialsAuth> client_credentials;
  std::optional<bool> keycloak_user_jwts;  // key "keycloak_user"
};

// Of a TLS-terminating proxy (the service "tls-proxy"): the service it fronts and the CA its
// certificate chains to.
struct TlsProxyFields {
  std::string upstream;
  std::string ca_file;
};

// Of an MCP server: how to reach and judge it (its target profile's name and the fields it
// overrides, read by target_profile()), the limit it puts on each user's calls, the OAuth scope
// and client a token for it names, and the backend whose ledger shows its calls.
struct McpServerFields {
  std::string transport;
  std::string protocol;  // the era it speaks (protocol_era.h); empty: legacy
  std::string profile;
  std::string correlation;
  std::string result_rows;
  std::string result_columns;
  std::string probe;
  std::string vault_login;
  std::string dependency_timeout_ms;
  std::string failures;  // a JSON object of failure kind → [texts], as JSON text
  std::optional<RateLimit> rate_limit;  // none: the file does not say (a hand-written stack)
  // The limit it puts on the requests it refuses, per source address (key "refused_rate_limit"):
  // a budget every caller on one address shares. None: it has no such limit, or does not say.
  std::optional<RateLimit> refused_rate_limit;
  std::string scope;
  std::string client_id;
  // The scope its tools that write also need (key "write_scope"); none: no tool needs more.
  std::string write_scope;
  // A broader scope that implies write_scope (key "broader_scope"): the server's scope hierarchy,
  // as the 2026-07-28 revision asks servers to honour. None: it declares no hierarchy.
  std::string broader_scope;
  // The OAuth clients (azp, or a Cognito pool's app client) whose users' tokens it serves (key
  // "clients", a list): a token the realm issued to any other client is refused. Empty: the file
  // does not say, and the scenarios about other clients' tokens do not apply (OAuth asks a
  // resource server to check the audience; a list of clients is a deployment's own choice).
  std::vector<std::string> clients;
  // "none" (key "authorization_server"): the server's agents get their tokens from no OAuth
  // authorization server of its own, and the families about one do not apply to it. Absent: it
  // has one when its `auth.client_credentials` names an issuer.
  std::string authorization_server;
  std::string backend;
  // The services it reaches through the stack's fault proxy (its named proxies: vault, keycloak,
  // postgres, jira-api, github-api), so that a scenario's faults on them reach it. The stack
  // writes it for the servers it starts; a user declares it for their own. Key
  // "behind_fault_proxy": a list of those names, or true (all of them); absent or false: none.
  std::vector<std::string> behind_fault_proxy;
  std::optional<AgentAuthFields> auth;  // key "auth"; none: its callers are the identity provider's users
  // The authorization policy it asks (key "policy", policy_profile.h); none: the reference policy's.
  std::optional<PolicyProfile> policy;
  // key "workload_tools": what its tools are for each cell of its policy's table
  // (workload_tool_map.h), as JSON text, checked when read
  std::string workload_tools;
  std::string tools;  // key "tools": its tool map over its profile's (tool_map.h), as JSON text
  std::string secrets;  // key "secrets": where its agents' secrets are in Vault (secret_layout.h), as JSON text
};

// One service of the stack file. The file is flat JSON (every key of a service beside its url);
// it is read once into these typed fields, and keys the harness does not know are kept as they
// were written and written back unchanged.
struct ServiceEntry {
  std::string url;
  int pid = 0;                 // local mode only
  std::string log;             // local mode only
  std::string implementation;  // standin | native | container (service_table.h); "": not started by the stack
  std::string version;         // native: the real server's version
  std::string health_url;      // where its readiness is asked, when not at its url
  std::string url_inside;      // container: how the other containers reach it
  // A service behind the stack's fault proxy: the address the MCP servers must use to be behind it.
  std::string url_for_servers;
  // A SPIFFE trust domain's (the spiffe service): its Workload API, unix://<socket> (key
  // "workload_api"), for the agents' own SPIFFE libraries (SPIFFE_ENDPOINT_SOCKET).
  std::string workload_api;
  // A trust domain's agents by the role the scenario files name them by (key "agent_ids":
  // {"trusted-agent": "spiffe://…"}): how `${spiffe.trusted-agent}` resolves. Without it, the
  // workload registered as …/agent/<role> is that role's.
  std::map<std::string, std::string> agent_ids;
  // The real SPIRE's (a native spiffe entry): its spire-server and the server's admin socket
  // (keys "spire_server", "spire_admin_socket"; spire_server_cli.h), for a scenario that changes
  // the trust domain as its operator would.
  std::string spire_server;
  std::string spire_admin_socket;
  // The file where that server's disk key manager keeps its keys (key "spire_signing_keys"): how
  // the harness signs, with the trust domain's own key, the SVID SPIRE never mints (another trust
  // domain's SPIFFE ID). Empty: no scenario asks the stack's SPIRE for one.
  std::string spire_signing_keys;
  // The role of a design this entry plays (key "plays": "agent-bridge-mcp"): a team's own
  // server, under its own name, addressed by the scenarios written for that role; every finding
  // names the entry. Empty: it plays the role of its own name.
  std::string plays;
  idp::IdentityProviderFields idp;  // identity_provider.h
  VaultFields vault;
  McpServerFields mcp;
  TlsProxyFields proxy;
};

// One service's entry from its JSON text (`field` names it in errors: "services.jira-mcp"), as
// StackFile::parse reads each; its target profile is not checked here. Throws std::runtime_error.
ServiceEntry parse_service_entry(const std::string& json, const std::string& field);

// The process that owns a local stack (`mcp-harness supervise`, started by `mcp-harness up` or
// SupervisedStack): stopping it stops the stack. Key "supervisor" of the stack file.
struct SupervisorEntry {
  int pid = 0;
  std::string log;           // its stdout and stderr; empty when it writes to a terminal
  // Its start time in clock ticks since boot (/proc/<pid>/stat field 22): a pid recorded in a
  // stale stack file may belong to another process by now; this tells them apart.
  std::uint64_t start_ticks = 0;
  // The supervisor removes the run directory when it stops (it was a temporary one).
  bool removes_run_dir = false;
};

struct StackFile {
  StackMode mode = StackMode::local;
  // Key "idp"; a file without it: cognito when it names a service "cognito" and no "keycloak".
  idp::IdentityProviderKind idp = idp::IdentityProviderKind::keycloak;
  std::string realm = "mcp-demo";
  std::map<std::string, ServiceEntry> services;
  // The generated users (user0001…) the stack was provisioned with; unknown for a hand-written
  // file. Key "generated_users".
  std::optional<int> generated_users;
  // The optional services `up` left out, each with why (OPA not installed, no nginx, …): a
  // scenario about one of them says so when it is skipped. Key "services_left_out".
  std::map<std::string, std::string> services_left_out;
  std::optional<SupervisorEntry> supervisor;  // local mode under a supervisor
  // The directory of the file it was loaded from (not written); empty when parsed from text.
  std::filesystem::path directory;

  // The identity provider `idp` names (the factory's choice), and where it is: its entry.
  const idp::IdentityProvider& identity_provider() const;
  // Throws std::runtime_error when the file names no entry of the provider.
  idp::IdentityProviderSite identity_provider_site(const std::filesystem::path& fixtures_dir = {}) const;

  // A path the file names (an auth part's file): relative ones are relative to `directory`.
  std::string resolve(const std::string& path) const;

  // The one resolution of a name a scenario writes (`server: agent-bridge-mcp`, `needs:`,
  // `${url.…}`) to an entry: the entry of that name, else the one that plays it ("plays"). Empty
  // when the stack has neither.
  std::string serving(const std::string& role) const;
  // The role the entry `name` plays: its "plays", else its own name (the service table's row).
  std::string role_of(const std::string& name) const;
  // The entry serving(name) names. Throws std::runtime_error naming the missing service.
  const ServiceEntry& service(const std::string& name) const;
  // nullptr when the stack has no such service, nor an entry that plays it.
  const ServiceEntry* find_service(const std::string& name) const;
  std::string to_json() const;
  // Throws std::runtime_error naming the file, the key and what is wrong.
  static StackFile parse(const std::string& json, const std::string& origin = "stack file");
  static StackFile load(const std::filesystem::path& path);
  void save(const std::filesystem::path& path) const;
};

}  // namespace mcph::harness::stack
