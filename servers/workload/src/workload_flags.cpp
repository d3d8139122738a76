#include "workload_flags.h"

#include <cstddef>
#include <vector>

#include "mcph/jose/dpop_sabotage.h"
#include "mcph/servers/protocol_flag.h"
#include "mcph/servers/runtime.h"
#include "mcph/servers/slow_warm_path.h"

namespace mcph::workload {
namespace {

void declare_common_flags(cli::Flags& flags) {
  flags.option("port", "0", "TCP port (0 = any free port)")
      .option("host", "127.0.0.1", "address to listen on")
      .option("public-url", "", "the URL callers reach this server at, what DPoP proofs' htu name (default: its own)")
      .required("issuer", "the Keycloak realm's issuer URL, e.g. http://127.0.0.1:8080/realms/mcp-identity")
      .option("jwks-url", "", "the realm's JWKS (default: <issuer>/protocol/openid-connect/certs)")
      .option("audience", "workload-mcp", "the aud every access token must carry")
      .option("trust-domain", "mcp-identity.local", "the SPIFFE trust domain the tokens' clients (azp) must belong to")
      .required("agents-file", "the agents' trust tiers: {\"mcp\": {\"agents\": {\"<spiffe id>\": \"<tier>\"}}}")
      .required("opa-url", "the policy engine, e.g. http://127.0.0.1:8181")
      .option("decision-path", "mcp/authz/decision", "asked as POST /v1/data/<path>")
      .option("opa-deadline-ms", "500", "how long a decision may take before the call is denied")
      .option("policy-keep-ms", "0",
              "reuse a decision of the policy for the same input for this long after it was asked (0 = ask for every call)")
      .option("dpop-algs", "ES256,RS256", "the algorithms a DPoP proof may use")
      .option("dpop-replay-capacity", "10000",
              "live DPoP proofs remembered per agent against replay; beyond them the agent's calls get 429")
      .option("rate-limit", "0", "calls per agent (verified SPIFFE ID) per window (0 = unlimited)", "MCPH_RATE_LIMIT")
      .option("rate-window-ms", "1000", "rate-limit window in milliseconds", "MCPH_RATE_WINDOW_MS")
      .toggle("unsafe-spiffe-id-from-header", "UNSAFE, sabotage only: X-Spiffe-Id names the caller, and so its tier")
      .toggle("unsafe-input-without-spiffe-id", "UNSAFE, sabotage only: ask the policy with the tier, not the SPIFFE ID")
      .toggle("unsafe-no-auth", "UNSAFE, sabotage only: a request without Authorization runs its tool unasked")
      .toggle("unsafe-fail-open", "UNSAFE, sabotage only: a call is allowed when the policy engine gives no decision")
      .toggle("unsafe-shared-replay-cache",
              "UNSAFE, sabotage only: one replay cache for every agent, filled before the rate limit and the tier")
      .toggle("unsafe-unverified-token",
              "UNSAFE, sabotage only: take the access token's claims as written, its signature, issuer and audience unchecked")
      .toggle("unsafe-no-aud-check", "UNSAFE, sabotage only: accept an access token of the realm whatever its audience")
      .toggle("unsafe-uncharged-batches",
              "UNSAFE, sabotage only: a JSON-RPC batch (protocol 2025-03-26) costs one call of the agent's rate limit");
}

void declare_proof_switches(cli::Flags& flags) {
  for (const jose::DpopSabotageSwitch& each : jose::dpop_sabotage_switches()) {
    flags.toggle(each.flag, std::string("UNSAFE, sabotage only: accept ") + each.lets_through);
  }
}

std::vector<jose::Alg> proof_algs(const std::string& list) {
  const auto algs = jose::dpop_algs_from_list(list);
  if (!algs) usage_error("--dpop-algs takes asymmetric algorithms (ES256, RS256), not " + list);
  return *algs;
}

}  // namespace

void usage_error(const std::string& message) { cli::exit_with_usage_error("workload-mcp", message); }

void declare_flags(cli::Flags& flags) {
  declare_common_flags(flags);
  declare_proof_switches(flags);
  servers::declare_slow_warm_path_flag(flags);
  servers::declare_protocol_flag(flags);
}

DpopAuthSettings dpop_auth_settings(const cli::Flags& flags) {
  DpopAuthSettings auth_settings;
  auth_settings.issuer = flags.get("issuer");
  auth_settings.jwks_url = flags.get("jwks-url");
  auth_settings.audience = flags.get("audience");
  auth_settings.trust_domain = flags.get("trust-domain");
  auth_settings.proof_algs = proof_algs(flags.get("dpop-algs"));
  auth_settings.unsafe_shared_replay_cache = flags.on("unsafe-shared-replay-cache");
  auth_settings.unsafe_unverified_token = flags.on("unsafe-unverified-token");
  auth_settings.unsafe_no_aud_check = flags.on("unsafe-no-aud-check");
  for (const jose::DpopSabotageSwitch& each : jose::dpop_sabotage_switches()) {
    auth_settings.unsafe_dpop.*each.setting = flags.on(each.flag);
  }
  if (flags.get_int("dpop-replay-capacity") <= 0) usage_error("--dpop-replay-capacity must be positive");
  auth_settings.replay_capacity = static_cast<std::size_t>(flags.get_int("dpop-replay-capacity"));
  if (auth_settings.audience.empty() || auth_settings.trust_domain.empty()) {
    usage_error("--audience and --trust-domain must not be empty");
  }
  return auth_settings;
}

PolicySettings policy_settings(const cli::Flags& flags) {
  PolicySettings settings;
  settings.opa_url = flags.get("opa-url");
  settings.decision_path = flags.get("decision-path");
  settings.deadline = std::chrono::milliseconds(flags.get_int("opa-deadline-ms"));
  settings.unsafe_fail_open = flags.on("unsafe-fail-open");
  if (settings.deadline.count() <= 0) usage_error("--opa-deadline-ms must be positive");
  settings.keep_decisions = std::chrono::milliseconds(flags.get_int("policy-keep-ms"));
  if (settings.keep_decisions.count() < 0) usage_error("--policy-keep-ms must not be negative");
  return settings;
}

GateSwitches gate_switches(const cli::Flags& flags) {
  GateSwitches switches;
  switches.unsafe_no_auth = flags.on("unsafe-no-auth");
  switches.unsafe_spiffe_id_from_header = flags.on("unsafe-spiffe-id-from-header");
  switches.unsafe_input_without_spiffe_id = flags.on("unsafe-input-without-spiffe-id");
  return switches;
}

}  // namespace mcph::workload
