#include "mcph/harness/stack/stack_params.h"

#include <charconv>
#include <limits>
#include <stdexcept>

#include "mcph/cli/flags.h"
#include "mcph/harness/idp/identity_provider.h"
#include "mcph/harness/idp/keycloak_realm_export.h"
#include "mcph/harness/provision/workload_provisioning.h"
#include "mcph/mcp/client.h"
#include "mcph/spiffe/spiffe_id.h"
#include "mcph/harness/stack/workload_agents.h"

namespace mcph::harness::stack {

const char* to_string(StackMode mode) {
  switch (mode) {
    case StackMode::local: return "local";
    case StackMode::real: return "real";
    case StackMode::compose: return "compose";
    case StackMode::external: return "external";
  }
  return "?";
}

std::optional<StackMode> parse_stack_mode(std::string_view text) {
  for (StackMode mode : {StackMode::local, StackMode::real, StackMode::compose, StackMode::external}) {
    if (text == to_string(mode)) return mode;
  }
  return std::nullopt;
}

std::string RateLimit::to_string() const {
  if (requests <= 0) return "none";
  return std::to_string(requests) + "/" + std::to_string(window.count()) + "ms";
}

std::optional<RateLimit> RateLimit::parse(std::string_view text) {
  if (text == "none") return RateLimit{0, std::chrono::milliseconds(1000)};
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || !text.ends_with("ms")) return std::nullopt;
  const auto number = [](std::string_view digits) -> std::optional<long> {
    long value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || value <= 0) return std::nullopt;
    return value;
  };
  const auto requests = number(text.substr(0, slash));
  const auto window = number(text.substr(slash + 1, text.size() - slash - 3));
  if (!requests || !window || *requests > std::numeric_limits<int>::max()) return std::nullopt;
  return RateLimit{static_cast<int>(*requests), std::chrono::milliseconds(*window)};
}

std::vector<std::string> StackParams::to_flags() const {
  std::vector<std::string> flags = {"--mode",           stack::to_string(mode),
                                    "--idp",            idp::to_string(idp),
                                    "--users",          std::to_string(generated_users),
                                    "--rate-limit",     std::to_string(rate_limit.requests),
                                    "--rate-window-ms", std::to_string(rate_limit.window.count()),
                                    "--ready-timeout-ms", std::to_string(ready_timeout.count())};
  if (!fault_proxy) flags.push_back("--no-fault-proxy");
  if (!engine_socket.empty()) {
    flags.push_back("--engine-socket");
    flags.push_back(std::filesystem::absolute(engine_socket).string());
  }
  if (!protocol.empty()) {
    flags.push_back("--protocol");
    flags.push_back(protocol);
  }
  flags.push_back("--trust-domain");
  flags.push_back(trust_domain);
  for (const auto& [role, id] : agent_ids) {
    flags.push_back("--agent");
    flags.push_back(role + "=" + id);
  }
  if (!realm_file.empty()) {
    flags.push_back("--realm-file");
    flags.push_back(std::filesystem::absolute(realm_file).string());
  }
  if (!fixtures_dir.empty()) {
    flags.push_back("--fixtures");
    flags.push_back(std::filesystem::absolute(fixtures_dir).string());
  }
  return flags;
}

StackParams scenario_suite_params() {
  StackParams params;
  params.generated_users = 130;  // family 10 (load.yaml): user0009 … user0130 (120 users, 2 probe users)
  params.rate_limit = RateLimit{20, std::chrono::milliseconds(1000)};
  return params;
}

void declare_stack_flags(cli::Flags& flags, const StackParams& defaults) {
  flags.option("mode", to_string(defaults.mode),
               "local (stand-ins for Keycloak and Vault), real (the real Keycloak and Vault, installed by "
               "scripts/bootstrap --real) or compose (docker/compose.yaml; needs a Docker engine)")
      .option("idp", to_string(defaults.idp),
              "the identity provider: keycloak (a realm; the servers exchange the user's token for Vault) or "
              "cognito (an Amazon Cognito user pool, mock-cognito; no token exchange: docs/modes.md)")
      .option("users", std::to_string(defaults.generated_users),
              "generated users (user0001, ...) to provision besides alice, bob and carol")
      .option("rate-limit", std::to_string(defaults.rate_limit.requests),
              "MCP servers' per-subject request limit per window (0 = no limit)")
      .option("rate-window-ms", std::to_string(defaults.rate_limit.window.count()),
              "the rate limit's window in milliseconds")
      .option("ready-timeout-ms", std::to_string(defaults.ready_timeout.count()),
              "how long each service may take to be ready (0 = its own default: 15 s for the project's "
              "binaries, 240 s for Keycloak's JVM)")
      .toggle("no-fault-proxy",
              "start no fault proxy: the MCP servers reach Keycloak, Vault, PostgreSQL and the backends "
              "directly (latency work; the faults family then has nothing to inject faults with)")
      .option("engine-socket", defaults.engine_socket.string(),
              "compose mode: the container engine's API socket [default: $DOCKER_HOST, else Docker's "
              "/var/run/docker.sock, else podman's /run/podman/podman.sock or "
              "$XDG_RUNTIME_DIR/podman/podman.sock]")
      .option("protocol", defaults.protocol,
              "the era of MCP every MCP server the stack starts serves, and `run` speaks to it: legacy "
              "(initialize and sessions), modern (2026-07-28 alone: no session, no HTTP+SSE stream) or dual "
              "(both) [default: the servers' own, dual, and `run` speaks legacy]; local and real modes")
      .option("trust-domain", defaults.trust_domain,
              "the SPIFFE trust domain of the workload design's agents (spiffe://<trust domain>/agent/<name>), "
              "as a team's own realm names it; local and real modes")
      .repeated("agent",
                "ROLE=SPIFFE_ID: the SPIFFE ID the workload design's agent ROLE (trusted-agent, "
                "semi-trusted-agent, untrusted-agent, unlisted-agent) has, in the trust domain, where a team's IDs "
                "have another shape (spiffe://acme/ns/billing/sa/reporter); local and real modes "
                "[default: spiffe://<trust domain>/agent/ROLE]")
      .option("realm-file", defaults.realm_file.string(),
              "a Keycloak realm export (JSON) to make the stack's realm from, its settings, clients and "
              "identity providers kept: the families run on a team's own realm (docs/cli.md); "
              "local and real modes [default: the fixtures' realm]")
      .option("fixtures", defaults.fixtures_dir.string(),
              "fixtures directory [default: the source tree's fixtures/, or $MCPH_FIXTURES_DIR]");
}

