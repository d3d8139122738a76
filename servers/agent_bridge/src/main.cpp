// agent-bridge-mcp: an MCP bridge to Vault for agents. An agent (API key, JWT or client
// certificate) reads and writes its own KV v2 prefix <mount>/data/mcp/<agent>/…, each call
// with a child token of the server's parent token bound to the agent's policy, so that Vault
// itself enforces the prefix.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kv_tools.h"
#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/broker/authenticator.h"
#include "mcph/agent_bridge/authorization_server.h"
#include "mcph/broker/rate_limiter.h"
#include "mcph/cli/flags.h"
#include "mcph/http/json.h"
#include "mcph/http/server.h"
#include "mcph/jose/key.h"
#include "mcph/mcp/json.h"
#include "mcph/mcp/server.h"
#include "mcph/servers/resource_metadata.h"

namespace {

using namespace mcph;
using namespace mcph::agent_bridge;
using Json = nlohmann::json;

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "agent-bridge-mcp: %s\nTry 'agent-bridge-mcp --help'.\n", message.c_str());
  std::exit(2);
}

std::string read_secret_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) usage_error(std::string("cannot read the ") + what + " file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) usage_error(std::string("the ") + what + " file " + path + " is empty");
  return secret;
}

void declare_flags(cli::Flags& flags) {
  flags.option("port", "0", "TCP port (0 = any free port)")
      .option("host", "127.0.0.1", "address to listen on")
      .option("public-url", "", "URL clients reach this server at (its TLS proxy's), named in the protected resource "
                                "metadata (default: its bound URL)")
      .required("vault-url", "Vault address, e.g. http://127.0.0.1:8200", "VAULT_ADDR")
      .option("vault-token-file", "", "file holding the parent Vault token (else $MCPH_BRIDGE_VAULT_TOKEN)")
      .option("kv-mount", "secret", "the KV v2 mount")
      .option("child-ttl", "60", "TTL of each call's child token, in seconds")
      .option("child-uses", "2", "num_uses of each call's child token")
      .option("token-role", "", "create the child tokens against this token role (auth/token/create/ROLE), so that a "
                                "parent token that is not root may give them the agents' policies")
      .option("vault-timeout-ms", "3000", "timeout of every Vault call")
      .option("agents-file", "", "agents: lines 'agent-id key-sha256-hex scope…' ('-' for no API key)")
      .toggle("api-keys", "identify agents by X-API-Key (the agents file's digests)")
      .option("jwt-secret-file", "", "identify agents by HS256 JWTs signed with the secret in this file")
      .option("jwks-url", "", "identify agents by JWTs verified against this JWKS (with --jwt-alg)")
      .option("jwt-alg", "RS256", "the one algorithm a --jwks-url token may use: RS256 or ES256")
      .option("jwt-issuer", "", "the iss every JWT must carry (required with JWTs)")
      .option("jwt-audience", "", "the aud every JWT must carry (required with JWTs)")
      .option("jwks-refetch-ms", "1000", "least interval between two JWKS fetches")
      .option("jwks-max-age", "300", "seconds a fetched JWKS is used before it is fetched again")
      .option("jwks-max-stale", "60", "seconds beyond --jwks-max-age a JWKS is still used while its refetch fails")
      .option("trusted-issuer", "", "also identify agents by the RS256 access tokens of this outside authorization server "
                                    "(e.g. a Keycloak realm whose agents are service-account clients): the client (azp) is "
                                    "the agent, which the agents file must list; the scopes are the token's")
      .option("trusted-issuer-jwks-url", "", "the JWKS of --trusted-issuer")
      .option("trusted-issuer-audience", "", "the aud every token of --trusted-issuer must carry")
      .option("trusted-proxy", "", "address of the TLS-terminating proxy whose X-SSL-Client-* headers are believed")
      .option("tls-cert", "", "serve HTTPS with this PEM certificate chain (with --tls-key and --tls-client-ca)")
      .option("tls-key", "", "the PEM private key of --tls-cert")
      .option("tls-client-ca", "", "PEM CAs every client certificate must chain to: agents are identified by "
                                   "their certificate's single CN, which the agents file must list")
      .option("rate-limit", "0", "calls per agent per window (0 = unlimited)")
      .option("unauthenticated-rate-limit", "20", "refused requests per source address per window (0 = unlimited)")
      .option("rate-window-ms", "1000", "rate-limit window in milliseconds")
      .toggle("unsafe-no-aud-check", "UNSAFE, sabotage only: accept JWTs without or with any aud")
      .toggle("unsafe-accept-alg-none", "UNSAFE, sabotage only: take an unsigned JWT (alg none, any case) at its word")
      .toggle("unsafe-published-jwt-secrets",
              "UNSAFE, sabotage only: also accept HS256 JWTs signed with a published default secret (jwt.io's …)")
      .toggle("unsafe-scope-substring", "UNSAFE, sabotage only: a scope containing the needed one grants it")
      .toggle("unsafe-trust-identity-headers", "UNSAFE, sabotage only: believe X-SSL-Client-* from any address, verified or not")
      .toggle("unsafe-single-pass-dotdot", "UNSAFE, sabotage only: 'confine' paths by one pass of replace(\"..\", \"\")")
      .toggle("unsafe-no-child-token", "UNSAFE, sabotage only: call KV with the parent token itself")
      .toggle("unsafe-rate-limit-unauthenticated",
              "UNSAFE, sabotage only: a refused request spends the budget of the agent its token names")
      .toggle("unsafe-first-credential-wins", "UNSAFE, sabotage only: of several credentials, the first one decides")
      .toggle("unsafe-uncharged-batches",
              "UNSAFE, sabotage only: a JSON-RPC batch (protocol 2025-03-26) costs one call of the agent's rate limit")
      .toggle("unsafe-dpop-as-bearer", "UNSAFE, sabotage only: accept a DPoP-bound token as Bearer, without a proof");
}

