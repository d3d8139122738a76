#include "mcph/servers/runtime.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "mcph/http/json.h"
#include "mcph/http/trace_context.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/dpop_sabotage.h"
#include "mcph/mcp/tool.h"
#include "mcph/servers/http_options.h"
#include "mcph/servers/slow_warm_path.h"

namespace mcph::servers {
namespace {

using Json = nlohmann::json;

std::string_view code_of(broker::BrokerErrorCode code) {
  switch (code) {
    case broker::BrokerErrorCode::vault_unavailable: return "vault_unavailable";
    case broker::BrokerErrorCode::login_rejected: return "vault_login_rejected";
    case broker::BrokerErrorCode::exchange_refused: return "token_exchange_refused";
    case broker::BrokerErrorCode::idp_unavailable: return "identity_provider_unavailable";
    case broker::BrokerErrorCode::access_denied: return "vault_access_denied";
    case broker::BrokerErrorCode::vault_error: return "vault_error";
  }
  return "vault_error";
}

}  // namespace

void Runtime::declare_flags(cli::Flags& flags) {
  flags.option("port", "0", "TCP port (0 = any free port)")
      .option("host", "127.0.0.1", "address to listen on (0.0.0.0 only inside a container: compose mode)")
      .required("issuer", "expected token issuer, e.g. http://127.0.0.1:8080/realms/mcp-demo", "MCPH_ISSUER")
      .option("jwks-url", "", "JWKS URL (default: <issuer>/protocol/openid-connect/certs)", "MCPH_JWKS_URL")
      .option("audience", "", "audience a token must carry to be accepted here (default: this server's resource "
                              "URL, <public-url>/mcp: a token issued for another server is refused)",
              "MCPH_AUDIENCE")
      .option("scope", "", "the OAuth scope a client requests to get a token for this server, named in the "
                           "protected resource metadata and in challenges (default: the server's name)")
      .required("vault-url", "Vault address, e.g. http://127.0.0.1:8200", "VAULT_ADDR")
      .option("vault-role", "user", "Vault JWT auth role", "MCPH_VAULT_ROLE")
      .option("vault-timeout-ms", "3000", "timeout of every Vault and backend call")
      .option("rate-limit", "0", "calls per subject per window (0 = unlimited)", "MCPH_RATE_LIMIT")
      .option("rate-window-ms", "1000", "rate-limit window in milliseconds", "MCPH_RATE_WINDOW_MS")
      .option("public-url", "", "URL clients use to reach this server (default: its bound URL)")
      .option("dpop-algs", "", "the algorithms a DPoP proof of a bound token may use, or none for bearer tokens only "
                               "(default: ES256,RS256; none with --token-profile cognito)")
      .option("dpop-replay-capacity", "1000", "live DPoP proofs remembered per user (then 429 until one expires)")
      .repeated("allowed-host", "another host name accepted in Host/Origin (DNS-rebinding protection)")
      .repeated("allowed-client", "an OIDC client (azp) whose tokens are accepted; repeatable [default: mcp-client]")
      .toggle("legacy-sse", "also serve plain JSON-RPC on POST /sse, as the original demo servers did")
      .option("max-sse-streams", "1000", "open streams of the HTTP+SSE transport (GET /sse) at most")
      .option("max-sse-streams-per-user", "16", "of those, open streams of one user (token subject) at most")
      .option("write-scope", "",
              "the OAuth scope a token must also carry to call a tool that writes (create_issue); without it the "
              "call is 403 insufficient_scope (default: <scope>.write; none: no tool needs more than this server's scope)")
      .option("broader-scope", "",
              "a scope that implies the write scope (the server's scope hierarchy): a token carrying it may call the "
              "tools that write without carrying the write scope too (default: <scope>.admin; none: no hierarchy)")
      .toggle("unsafe-exact-scopes", "UNSAFE, for the harness's sabotage tests: a tool takes only the scope it names, "
                                     "never a broader one that implies it")
      .toggle("unsafe-ignore-tool-scopes", "UNSAFE, for the harness's sabotage tests: a tool that writes needs no "
                                           "scope beyond this server's")
      .option("token-profile", "oidc",
              "oidc: access tokens as Keycloak issues them (aud, typ, azp); cognito: as an Amazon Cognito user pool "
              "does (no aud; token_use access, client_id on the --allowed-client list)")
      .option("unsafe-credential-cache-key-chars", "0",
              "UNSAFE, for the harness's sabotage tests (jira-mcp, github-mcp): cache each caller's backend credential "
              "under the first N characters of its user name, so that users whose names share them share one "
              "credential (0: no cache)")
      .toggle("no-token-type-check", "UNSAFE, for the harness's sabotage tests: accept ID and refresh tokens as access tokens")
      .toggle("no-client-check", "UNSAFE, for the harness's sabotage tests: accept tokens issued to any client")
      .toggle("no-issuer-check", "UNSAFE, for the harness's sabotage tests: accept tokens of any issuer whose keys the "
                                 "JWKS holds (iss not compared with --issuer)")
      .toggle("unsafe-sse-token-on-stream-only",
              "UNSAFE, for the harness's sabotage tests: POST /messages/ (HTTP+SSE) checks no token and acts as "
              "whoever opened the session's stream")
      .toggle("unsafe-sse-session-any-user",
              "UNSAFE, for the harness's sabotage tests: POST /messages/ may name another user's session (its answer "
              "goes on that user's stream)")
      .toggle("no-request-gathering", "UNSAFE, for the harness's sabotage tests: a worker takes each request at its first "
                                      "bytes and waits for the rest, so that slow clients can hold every worker")
      .toggle("unsafe-uncharged-batches", "UNSAFE, for the harness's sabotage tests: a JSON-RPC batch (protocol "
                                          "2025-03-26) costs one call of the rate limit, whatever it holds")
      .toggle("unsafe-decode-encoded-slash", "UNSAFE, for the harness's sabotage tests: route a path's %2F as a \"/\", "
                                             "as a server behind a path-checking proxy must not")
      .option("vault-login", "exchange",
              "exchange: trade the caller's token at the identity provider for a Vault-audience token (OAuth 2.0 "
              "token exchange) and log in to Vault with that; passthrough: log in with the caller's own token "
              "(the original demo's design, which the MCP authorization spec forbids)")
      .option("realm-url", "", "the realm as this server reaches it, for the token exchange (default: the issuer)")
      .option("client-id", "", "this server's own OIDC client, for the token exchange (default: the server's name)")
      .option("client-secret", "", "its secret", "MCPH_CLIENT_SECRET")
      .option("vault-audience", "vault", "the audience Vault's JWT role is bound to")
      .toggle("debug-credentials",
              "serve GET /debug/credentials, the original demo's authentication trace (who the token says you are, "
              "your Vault entity, your secret's path, masked), behind the same checks as /mcp; off by default: "
              "each call logs in to Vault and may lease a credential");
  declare_modern_era_flags(flags);
  declare_slow_warm_path_flag(flags);
  for (const jose::DpopSabotageSwitch& each : jose::dpop_sabotage_switches()) {
    flags.toggle(each.flag, std::string("UNSAFE, for the harness's sabotage tests: accept ") + each.lets_through);
  }
}

Runtime::Runtime(const std::string& name, const cli::Flags& flags) : name_(name) {
  http::ServerOptions http_options = http_options_of(name, flags);
  http_options.gather_requests = !flags.on("no-request-gathering");
  http_options.refuse_encoded_slash = !flags.on("unsafe-decode-encoded-slash");
  // A request the HTTP layer cannot read (an Authorization line over its 8 KiB limit) is refused
  // with a bearer challenge too, not a bare 400 (RFC 6750 §3.1 invalid_request).
  http_options.malformed_request_headers = [this] {
    return http::Fields{{"WWW-Authenticate", authenticator_->challenge("invalid_request",
                                                                       "the request could not be read (a header line "
                                                                       "over 8 KiB?)")}};
  };
  http_ = std::make_unique<http::Server>(http_options);
  public_url_ = flags.get("public-url");
  debug_credentials_ = flags.on("debug-credentials");
  offline_access_in_metadata_ = flags.on("unsafe-offline-access-in-metadata");
  credential_key_chars_ = std::max(0, flags.get_int("unsafe-credential-cache-key-chars"));

  broker::AuthConfig auth;
  const std::string profile = flags.get("token-profile");
  if (profile != "oidc" && profile != "cognito") {
    cli::exit_with_usage_error(name, "--token-profile must be oidc or cognito, not '" + profile + "'");
  }
  auth.profile = profile == "cognito" ? broker::TokenProfile::cognito : broker::TokenProfile::oidc;
  auth.issuer = flags.get("issuer");
  auth.jwks_url = flags.get("jwks-url");
  auth.audience = flags.get("audience");  // empty: the resource URL, once bound (run())
  auth.scope = flags.get("scope").empty() ? name : flags.get("scope");
  if (!flags.on("unsafe-ignore-tool-scopes")) {
    const std::string write_scope = flags.get("write-scope");
    write_scope_ = write_scope.empty() ? auth.scope + ".write" : write_scope == "none" ? "" : write_scope;
  }
  const std::string broader_scope = flags.get("broader-scope");
  if (!write_scope_.empty() && broader_scope != "none") {
    broader_scope_ = broader_scope.empty() ? auth.scope + ".admin" : broader_scope;
  }
  exact_scopes_ = flags.on("unsafe-exact-scopes");
  auth.access_tokens_only = !flags.on("no-token-type-check");
  auth.allowed_clients = flags.all("allowed-client");
  if (auth.allowed_clients.empty()) auth.allowed_clients = {"mcp-client"};
  if (flags.on("no-client-check")) auth.allowed_clients.clear();
  auth.check_issuer = !flags.on("no-issuer-check");
  // Cognito issues no DPoP-bound tokens.
  const std::string dpop_algs = flags.get("dpop-algs").empty() && auth.profile == broker::TokenProfile::oidc
                                    ? "ES256,RS256" : flags.get("dpop-algs");
  if (dpop_algs.empty() || dpop_algs == "none") {
    auth.dpop_algs.clear();
  } else if (auto algs = jose::dpop_algs_from_list(dpop_algs)) {
    auth.dpop_algs = *algs;
  } else {
    cli::exit_with_usage_error(name, "--dpop-algs takes asymmetric algorithms (ES256, RS256) or none, not '" + dpop_algs + "'");
  }
  auth.dpop_replay_capacity = static_cast<std::size_t>(std::max(1, flags.get_int("dpop-replay-capacity")));
  for (const jose::DpopSabotageSwitch& each : jose::dpop_sabotage_switches()) auth.unsafe_dpop.*each.setting = flags.on(each.flag);
  authenticator_ = std::make_unique<broker::Authenticator>(auth);

  broker::BrokerConfig broker_config;
  const std::string vault_login = flags.get("vault-login");
  if (vault_login != "exchange" && vault_login != "passthrough") {
    cli::exit_with_usage_error(name, "--vault-login must be exchange or passthrough, not '" + vault_login + "'");
  }
  broker_config.vault_login =
      vault_login == "passthrough" ? broker::VaultLogin::passthrough : broker::VaultLogin::exchange;
  broker_config.realm_url = flags.get("realm-url").empty() ? flags.get("issuer") : flags.get("realm-url");
  broker_config.client_id = flags.get("client-id").empty() ? name : flags.get("client-id");
  broker_config.client_secret = flags.get("client-secret");
  broker_config.vault_audience = flags.get("vault-audience");
  if (broker_config.vault_login == broker::VaultLogin::exchange && broker_config.client_secret.empty()) {
    cli::exit_with_usage_error(name, "--client-secret (or MCPH_CLIENT_SECRET) is needed for --vault-login exchange: the server "
                      "authenticates as its own client " + broker_config.client_id + " to exchange its callers' tokens");
  }
  broker_config.vault_url = flags.get("vault-url");
  broker_config.role = flags.get("vault-role");
  broker_config.timeout = std::chrono::milliseconds(flags.get_int("vault-timeout-ms"));
  broker_ = std::make_unique<broker::CredentialBroker>(broker_config);
  rate_limiter_ = std::make_unique<broker::RateLimiter>(flags.get_int("rate-limit"),
                                                        std::chrono::milliseconds(flags.get_int("rate-window-ms")));

  mcp::ServerOptions mcp_options;
  mcp_options.name = name;
  for (const auto& host : flags.all("allowed-host")) mcp_options.allowed_hosts.push_back(host);
  if (flags.on("legacy-sse")) mcp_options.legacy_path = "/sse";
  // The HTTP+SSE transport of protocol 2024-11-05 beside Streamable HTTP: GET /sse and
  // POST /messages/?session_id=…, behind the same authentication on every request.
  mcp_options.sse_path = "/sse";
  mcp_options.max_sse_streams = static_cast<std::size_t>(std::max(1, flags.get_int("max-sse-streams")));
  mcp_options.max_sse_streams_per_subject =
      static_cast<std::size_t>(std::max(1, flags.get_int("max-sse-streams-per-user")));
  mcp_options.unsafe_sse_token_on_stream_only = flags.on("unsafe-sse-token-on-stream-only");
  mcp_options.unsafe_sse_session_any_user = flags.on("unsafe-sse-session-any-user");
  mcp_options.authenticate = [this](const http::Request& request) { return authenticate(request); };
  if (!flags.on("unsafe-uncharged-batches")) {
    mcp_options.charge_batch = [this](const mcp::Principal& who, std::size_t further) {
      return rate_limiter_->acquire(who.subject, further);
    };
  }
  mcp_options.insufficient_scope_challenge = [this](const std::string& needed) {
    return authenticator_->insufficient_scope_challenge(needed);
  };
  apply_modern_era_flags(flags, mcp_options);
  apply_slow_warm_path_flag(flags, mcp_options);
  if (flags.on("unsafe-remember-caller-by-address")) caller_by_address_ = std::make_unique<CallerByAddress>();
  mcp_ = std::make_unique<mcp::Server>(mcp_options);
  mcp::ResourceSource identity = identity_resource(name);
  mcp_->add_resources(flags.on("unsafe-cache-reads-across-users") ? cached_by_uri(std::move(identity)) : std::move(identity));
}

// The HTTP server stops first: a handler still running uses the members declared after it.
Runtime::~Runtime() {
  if (http_) http_->stop();
}

mcp::ToolDefinition Runtime::writing(mcp::ToolDefinition definition) const {
  if (!write_scope_.empty()) definition.required_scopes.push_back(write_scope_);
  return definition;
}

Authorizer Runtime::authorizer(Authorizer authorize) const {
  if (credential_key_chars_ == 0) return authorize;
  struct Cache {
    std::mutex mutex;
    std::map<std::string, std::string> by_key;
  };
  auto cache = std::make_shared<Cache>();
  const auto chars = static_cast<std::size_t>(credential_key_chars_);
  return [authorize = std::move(authorize), cache, chars](broker::CredentialBroker& broker, const broker::Principal& who) {
    const std::string key = who.username.substr(0, chars);
    {
      std::lock_guard lock(cache->mutex);
      if (const auto it = cache->by_key.find(key); it != cache->by_key.end()) return it->second;
    }
    std::string authorization = authorize(broker, who);
    std::lock_guard lock(cache->mutex);
    return cache->by_key.emplace(key, std::move(authorization)).first->second;
  };
}

void Runtime::set_credential_trace(std::function<CredentialTrace(const broker::Principal&)> trace) {
  trace_ = std::move(trace);
}

mcp::AuthResult Runtime::authenticate(const http::Request& request) {
  const bool modern = request.has_header(mcp::kMethodHeader);
  if (caller_by_address_ && modern && !request.has_header("Authorization")) {
    if (auto remembered = caller_by_address_->recall(request)) return mcp::AuthResult::allow(std::move(*remembered));
  }
  broker::AuthResult result = authenticator_->authenticate(request);
  if (!result.principal) return mcp::AuthResult::refused(result.status, result.description, result.www_authenticate);
  if (auto wait = rate_limiter_->acquire(result.principal->subject)) {
    return mcp::AuthResult::too_many_requests(static_cast<int>(wait->count()),
                                              "rate limit of " + std::to_string(rate_limiter_->limit()) +
                                                  " calls per window exceeded for this user");
  }
  if (auto refused = authenticator_->charge_proof(*result.principal)) {
    if (refused->status == 429) return mcp::AuthResult::too_many_requests(refused->retry_after, refused->description);
    return mcp::AuthResult::unauthorized(refused->www_authenticate, refused->description);
  }
  mcp::Principal principal;
  principal.subject = result.principal->subject;
  principal.scopes = with_implied_scopes(result.principal->scopes);
  principal.context = *result.principal;
  if (caller_by_address_ && modern) caller_by_address_->remember(request, principal);
  return mcp::AuthResult::allow(std::move(principal));
}

std::vector<std::string> Runtime::with_implied_scopes(std::vector<std::string> scopes) const {
  const auto has = [&scopes](const std::string& scope) {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  };
  if (!exact_scopes_ && !broader_scope_.empty() && has(broader_scope_) && !has(write_scope_)) {
    scopes.push_back(write_scope_);
  }
  return scopes;
}

void Runtime::add_endpoints() {
  http_->route("GET", "/health", [this](const http::Request&, http::Response& res) {
    http::set_json(res, 200, {{"status", "ok"}, {"server", name_}});
  });
  // RFC 9728 protected resource metadata: where clients get tokens for this server.
  std::vector<std::string> scopes = {authenticator_->config().scope};
  if (!write_scope_.empty()) scopes.push_back(write_scope_);
  if (!broader_scope_.empty()) scopes.push_back(broader_scope_);
  if (offline_access_in_metadata_) scopes.emplace_back("offline_access");
  std::vector<std::string> dpop_algs;
  for (const auto alg : authenticator_->config().dpop_algs) dpop_algs.emplace_back(jose::to_string(alg));
  resource_ = {name_, public_url_, {authenticator_->config().issuer}, std::move(scopes), std::move(dpop_algs)};
  serve_protected_resource_metadata(*http_, resource_);
  // The original demo's authentication trace, for compatibility: who the token says you are,
  // which entity Vault says you are, and which secret that gives (masked). Behind /mcp's
  // checks (Host and Origin, the token, the rate limit), as it logs in to Vault for its caller.
  if (!debug_credentials_) return;
  http_->route("GET", "/debug/credentials", [this](const http::Request& req, http::Response& res) {
    const auto admitted = mcp_->admit(req, res);
    if (!admitted) return;
    const broker::Principal& who = *admitted->context_as<broker::Principal>();
    Json body = {{"user_id", who.subject}, {"preferred_username", who.username}};
    try {
      const broker::VaultSession session = broker_->session(who);
      body["entity_id"] = session.entity_id;
      body["entity_name"] = session.entity_name;
      if (trace_) {
        const CredentialTrace trace = trace_(who);
        body["vault_path"] = trace.vault_path;
        body["secret_exists"] = trace.secret_exists;
        body["credential"] = trace.masked_credential;
      }
      http::set_json(res, 200, body);
    } catch (const broker::BrokerError& e) {
      body["error"] = std::string(code_of(e.code())) + ": " + e.what();
      http::set_json(res, e.code() == broker::BrokerErrorCode::vault_unavailable ? 503 : 502, body);
    }
  });
}

int Runtime::run() {
  add_endpoints();
  mcp_->mount(*http_);
  return http::serve_until_signal(*http_, [this] {
    if (public_url_.empty()) public_url_ = http_->url();
    resource_.public_url = public_url_;
    authenticator_->set_resource(public_url_ + "/mcp", resource_metadata_url(public_url_));
  });
}

mcp::ToolDefinition tool(std::string name, std::string description, std::string input_schema) {
  mcp::ToolDefinition definition;
  definition.name = std::move(name);
  definition.description = std::move(description);
  definition.input_schema = std::move(input_schema);
  return definition;
}

const broker::Principal& caller(const mcp::ToolContext& context) {
  const auto* principal = context.principal().context_as<broker::Principal>();
  if (!principal) throw std::logic_error("tool called without an authenticated principal");
  return *principal;
}

mcp::ToolResult broker_failure(const broker::BrokerError& error) {
  return mcp::ToolResult::error(std::string(code_of(error.code())) + ": " + error.what());
}

mcp::ToolResult with_broker(const std::function<mcp::ToolResult()>& body) {
  try {
    return body();
  } catch (const broker::BrokerError& e) {
    return broker_failure(e);
  }
}

mcp::ToolResult with_credential(broker::CredentialBroker& broker, const mcp::ToolContext& context,
                                const Authorizer& authorize, const BackendToolBody& body) {
  return with_broker([&] {
    BackendCaller backend_caller;
    backend_caller.authorization = authorize(broker, caller(context));
    backend_caller.trace = http::trace_context_of(context.http_request());
    return body(backend_caller);
  });
}

}  // namespace mcph::servers
