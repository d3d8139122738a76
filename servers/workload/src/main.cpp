// workload-mcp: the reference MCP server of the workload-identity design. Agents call it with
// Keycloak access tokens bound to their key (DPoP), obtained with their SPIFFE JWT-SVIDs; the
// server takes the agent's SPIFFE ID from the verified token alone, maps it to a trust tier, and
// asks OPA for every tool call, denying whenever no decision can be had.
#include <optional>
#include <utility>

#include "mcp_endpoint.h"
#include "mcph/http/json.h"
#include "mcph/http/server.h"
#include "mcph/servers/http_options.h"
#include "mcph/servers/protocol_flag.h"
#include "mcph/servers/slow_warm_path.h"
#include "workload_flags.h"

int main(int argc, char** argv) {
  using namespace mcph;
  using namespace mcph::workload;
  cli::Flags flags("workload-mcp",
                   "MCP server for agent workloads: DPoP-bound tokens of SPIFFE-authenticated clients, every tool call "
                   "decided by OPA.");
  declare_flags(flags);
  flags.parse(argc, argv);

  AgentTiers tiers;
  try {
    tiers = AgentTiers::load(flags.get("agents-file"));
  } catch (const std::exception& e) {
    usage_error(e.what());
  }
  const DpopAuthenticator auth(dpop_auth_settings(flags));
  std::optional<PolicyClient> policy;
  try {
    policy.emplace(policy_settings(flags));
  } catch (const std::invalid_argument& e) {
    usage_error(e.what());
  }
  if (flags.get_int("rate-limit") < 0 || flags.get_int("rate-window-ms") <= 0) {
    usage_error("--rate-limit must be 0 or more and --rate-window-ms positive");
  }
  broker::RateLimiter limiter(flags.get_int("rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms")));
  const CallGate gate(auth, tiers, *policy, gate_switches(flags), &limiter);

  http::ServerOptions http_options = servers::http_options_of("workload-mcp", flags);
  http::Server http(http_options);
  std::string public_url = flags.get("public-url");
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();

  mcp::ServerOptions options = mcp_options(gate, public_url, flags.on("unsafe-uncharged-batches"));
  servers::apply_slow_warm_path_flag(flags, options);
  servers::apply_protocol_flag(flags, options);
  mcp::Server mcp(std::move(options));
  add_workload_tools(mcp, gate);
  http.route("GET", "/health", [](const http::Request&, http::Response& res) {
    http::set_json(res, 200, {{"status", "ok"}, {"server", "workload-mcp"}});
  });
  mcp.mount(http);
  const int status = http::serve_until_signal(http, [&] {
    if (public_url.empty()) public_url = http.url();
  });
  http.stop();
  return status;
}