std::shared_ptr<oidc::JwksCache> jwks_cache(const cli::Flags& flags, const std::string& url) {
  oidc::JwksCacheOptions options;
  options.min_refetch_interval = std::chrono::milliseconds(flags.get_int("jwks-refetch-ms"));
  options.max_age = std::chrono::seconds(flags.get_int("jwks-max-age"));
  options.max_stale = std::chrono::seconds(flags.get_int("jwks-max-stale"));
  return std::make_shared<oidc::JwksCache>(url, options);
}

IdentitySettings identity_settings(const cli::Flags& flags, const AgentsFile& agents,
                                   std::unique_ptr<AuthorizationServer>& authorization, http::Server& http) {
  IdentitySettings settings;
  try {
    if (auto as = authorization_server_settings(flags, agents)) {
      authorization = std::make_unique<AuthorizationServer>(std::move(*as));
      authorization->mount(http);
      settings.issued = authorization->verifier();
    }
  } catch (const std::exception& e) {
    usage_error(e.what());
  }
  settings.agents = &agents;
  settings.api_keys = flags.on("api-keys");
  settings.proxy_address = flags.get("trusted-proxy");
  settings.unsafe_trust_identity_headers = flags.on("unsafe-trust-identity-headers");
  settings.unsafe_dpop_as_bearer = flags.on("unsafe-dpop-as-bearer");
  settings.unsafe_first_credential_wins = flags.on("unsafe-first-credential-wins");
  if (settings.unsafe_trust_identity_headers && settings.proxy_address.empty()) settings.proxy_address = "*";
  const bool hs256 = !flags.get("jwt-secret-file").empty();
  const bool jwks = !flags.get("jwks-url").empty();
  if (hs256 && jwks) usage_error("--jwt-secret-file and --jwks-url exclude each other: one algorithm is accepted");
  if (hs256 || jwks) {
    JwtSettings jwt;
    jwt.issuer = flags.get("jwt-issuer");
    jwt.audience = flags.get("jwt-audience");
    jwt.unsafe_no_aud_check = flags.on("unsafe-no-aud-check");
    jwt.unsafe_accept_alg_none = flags.on("unsafe-accept-alg-none");
    jwt.unsafe_published_secrets = flags.on("unsafe-published-jwt-secrets");
    if (jwt.issuer.empty() || jwt.audience.empty()) usage_error("--jwt-issuer and --jwt-audience are required with JWTs");
    if (hs256) {
      jwt.alg = jose::Alg::HS256;
      jwt.shared_secret.add(jose::Jwk{jose::Key::hmac(read_secret_file(flags.get("jwt-secret-file"), "JWT secret")), "", jose::Alg::HS256, "sig"});
    } else {
      const auto alg = jose::alg_from_string(flags.get("jwt-alg"));
      if (!alg || *alg == jose::Alg::HS256) usage_error("--jwt-alg must be RS256 or ES256");
      jwt.alg = *alg;
      jwt.jwks = jwks_cache(flags, flags.get("jwks-url"));
    }
    settings.jwt = std::move(jwt);
  }
  if (!flags.get("trusted-issuer").empty()) {
    if (flags.get("trusted-issuer-jwks-url").empty() || flags.get("trusted-issuer-audience").empty()) {
      usage_error("--trusted-issuer needs --trusted-issuer-jwks-url and --trusted-issuer-audience");
    }
    if (flags.get("agents-file").empty()) usage_error("--trusted-issuer needs --agents-file, which lists its agents");
    JwtSettings outside;
    outside.alg = jose::Alg::RS256;
    outside.issuer = flags.get("trusted-issuer");
    outside.audience = flags.get("trusted-issuer-audience");
    outside.agent_claim = "azp";
    outside.jwks = jwks_cache(flags, flags.get("trusted-issuer-jwks-url"));
    settings.trusted_issuer = std::move(outside);
  }
  settings.own_tls_client_certificates = !flags.get("tls-client-ca").empty();
  if (!settings.api_keys && !settings.jwt && !settings.issued && !settings.trusted_issuer && settings.proxy_address.empty() &&
      !settings.own_tls_client_certificates) {
    usage_error("no way to identify agents: give --api-keys, --jwt-secret-file, --jwks-url, --trusted-issuer, --trusted-proxy "
                "or --tls-client-ca");
  }
  return settings;
}

