// workload-mcp: the reference MCP server of the workload-identity design. Agents call it with
// Keycloak access tokens bound to their key (DPoP), obtained with their SPIFFE JWT-SVIDs; the
// server takes the agent's SPIFFE ID from the verified token alone, maps it to a trust tier, and
// asks OPA for every tool call, denying whenever no decision can be had.
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "mcph/cli/flags.h"
#include "mcph/http/json.h"
#include "mcph/http/server.h"
#include "mcph/mcp/json.h"
#include "mcph/mcp/server.h"
#include "mcph/workload/call_gate.h"

namespace {

using namespace mcph;
using namespace mcph::workload;
using Json = nlohmann::json;

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "workload-mcp: %s\nTry 'workload-mcp --help'.\n", message.c_str());
  std::exit(2);
}

// The sabotage switches of the proof's own checks: flag, what it lets through, its setting.
struct ProofSwitch {
  const char* flag;
  const char* lets_through;
  bool UnsafeProofChecks::*setting;
};
constexpr ProofSwitch kProofSwitches[] = {
    {"unsafe-dpop-no-htm-check", "a DPoP proof made for another method", &UnsafeProofChecks::no_htm},
    {"unsafe-dpop-no-htu-check", "a DPoP proof made for another URL", &UnsafeProofChecks::no_htu},
    {"unsafe-dpop-no-iat-check", "a DPoP proof of any age", &UnsafeProofChecks::no_iat},
    {"unsafe-dpop-no-ath-check", "a DPoP proof without the presented token's hash, or with another's", &UnsafeProofChecks::no_ath},
    {"unsafe-dpop-no-typ-check", "a DPoP proof whatever its typ", &UnsafeProofChecks::no_typ},
    {"unsafe-dpop-unsigned", "an unsigned DPoP proof (alg none)", &UnsafeProofChecks::unsigned_alg},
    {"unsafe-dpop-private-jwk", "a DPoP proof whose jwk holds the private key", &UnsafeProofChecks::private_jwk},
};

void declare_flags(cli::Flags& flags) {
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
      .option("dpop-algs", "ES256,RS256", "the algorithms a DPoP proof may use")
      .option("dpop-replay-capacity", "10000",
              "live DPoP proofs remembered per agent against replay; beyond them the agent's calls get 429")
      .option("rate-limit", "0", "calls per agent (verified SPIFFE ID) per window (0 = unlimited)", "MCPH_RATE_LIMIT")
      .option("rate-window-ms", "1000", "rate-limit window in milliseconds", "MCPH_RATE_WINDOW_MS")
      .toggle("unsafe-spiffe-id-from-header", "UNSAFE, sabotage only: X-Spiffe-Id names the caller, and so its tier")
      .toggle("unsafe-input-without-spiffe-id", "UNSAFE, sabotage only: ask the policy with the tier, not the SPIFFE ID")
      .toggle("unsafe-no-auth", "UNSAFE, sabotage only: a request without Authorization runs its tool unasked")
      .toggle("unsafe-fail-open", "UNSAFE, sabotage only: a call is allowed when the policy engine gives no decision")
      .toggle("unsafe-dpop-as-bearer", "UNSAFE, sabotage only: accept a DPoP-bound token as Bearer, without a proof")
      .toggle("unsafe-shared-replay-cache",
              "UNSAFE, sabotage only: one replay cache for every agent, filled before the rate limit and the tier")
      .toggle("unsafe-no-jkt-check", "UNSAFE, sabotage only: do not compare the proof's key with the token's cnf.jkt")
      .toggle("unsafe-no-replay-check", "UNSAFE, sabotage only: accept a DPoP proof's jti again")
      .toggle("unsafe-uncharged-batches",
              "UNSAFE, sabotage only: a JSON-RPC batch (protocol 2025-03-26) costs one call of the agent's rate limit");
}

void declare_proof_switches(cli::Flags& flags) {
  for (const ProofSwitch& each : kProofSwitches) {
    flags.toggle(each.flag, std::string("UNSAFE, sabotage only: accept ") + each.lets_through);
  }
}

std::vector<jose::Alg> proof_algs(const std::string& list) {
  std::vector<jose::Alg> algs;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto alg = jose::alg_from_string(name);
    if (!alg || *alg == jose::Alg::HS256) usage_error("--dpop-algs takes asymmetric algorithms (ES256, RS256), not " + name);
    algs.push_back(*alg);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return algs;
}

