#include "mcph/bench/agent_servers.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/child_token.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/provision/agent_provisioning.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/jose/dpop.h"
#include "mcph/text/line_end.h"
#include "mcph/vault/client.h"
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

// The agent's DPoP proofs, each made once for one request: the next tool call's ahead of it
// (a POST to the MCP endpoint), any other on the spot.
class ProofsAhead {
 public:
  ProofsAhead(harness::scenario::BoundToken bound, std::string endpoint)
      : bound_(std::move(bound)), endpoint_(std::move(endpoint)) {}

  const std::string& access_token() const { return bound_.access_token; }
  void make_next() { next_ = make("POST", endpoint_); }

  std::string take(std::string_view method, const std::string& url) {
    std::optional<std::string> ahead = std::exchange(next_, std::nullopt);
    if (ahead && method == "POST" && url == endpoint_) return std::move(*ahead);
    return make(method, url);
  }

 private:
  std::string make(std::string_view method, const std::string& url) const {
    jose::DpopProofRequest proof;
    proof.htm = std::string(method);
    proof.htu = url;
    proof.access_token = bound_.access_token;
    return jose::create_dpop_proof(bound_.key, proof);
  }

  harness::scenario::BoundToken bound_;
  std::string endpoint_;
  std::optional<std::string> next_;
};

}  // namespace

const std::vector<McpServer>& agent_servers() {
  static const std::vector<McpServer> list = {
      {"agent-bridge-mcp", "kv.read", R"({"path":"jira"})"},
      {"workload-mcp", "filesystem", R"({"operation":"read"})"},
  };
  return list;
}

TimedClient agent_client_for(BenchStack& stack, const McpServer& server) {
  const harness::stack::ServiceEntry& entry = stack.stack().service(server.service);
  mcp::ClientOptions options;
  options.era = harness::stack::protocol_era(entry, server.service);
  TimedClient agent{mcp::Client(entry.url, options), {}};
  if (server.service == "agent-bridge-mcp") {
    const std::string key = api_key_of(entry, kBridgeAgent);
    agent.client.set_header(entry.mcp.auth->api_key->header, key);
  } else {
    auto proofs = std::make_shared<ProofsAhead>(
        harness::scenario::WorkloadClient(stack.stack()).bound_token(kWorkloadAgent), entry.url);
    agent.client.set_header("Authorization", "DPoP " + proofs->access_token());
    agent.client.set_request_headers([proofs](std::string_view method, const std::string& url) {
      return http::Fields{{"DPoP", proofs->take(method, url)}};
    });
    agent.ready_next_call = [proofs] { proofs->make_next(); };
  }
  if (const auto init = agent.client.connect(); !init.ok()) {
    throw std::runtime_error(refusal_of("initialize at " + entry.url, init));
  }
  return agent;
}

namespace {

// agent-bridge-mcp's: the child token it creates for the call from its parent token (in the
// stack's agents directory, beside the API keys), then the KV read with that child token.
std::vector<RoundTrip> bridge_round_trips(BenchStack& stack, const McpServer& server) {
  const harness::stack::ServiceEntry& entry = stack.stack().service(server.service);
  if (!entry.mcp.auth || !entry.mcp.auth->api_key) throw std::runtime_error("the stack file names no API keys for the bridge");
  const std::filesystem::path parent_token_file =
      std::filesystem::path(entry.mcp.auth->api_key->keys_file).parent_path() / "vault-token";
  const std::optional<std::string> token_file = harness::fixtures::read_text_file(parent_token_file);
  if (!token_file) throw std::runtime_error("cannot read the bridge's parent token at " + parent_token_file.string());
  const std::string parent_token = text::without_line_end(*token_file);
  const harness::stack::ServiceEntry& vault_entry = stack.stack().service("vault");
  auto client = std::make_shared<vault::Client>(vault_entry.url_for_servers.empty() ? vault_entry.url
                                                                                   : vault_entry.url_for_servers);
  const agent_bridge::ChildTokenRequest request = agent_bridge::child_token_request(
      kBridgeAgent, harness::provision::kAgentTokenRole, agent_bridge::kDefaultChildTtlSeconds, agent_bridge::kDefaultChildUses);
  auto child = std::make_shared<std::string>();
  const std::string kv_path = "secret/data/mcp/" + std::string(kBridgeAgent) + "/" +
                              nlohmann::json::parse(server.arguments)["path"].get<std::string>();
  return {{"vault_child_token", [client, request, parent_token, child]() -> std::string {
             try {
               const auto answer = nlohmann::json::parse(client->call("POST", request.path, parent_token, request.body));
               *child = answer.at("auth").at("client_token").get<std::string>();
               return {};
             } catch (const std::exception& e) {
               return std::string("the child token: ") + e.what();
             }
           }},
          {"vault_kv_read", [client, child, kv_path]() -> std::string {
             const vault::RawResponse answer = client->request("GET", kv_path, *child, "");
             return answer.status == 200 ? "" : "the KV read answered HTTP " + std::to_string(answer.status);
           }}};
}

}  // namespace

std::vector<RoundTrip> agent_round_trips(BenchStack& stack, const McpServer& server) {
  if (server.service == "agent-bridge-mcp") return bridge_round_trips(stack, server);
  return {};
}

}  // namespace mcph::bench
