#include "mcph/bench/agent_servers.h"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/jose/dpop.h"
#include "mcph/workload/call_gate.h"
#include "mcph/workload/policy_client.h"
#include "workload_client.h"

namespace mcph::bench {
namespace {

constexpr const char* kBridgeAgent = "agent-a";
constexpr const char* kWorkloadAgent = "trusted-agent";

std::string api_key_of(const harness::stack::ServiceEntry& entry, const std::string& agent) {
  if (!entry.mcp.auth || !entry.mcp.auth->api_key) throw std::runtime_error("the stack file names no API keys for the bridge");
  std::ifstream in(entry.mcp.auth->api_key->keys_file);
  const nlohmann::json keys = nlohmann::json::parse(in, nullptr, false);
  if (!keys.is_object() || !keys.contains(agent) || !keys[agent].is_string()) {
    throw std::runtime_error("the bridge's API keys file has no key of " + agent);
  }
  return keys[agent].get<std::string>();
}

}  // namespace

const std::vector<McpServer>& agent_servers() {
  static const std::vector<McpServer> list = {
      {"agent-bridge-mcp", "kv.read", R"({"path":"jira"})"},
      {"workload-mcp", "filesystem", R"({"operation":"read"})"},
  };
  return list;
}

mcp::Client agent_client_for(BenchStack& stack, const McpServer& server) {
  const harness::stack::ServiceEntry& entry = stack.stack().service(server.service);
  mcp::Client client(entry.url);
  if (server.service == "agent-bridge-mcp") {
    const std::string key = api_key_of(entry, kBridgeAgent);
    client.set_header(entry.mcp.auth->api_key->header, key);
  } else {
    auto bound = std::make_shared<harness::scenario::BoundToken>(harness::scenario::WorkloadClient(stack.stack()).bound_token(kWorkloadAgent));
    client.set_header("Authorization", "DPoP " + bound->access_token);
    client.set_request_headers([bound](std::string_view method, const std::string& url) {
      jose::DpopProofRequest proof;
      proof.htm = std::string(method);
      proof.htu = url;
      proof.access_token = bound->access_token;
      return http::Fields{{"DPoP", jose::create_dpop_proof(bound->key, proof)}};
    });
  }
  if (const auto init = client.connect(); !init.ok()) {
    throw std::runtime_error("initialize at " + entry.url + " answered HTTP " + std::to_string(init.http_status));
  }
  return client;
}

std::vector<RoundTrip> agent_round_trips(BenchStack& stack, const McpServer& server) {
  if (server.service != "workload-mcp") return {};
  const harness::stack::ServiceEntry& opa = stack.stack().service("opa");
  workload::PolicySettings settings;
  settings.opa_url = opa.url_for_servers.empty() ? opa.url : opa.url_for_servers;
  auto policy = std::make_shared<workload::PolicyClient>(settings);
  // The input workload-mcp builds for its agent's call (the tool "filesystem", operation read).
  const nlohmann::json input = workload::verified_policy_input(
      harness::scenario::WorkloadClient(stack.stack()).spiffe_id(kWorkloadAgent), workload::ToolCall{"filesystem", "read", ""});
  return {{"opa_decision", [policy, input]() -> std::string {
             const workload::PolicyDecision decision = policy->decide(input);
             return decision.allow ? "" : "the policy did not allow the call: " + decision.reason;
           }}};
}

}  // namespace mcph::bench