StackParams stack_params_from(const cli::Flags& flags) {
  StackParams params;
  const auto mode = parse_stack_mode(flags.get("mode"));
  if (!mode) throw std::invalid_argument("--mode must be local, real or compose, not '" + flags.get("mode") + "'");
  if (*mode == StackMode::external) {
    throw std::invalid_argument("--mode external starts nothing: write a stack file and pass it with --stack");
  }
  params.mode = *mode;
  const auto idp = idp::parse_identity_provider(flags.get("idp"));
  if (!idp) throw std::invalid_argument("--idp must be " + idp::identity_provider_names() + ", not '" + flags.get("idp") + "'");
  if (const idp::IdentityProvider& provider = idp::identity_provider(*idp); !provider.administered()) {
    throw std::invalid_argument("--idp " + flags.get("idp") + " starts nothing: the harness only signs in at a provider it "
                                "does not administer; name it in an external stack file (services." + provider.service() +
                                ") and pass that with --stack");
  }
  params.idp = *idp;
  params.generated_users = flags.get_int("users");
  params.rate_limit.requests = flags.get_int("rate-limit");
  params.rate_limit.window = std::chrono::milliseconds(flags.get_int("rate-window-ms"));
  params.ready_timeout = std::chrono::milliseconds(flags.get_int("ready-timeout-ms"));
  params.fixtures_dir = flags.get("fixtures");
  params.fault_proxy = !flags.on("no-fault-proxy");
  params.engine_socket = flags.get("engine-socket");
  params.protocol = flags.get("protocol");
  if (!params.protocol.empty()) {
    try {
      (void)mcp::parse_era(params.protocol);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("--protocol must be legacy, modern or dual, not '" + params.protocol + "'");
    }
    // The images run their servers with their own command lines.
    if (params.mode == StackMode::compose) {
      throw std::invalid_argument("--protocol: compose mode's servers serve their images' era (dual)");
    }
  }
  params.trust_domain = flags.get("trust-domain");
  if (const auto why = spiffe::why_not_trust_domain(params.trust_domain)) {
    throw std::invalid_argument("--trust-domain '" + params.trust_domain + "': " + *why);
  }
  if (params.trust_domain == provision::kForeignTrustDomain) {
    throw std::invalid_argument("--trust-domain " + params.trust_domain +
                                ": the families forge another trust domain's identities in it; name any other");
  }
  if (params.mode == StackMode::compose && params.trust_domain != StackParams{}.trust_domain) {
    throw std::invalid_argument("--trust-domain: compose mode runs no trust domain (the workload design runs in local and real modes)");
  }
  for (const std::string& given : flags.all("agent")) {
    const std::size_t equals = given.find('=');
    if (equals == std::string::npos || equals == 0) throw std::invalid_argument("--agent '" + given + "': write ROLE=SPIFFE_ID");
    const std::string role = given.substr(0, equals);
    if (!params.agent_ids.emplace(role, given.substr(equals + 1)).second) {
      throw std::invalid_argument("--agent " + role + " is given twice");
    }
  }
  if (!params.agent_ids.empty() && params.mode == StackMode::compose) {
    throw std::invalid_argument("--agent: compose mode runs no trust domain (the workload design runs in local and real modes)");
  }
  if (const auto why = why_not_agent_ids(params)) throw std::invalid_argument(*why);
  params.realm_file = flags.get("realm-file");
  if (!params.realm_file.empty()) {
    if (params.idp != idp::IdentityProviderKind::keycloak) throw std::invalid_argument("--realm-file: a realm is Keycloak's");
    if (params.mode == StackMode::compose) {
      throw std::invalid_argument("--realm-file: compose mode's Keycloak imports the fixtures' realm");
    }
    if (const auto why = idp::why_not_realm_export(params.realm_file)) throw std::invalid_argument("--realm-file: " + *why);
  }
  if (params.generated_users < 0 || params.generated_users > 10000) {
    throw std::invalid_argument("--users must be between 0 and 10000");
  }
  if (params.rate_limit.requests < 0) throw std::invalid_argument("--rate-limit must not be negative");
  if (params.rate_limit.window.count() <= 0) throw std::invalid_argument("--rate-window-ms must be positive");
  if (params.ready_timeout.count() < 0) throw std::invalid_argument("--ready-timeout-ms must not be negative");
  return params;
}

}  // namespace mcph::harness::stack
