#include "bridge_flags.h"

#include <chrono>
#include <cstdlib>

#include "mcph/jose/key.h"
#include "mcph/servers/protocol_flag.h"
#include "mcph/servers/runtime.h"
#include "mcph/servers/slow_warm_path.h"

namespace mcph::agent_bridge {
namespace {

std::shared_ptr<oidc::JwksCache> jwks_cache(const cli::Flags& flags, const std::string& url) {
  oidc::JwksCacheOptions options;
  options.min_refetch_interval = std::chrono::milliseconds(flags.get_int("jwks-refetch-ms"));
  options.max_age = std::chrono::seconds(flags.get_int("jwks-max-age"));
  options.max_stale = std::chrono::seconds(flags.get_int("jwks-max-stale"));
  return std::make_shared<oidc::JwksCache>(url, options);
}

}  // namespace

void usage_error(const std::string& message) { cli::exit_with_usage_error("agent-bridge-mcp", message); }

void declare_flags(cli::Flags& flags) {
  flags.option("port", "0", "TCP port (0 = any free port)")
      .option("host", "127.0.0.1", "address to listen on")
      .option("public-url", "", "URL clients reach this server at (its TLS proxy's), named in the protected resource "
                                "metadata (default: its bound URL)")
      .required("vault-url", "Vault address, e.g. http://127.0.0.1:8200", "VAULT_ADDR")
      .option("vault-token-file", "", "file holding the parent Vault token (else $MCPH_BRIDGE_VAULT_TOKEN)")
      .option("kv-mount", "secret", "the KV v2 mount")
      .option("child-ttl", std::to_string(kDefaultChildTtlSeconds), "TTL of each call's child token, in seconds")
      .option("child-uses", std::to_string(kDefaultChildUses), "num_uses of each call's child token")
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
      .toggle("unsafe-iss-only-when-present", "UNSAFE, sabotage only: check a JWT's iss when it has one; take one without")
      .toggle("unsafe-accept-alg-none", "UNSAFE, sabotage only: take an unsigned JWT (alg none, any case) at its word")
      .toggle("unsafe-published-jwt-secrets",
              "UNSAFE, sabotage only: also accept HS256 JWTs signed with a published default secret (jwt.io's …)")
      .toggle("unsafe-scope-substring", "UNSAFE, sabotage only: a scope containing the needed one grants it")
      .toggle("unsafe-trust-identity-headers", "UNSAFE, sabotage only: believe X-SSL-Client-* from any address, verified or not")
      .toggle("unsafe-single-pass-dotdot", "UNSAFE, sabotage only: 'confine' paths by one pass of replace(\"..\", \"\")")
      .toggle("unsafe-no-child-token", "UNSAFE, sabotage only: call KV with the parent token itself")
      .toggle("unsafe-fail-open-child-token",
              "UNSAFE, sabotage only: when Vault refuses a call's child token, call KV with the parent token instead")
      .toggle("unsafe-rate-limit-unauthenticated",
              "UNSAFE, sabotage only: a refused request spends the budget of the agent its token names")
      .toggle("unsafe-first-credential-wins", "UNSAFE, sabotage only: of several credentials, the first one decides")
      .toggle("unsafe-naive-dn-split",
              "UNSAFE, sabotage only: split the certificate's DN on ',' and '+', escapes ignored, the last CN taken")
      .toggle("unsafe-refused-credential-to-headers",
              "UNSAFE, sabotage only: a refused API key or JWT falls back to the identity headers, unchecked")
      .toggle("unsafe-other-dn-headers",
              "UNSAFE, sabotage only: read the DN under other proxies' header names too, from anyone")
      .toggle("unsafe-uncharged-batches",
              "UNSAFE, sabotage only: a JSON-RPC batch (protocol 2025-03-26) costs one call of the agent's rate limit")
      .toggle("unsafe-resource-any-agent", "UNSAFE, sabotage only: resources/read serves the agent its kv:// URI names, whoever asks")
      .toggle("unsafe-no-agent-rate-limit", "UNSAFE, sabotage only: an agent's calls are never charged to its rate limit")
      .toggle("unsafe-dpop-as-bearer", "UNSAFE, sabotage only: accept a DPoP-bound token as Bearer, without a proof")
      .toggle("unsafe-debug-calls", "UNSAFE, sabotage only: show the last tool results at GET /debug/calls, to anyone")
      .toggle("unsafe-not-found-names-vault", "UNSAFE, sabotage only: a secret not found is answered with the Vault URL asked");
  servers::declare_slow_warm_path_flag(flags);
  servers::declare_protocol_flag(flags);
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
  settings.unsafe_naive_dn_split = flags.on("unsafe-naive-dn-split");
  settings.unsafe_refused_credential_to_headers = flags.on("unsafe-refused-credential-to-headers");
  settings.unsafe_other_dn_headers = flags.on("unsafe-other-dn-headers");
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
    jwt.unsafe_iss_only_when_present = flags.on("unsafe-iss-only-when-present");
    jwt.unsafe_published_secrets = flags.on("unsafe-published-jwt-secrets");
    if (jwt.issuer.empty() || jwt.audience.empty()) usage_error("--jwt-issuer and --jwt-audience are required with JWTs");
    if (hs256) {
      jwt.alg = jose::Alg::HS256;
      jwt.shared_secret.add(jose::Jwk{jose::Key::hmac(flags.secret_file("jwt-secret-file", "JWT secret")), "", jose::Alg::HS256, "sig"});
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

KvSettings kv_settings(const cli::Flags& flags) {
  KvSettings kv;
  kv.vault_url = flags.get("vault-url");
  if (!flags.get("vault-token-file").empty()) {
    kv.parent_token = flags.secret_file("vault-token-file", "Vault token");
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
  kv.unsafe_fail_open_child_token = flags.on("unsafe-fail-open-child-token");
  kv.unsafe_resource_any_agent = flags.on("unsafe-resource-any-agent");
  kv.unsafe_not_found_names_vault = flags.on("unsafe-not-found-names-vault");
  if (flags.on("unsafe-debug-calls")) kv.unsafe_recent_calls = std::make_shared<RecentCalls>();
  kv.vault_clients = vault_clients_for(kv);
  return kv;
}

}  // namespace mcph::agent_bridge