// Identification, then the rate limits: an agent's own budget for an identified agent, the
// source address's for anybody else.
class Gate {
 public:
  Gate(const cli::Flags& flags, IdentitySettings identity)
      : identity_(std::move(identity)),
        agents_(flags.get_int("rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms"))),
        anonymous_(flags.get_int("unauthenticated-rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms"))),
        unsafe_shared_budget_(flags.on("unsafe-rate-limit-unauthenticated")) {}

  struct Admission {
    std::optional<Agent> agent;
    int status = 200;
    std::string message;
    http::Fields headers;
  };

  // The further requests of an identified agent's JSON-RPC batch, on its own budget: nullopt, or
  // the Retry-After of a batch beyond it (mcp::ServerOptions::charge_batch).
  std::optional<std::chrono::seconds> charge_batch(const std::string& agent, std::size_t further_calls) {
    return agents_.acquire("agent:" + agent, further_calls);
  }

  // Where a 401's or 403's challenge sends clients (RFC 9728); set once bound, before serving.
  void set_resource_metadata_url(std::string url) { resource_metadata_url_ = std::move(url); }
  const std::string& resource_metadata_url() const { return resource_metadata_url_; }

  Admission admit(const http::Request& request) {
    const Identification who = identify(request, identity_);
    Admission admission;
    if (who.agent) {
      if (auto wait = agents_.acquire("agent:" + who.agent->id)) return too_many(*wait, "this agent's rate limit");
      admission.agent = who.agent;
      return admission;
    }
    const std::string budget = unsafe_shared_budget_ ? claimed_agent(request) : std::string();
    if (auto wait = budget.empty() ? anonymous_.acquire("addr:" + request.remote_addr) : agents_.acquire(budget)) {
      return too_many(*wait, "the rate limit of refused requests from this address");
    }
    admission.status = who.status;
    admission.message = who.description;
    if (who.status == 401) {
      admission.headers.emplace_back("WWW-Authenticate",
                                     broker::bearer_challenge(resource_metadata_url_, "", who.error, who.description));
    }
    return admission;
  }

 private:
  static Admission too_many(std::chrono::seconds wait, const std::string& what) {
    Admission admission;
    admission.status = 429;
    admission.message = what + " is exceeded";
    admission.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return admission;
  }
  // The agent a refused JWT claims to be (its unverified sub), for the sabotage switch only.
  static std::string claimed_agent(const http::Request& request) {
    const std::string authorization = request.header("Authorization");
    if (authorization.rfind("Bearer ", 0) != 0) return {};
    const auto payload = jose::unverified_payload(authorization.substr(7));
    if (!payload) return {};
    const Json claims = Json::parse(*payload, nullptr, false);
    if (!claims.is_object() || !claims.contains("sub") || !claims["sub"].is_string()) return {};
    return "agent:" + claims["sub"].get<std::string>();
  }

  IdentitySettings identity_;
  std::string resource_metadata_url_;
  broker::RateLimiter agents_, anonymous_;
  bool unsafe_shared_budget_;
};