Json rpc_error(const Json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

// POST /mcp/rpc: plain JSON-RPC 2.0 (tools/list, tools/call), no session: each request is one
// DPoP-proven call, and a refusal is its HTTP status.
void serve_rpc(const CallGate& gate, const std::string& htu, const http::Request& req, http::Response& res) {
  const Admission admission = gate.admit(req, htu);
  if (!admission.caller) {
    if (!admission.www_authenticate.empty()) res.set_header("WWW-Authenticate", admission.www_authenticate);
    if (admission.retry_after > 0) res.set_header("Retry-After", std::to_string(admission.retry_after));
    http::set_json(res, admission.status, rpc_error(nullptr, -32001, admission.message));
    return;
  }
  const Json request = Json::parse(req.body, nullptr, false);
  if (!request.is_object() || !request.contains("method") || !request["method"].is_string()) {
    http::set_json(res, 400, rpc_error(nullptr, -32600, "not a JSON-RPC 2.0 request"));
    return;
  }
  const Json id = request.value("id", Json());
  const std::string method = request["method"].get<std::string>();
  const Json params = request.value("params", Json::object());
  if (method == "tools/list") {
    http::set_json(res, 200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"tools", tool_list()}}}});
    return;
  }
  if (method != "tools/call" || !params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    http::set_json(res, 200, rpc_error(id, -32601, "Unknown method: " + method));
    return;
  }
  std::string error;
  const auto call = parse_tool_call(params["name"].get<std::string>(), params.value("arguments", Json::object()), error);
  if (!call) {
    http::set_json(res, 200, rpc_error(id, -32602, error));
    return;
  }
  const CallVerdict verdict = gate.authorize(admission, *call);
  if (!verdict.allow) {
    http::set_json(res, verdict.status, rpc_error(id, -32003, verdict.message));
    return;
  }
  const Json result = run_tool(*call, admission.caller->spiffe_id, admission.tier);
  http::set_json(res, 200,
                 {{"jsonrpc", "2.0"},
                  {"id", id},
                  {"result", {{"content", Json::array({{{"type", "text"}, {"text", result.dump()}}})},
                              {"structuredContent", result},
                              {"isError", false}}}});
}