Json rpc_error_body(const Json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

// A missing scope's 403 names the scope and, as a 401 does, the resource's metadata (RFC 9728 §5.1).
void answer_outcome(http::Response& res, const Json& id, const KvOutcome& outcome, const std::string& resource_metadata_url) {
  if (outcome.status == 403) {
    res.set_header("WWW-Authenticate", broker::bearer_challenge(resource_metadata_url, outcome.missing_scope, "insufficient_scope",
                                                                "this call needs scope " + outcome.missing_scope));
  }
  if (outcome.rpc_code != 0) {
    http::set_json(res, outcome.status, rpc_error_body(id, outcome.rpc_code, outcome.message));
  } else {
    http::set_json(res, 200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", outcome.result}});
  }
}

void serve_rpc(Gate& gate, const KvSettings& kv, const http::Request& req, http::Response& res) {
  Gate::Admission admission = gate.admit(req);
  for (auto& [name, value] : admission.headers) res.set_header(name, value);
  if (!admission.agent) {
    http::set_json(res, admission.status, rpc_error_body(nullptr, -32001, admission.message));
    return;
  }
  const Json request = Json::parse(req.body, nullptr, false);
  if (!request.is_object() || !request.contains("method") || !request["method"].is_string()) {
    http::set_json(res, 400, rpc_error_body(nullptr, -32600, "not a JSON-RPC 2.0 request"));
    return;
  }
  const Json id = request.value("id", Json());
  const std::string method = request["method"].get<std::string>();
  const Json params = request.value("params", Json::object());
  if (method == "tools/list") {
    http::set_json(res, 200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"tools", tool_list()}}}});
  } else if (method == "tools/call" && params.is_object() && params.contains("name") && params["name"].is_string()) {
    KvOutcome outcome = call_tool(kv, {*admission.agent, http::trace_context_of(req)}, params["name"].get<std::string>(),
                                  params.value("arguments", Json::object()));
    if (outcome.rpc_code == 0) {
      outcome.result = {{"content", Json::array({{{"type", "text"}, {"text", outcome.result.dump()}}})},
                        {"structuredContent", outcome.result}, {"isError", false}};
    }
    answer_outcome(res, id, outcome, gate.resource_metadata_url());
  } else if (method == "resources/read" && params.is_object() && params.contains("uri") && params["uri"].is_string()) {
    answer_outcome(res, id, read_resource(kv, {*admission.agent, http::trace_context_of(req)}, params["uri"].get<std::string>()),
                   gate.resource_metadata_url());
  } else {
    http::set_json(res, 200, rpc_error_body(id, -32601, "Unknown method: " + method));
  }
}

// On /mcp a missing scope cannot change the HTTP status of a session's answer: it is a tool
// error whose text starts with insufficient_scope.
void add_mcp_tools(mcp::Server& server, const KvSettings& kv) {
  for (const auto& tool : tool_list()) {
    mcp::ToolDefinition definition;
    definition.name = tool["name"];
    definition.description = tool["description"];
    definition.input_schema = tool["inputSchema"].dump();
    const std::string name = definition.name;
    server.add_tool(definition, [&kv, name](const mcp::Arguments& args, mcp::ToolContext& context) {
      const Agent* agent = context.principal().context_as<Agent>();
      if (!agent) throw mcp::ToolError("no authenticated agent");
      const KvOutcome outcome = call_tool(kv, {*agent, http::trace_context_of(context.http_request())}, name, args.json());
      if (outcome.rpc_code != 0) return mcp::ToolResult::error(outcome.message);
      return mcp::structured_result(outcome.result);
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("agent-bridge-mcp", "MCP bridge to Vault for agents: each agent reads and writes its own KV prefix.");
  declare_flags(flags);
  declare_authorization_server_flags(flags);
  flags.parse(argc, argv);

  const AgentsFile agents = flags.get("agents-file").empty() ? AgentsFile() : AgentsFile::load(flags.get("agents-file"));
  KvSettings kv;
  kv.vault_url = flags.get("vault-url");
  if (!flags.get("vault-token-file").empty()) {
    kv.parent_token = read_secret_file(flags.get("vault-token-file"), "Vault token");
  } else if (const char* token = std::getenv("MCPH_BRIDGE_VAULT_TOKEN"); token && *token) {
    kv.parent_token = token;
  } else {
    usage_error("no parent Vault token: give --vault-token-file or set MCPH_BRIDGE_VAULT_TOKEN");
  }
  kv.mount = flags.get("kv-mount");
  kv.child_ttl_seconds = flags.get_int("child-ttl");
  kv.child_num_uses = flags.get_int("child-uses");
  kv.token_role = flags.get("token-role");
  if (!kv.token_role.empty() && kv.token_role.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos) {
    usage_error("--token-role must be a role name (letters, digits, '-' and '_')");
  }
  kv.timeout = std::chrono::milliseconds(flags.get_int("vault-timeout-ms"));
  kv.unsafe_scope_substring = flags.on("unsafe-scope-substring");
  kv.unsafe_single_pass_dotdot = flags.on("unsafe-single-pass-dotdot");
  kv.unsafe_no_child_token = flags.on("unsafe-no-child-token");

  http::ServerOptions http_options;
  http_options.name = "agent-bridge-mcp";
  http_options.port = flags.get_int("port");
  http_options.host = flags.get("host");
  http_options.run_slots = http_options.threads;
  if (!flags.get("tls-cert").empty() || !flags.get("tls-client-ca").empty()) {
    if (flags.get("tls-cert").empty() || flags.get("tls-key").empty() || flags.get("tls-client-ca").empty()) {
      usage_error("--tls-cert, --tls-key and --tls-client-ca go together");
    }
    http::TlsOptions tls;
    tls.certificate_chain_file = flags.get("tls-cert");
    tls.private_key_file = flags.get("tls-key");
    tls.client_ca_file = flags.get("tls-client-ca");
    tls.client_verification = http::ClientVerification::required;
    http_options.tls = tls;
  }
  http::Server http(http_options);
  std::unique_ptr<AuthorizationServer> authorization;
  IdentitySettings identity = identity_settings(flags, agents, authorization, http);
  Gate gate(flags, std::move(identity));

  mcp::ServerOptions mcp_options;
  mcp_options.name = "agent-bridge-mcp";
  mcp_options.authenticate = [&gate](const http::Request& request) {
    Gate::Admission admission = gate.admit(request);
    if (admission.agent) {
      mcp::Principal principal;
      principal.subject = admission.agent->id;
      principal.context = *admission.agent;
      return mcp::AuthResult::allow(std::move(principal));
    }
    mcp::AuthRejection rejection;
    rejection.status = admission.status;
    rejection.message = admission.message;
    rejection.headers = admission.headers;
    return mcp::AuthResult::reject(rejection);
  };
  if (!flags.on("unsafe-uncharged-batches")) {
    mcp_options.charge_batch = [&gate](const mcp::Principal& who, std::size_t further) {
      return gate.charge_batch(who.subject, further);
    };
  }
  mcp::Server mcp(mcp_options);
  add_mcp_tools(mcp, kv);

  http.route("GET", "/health", [](const http::Request&, http::Response& res) {
    http::set_json(res, 200, {{"status", "ok"}, {"server", "agent-bridge-mcp"}});
  });
  http.route("POST", "/mcp/rpc", [&](const http::Request& req, http::Response& res) { serve_rpc(gate, kv, req, res); });
  mcp.mount(http);
  // The JWT issuer is an authorization server only when it is one's identifier (a URL).
  const std::string issuer = flags.get("jwt-issuer");
  servers::ProtectedResource resource{"agent-bridge-mcp", flags.get("public-url"), {}, {"read", "write", "list", "delete"}, {}};
  if (issuer.rfind("https://", 0) == 0 || issuer.rfind("http://", 0) == 0) resource.authorization_servers = {issuer};
  servers::serve_protected_resource_metadata(http, resource);
  const int status = http::serve_until_signal(http, [&] {
    if (resource.public_url.empty()) resource.public_url = http.url();
    gate.set_resource_metadata_url(servers::resource_metadata_url(resource.public_url));
  });
  http.stop();
  return status;
}