// On /mcp a refusal after admission cannot change a session's HTTP status: it is a tool error
// whose text starts with its kind (denied:, policy_unavailable:).
void add_mcp_tools(mcp::Server& server, const CallGate& gate) {
  for (const auto& tool : tool_list()) {
    mcp::ToolDefinition definition;
    definition.name = tool["name"];
    definition.description = tool["description"];
    definition.input_schema = tool["inputSchema"].dump();
    const std::string name = definition.name;
    server.add_tool(definition, [&gate, name](const mcp::Arguments& args, mcp::ToolContext& context) {
      const Admission* admission = context.principal().context_as<Admission>();
      if (!admission || !admission->caller) throw mcp::ToolError("no authenticated workload");
      std::string error;
      const auto call = parse_tool_call(name, args.json(), error);
      if (!call) throw mcp::ToolError(error);
      const CallVerdict verdict = gate.authorize(*admission, *call);
      if (!verdict.allow) return mcp::ToolResult::error(verdict.message);
      return mcp::structured_result(run_tool(*call, admission->caller->spiffe_id, admission->tier));
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("workload-mcp",
                   "MCP server for agent workloads: DPoP-bound tokens of SPIFFE-authenticated clients, every tool call "
                   "decided by OPA.");
  declare_flags(flags);
  declare_proof_switches(flags);
  flags.parse(argc, argv);

  AgentTiers tiers;
  try {
    tiers = AgentTiers::load(flags.get("agents-file"));
  } catch (const std::exception& e) {
    usage_error(e.what());
  }
  DpopAuthSettings auth_settings;
  auth_settings.issuer = flags.get("issuer");
  auth_settings.jwks_url = flags.get("jwks-url");
  auth_settings.audience = flags.get("audience");
  auth_settings.trust_domain = flags.get("trust-domain");
  auth_settings.proof_algs = proof_algs(flags.get("dpop-algs"));
  auth_settings.unsafe_dpop_as_bearer = flags.on("unsafe-dpop-as-bearer");
  auth_settings.unsafe_no_jkt_check = flags.on("unsafe-no-jkt-check");
  auth_settings.unsafe_no_replay_check = flags.on("unsafe-no-replay-check");
  auth_settings.unsafe_shared_replay_cache = flags.on("unsafe-shared-replay-cache");
  for (const ProofSwitch& each : kProofSwitches) auth_settings.unsafe_proof.*each.setting = flags.on(each.flag);
  if (flags.get_int("dpop-replay-capacity") <= 0) usage_error("--dpop-replay-capacity must be positive");
  auth_settings.replay_capacity = static_cast<std::size_t>(flags.get_int("dpop-replay-capacity"));
  if (auth_settings.audience.empty() || auth_settings.trust_domain.empty()) {
    usage_error("--audience and --trust-domain must not be empty");
  }
  const DpopAuthenticator auth(auth_settings);

  PolicySettings policy_settings;
  policy_settings.opa_url = flags.get("opa-url");
  policy_settings.decision_path = flags.get("decision-path");
  policy_settings.deadline = std::chrono::milliseconds(flags.get_int("opa-deadline-ms"));
  policy_settings.unsafe_fail_open = flags.on("unsafe-fail-open");
  if (policy_settings.deadline.count() <= 0) usage_error("--opa-deadline-ms must be positive");
  std::optional<PolicyClient> policy;
  try {
    policy.emplace(policy_settings);
  } catch (const std::invalid_argument& e) {
    usage_error(e.what());
  }

  GateSwitches switches;
  switches.unsafe_no_auth = flags.on("unsafe-no-auth");
  switches.unsafe_spiffe_id_from_header = flags.on("unsafe-spiffe-id-from-header");
  switches.unsafe_input_without_spiffe_id = flags.on("unsafe-input-without-spiffe-id");
  if (flags.get_int("rate-limit") < 0 || flags.get_int("rate-window-ms") <= 0) {
    usage_error("--rate-limit must be 0 or more and --rate-window-ms positive");
  }
  broker::RateLimiter limiter(flags.get_int("rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms")));
  const CallGate gate(auth, tiers, *policy, switches, &limiter);

  http::ServerOptions http_options;
  http_options.name = "workload-mcp";
  http_options.port = flags.get_int("port");
  http_options.host = flags.get("host");
  http::Server http(http_options);
  std::string public_url = flags.get("public-url");
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();

  mcp::ServerOptions mcp_options;
  mcp_options.name = "workload-mcp";
  mcp_options.authenticate = [&gate, &public_url](const http::Request& request) {
    const Admission admission = gate.admit(request, public_url + request.path);
    if (admission.caller) {
      mcp::Principal principal;
      principal.subject = admission.anonymous ? "" : admission.caller->spiffe_id;
      principal.context = admission;
      return mcp::AuthResult::allow(std::move(principal));
    }
    if (admission.status == 429) return mcp::AuthResult::too_many_requests(admission.retry_after, admission.message);
    mcp::AuthRejection rejection;
    rejection.status = admission.status;
    rejection.message = admission.message;
    if (!admission.www_authenticate.empty()) rejection.headers.emplace_back("WWW-Authenticate", admission.www_authenticate);
    return mcp::AuthResult::reject(rejection);
  };
  if (!flags.on("unsafe-uncharged-batches")) {
    mcp_options.charge_batch = [&gate](const mcp::Principal& who, std::size_t further) {
      // The anonymous caller of unsafe-no-auth has no budget.
      return who.subject.empty() ? std::nullopt : gate.charge_batch(who.subject, further);
    };
  }
  mcp::Server mcp(mcp_options);
  add_mcp_tools(mcp, gate);

  http.route("GET", "/health", [](const http::Request&, http::Response& res) {
    http::set_json(res, 200, {{"status", "ok"}, {"server", "workload-mcp"}});
  });
  http.route("POST", "/mcp/rpc", [&](const http::Request& req, http::Response& res) {
    serve_rpc(gate, public_url + req.path, req, res);
  });
  mcp.mount(http);
  const int status = http::serve_until_signal(http, [&] {
    if (public_url.empty()) public_url = http.url();
  });
  http.stop();
  return status;
}
