#include "mcph/harness/provision/agent_provisioning.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/agent_bridge/agents_file.h"
#include "mcph/harness/fixtures/agent_fixtures.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/http/url.h"
#include "mcph/openssl/crypto.h"
#include "mcph/vault/client.h"

namespace mcph::harness::provision {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kApiKeyLength = 40;
constexpr std::size_t kJwtSecretLength = 48;
// The token role's settings: what provision writes and what a re-run compares. Its children
// may carry any agent's policy of the layout, and nothing else.
Json token_role_settings(const SecretLayout& layout) {
  return {{"allowed_policies_glob", Json::array({layout.policy_glob()})},
          {"orphan", false},
          {"renewable", false},
          {"token_explicit_max_ttl", 300}};
}

class AgentProvisioner {
 public:
  AgentProvisioner(const ProvisionTarget& target, const AgentProvisionOptions& options)
      : target_(target), options_(options), vault_(target.vault_url) {
    if (options_.fixtures_dir.empty()) options_.fixtures_dir = fixtures::default_fixtures_dir();
  }

  ProvisionedAgents run() {
    if (options_.run_dir.empty()) throw std::invalid_argument("provision_agents: no run directory");
    const auto agents = fixtures::load_agent_fixtures(options_.fixtures_dir);
    const fs::path dir = options_.run_dir / "agents";
    fixtures::create_private_directory(dir);
    result_.api_keys_file = dir / "api-keys.json";
    result_.jwt_key_file = dir / "jwt-hs256.key";
    result_.agents_file = dir / "agents.txt";
    result_.clients_file = dir / "clients.json";
    result_.oauth_clients_file = dir / "oauth-clients.txt";
    result_.vault_token_file = dir / "vault-token";
    say("vault: agents' policies and secrets, token role " + std::string(kAgentTokenRole) + ", the bridge's parent token");
    secrets_and_policies(agents);
    policy(kBridgeParentPolicy, "path \"auth/token/create/" + std::string(kAgentTokenRole) + "\" { capabilities = [\"update\"] }\n");
    token_role();
    parent_token();
    local_files(agents);
    return std::move(result_);
  }

  // Each agent's policy and secrets, where the layout puts them.
  int secrets_and_policies(const std::vector<fixtures::AgentFixture>& agents) {
    const SecretLayout& layout = options_.layout;
    if (!data_of(get("sys/mounts")).contains(layout.mount + "/")) {
      throw std::runtime_error("Vault: no KV mount " + layout.mount + "/ for the agents' secrets");
    }
    for (const auto& agent : agents) {
      result_.agents.push_back(agent.name);
      policy(layout.policy_of(agent.name), agent_layout_policy_hcl(layout, agent.name, agent.scopes));
      for (const auto& [key, fields] : agent.secrets) secret(agent.name, key, Json(fields));
    }
    return result_.changes;
  }
  int secrets_only() { return secrets_and_policies(fixtures::load_agent_fixtures(options_.fixtures_dir)); }

 private:
  void say(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }
  void changed(const std::string& what) {
    ++result_.changes;
    say("  + " + what);
  }
  static const Json& data_of(const Json& body) {
    static const Json empty = Json::object();
    const auto it = body.find("data");
    return it != body.end() && it->is_object() ? *it : empty;
  }
  Json get(const std::string& path) {
    const vault::RawResponse response = vault_.request("GET", path, target_.vault_token);
    if (response.status == 404) return Json::object();
    if (response.status >= 400) {
      throw std::runtime_error("Vault: GET " + path + " answered " + std::to_string(response.status) + " " +
                               response.body.substr(0, 300));
    }
    const Json body = Json::parse(response.body, nullptr, false);
    return body.is_object() ? body : Json::object();
  }
  std::string write(const std::string& path, const Json& body, const std::string& what) {
    try {
      return vault_.call("POST", path, target_.vault_token, body.dump());
    } catch (const vault::VaultError& e) {
      throw std::runtime_error("Vault: " + what + ": " + e.what());
    }
  }

  void policy(const std::string& name, const std::string& hcl) {
    if (data_of(get("sys/policies/acl/" + name)).value("policy", "") == hcl) return;
    write("sys/policies/acl/" + name, {{"policy", hcl}}, "policy " + name);
    changed("policy " + name);
  }

  void secret(const std::string& agent, const std::string& key, const Json& fields) {
    const std::string folder = options_.layout.agent_prefix(agent);
    // Each segment encoded, as the bridge does.
    const std::string path = options_.layout.mount + "/data/" + folder + "/" + http::percent_encode_segments(key);
    if (data_of(data_of(get(path))) == fields) return;
    write(path, {{"data", fields}}, "secret " + folder + "/" + key);
    changed("secret " + folder + "/" + key);
  }

  void token_role() {
    const std::string path = "auth/token/roles/" + std::string(kAgentTokenRole);
    const Json current = data_of(get(path));
    bool same = !current.empty();
    const Json settings = token_role_settings(options_.layout);
    for (const auto& [field, value] : settings.items()) same = same && current.value(field, Json()) == value;
    if (same) return;
    write(path, settings, "token role " + std::string(kAgentTokenRole));
    changed("token role " + std::string(kAgentTokenRole));
  }

  // The parent token of an earlier run is kept while Vault knows it with the same policy.
  void parent_token() {
    if (const auto kept = fixtures::read_text_file(result_.vault_token_file)) {
      std::string token = *kept;
      while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
      const vault::RawResponse looked =
          vault_.request("POST", "auth/token/lookup", target_.vault_token, Json{{"token", token}}.dump());
      const Json body = Json::parse(looked.body, nullptr, false);
      if (looked.status == 200 && body.is_object()) {
        const Json policies = data_of(body).value("policies", Json::array());
        if (std::find(policies.begin(), policies.end(), kBridgeParentPolicy) != policies.end()) return;
      }
    }
    const Json request = {{"policies", Json::array({kBridgeParentPolicy})},
                          {"display_name", "agent-bridge-mcp"},
                          {"ttl", "768h"},
                          {"renewable", true}};
    const Json answer = Json::parse(write("auth/token/create", request, "the bridge's parent token"), nullptr, false);
    const std::string token = answer.is_object() ? answer["auth"].value("client_token", "") : "";
    if (token.empty()) throw std::runtime_error("Vault: the bridge's parent token: no client_token in the answer");
    fixtures::write_private_file(result_.vault_token_file, token + "\n");
    changed("the bridge's parent token (policy " + std::string(kBridgeParentPolicy) + ")");
  }

  // The agents' API keys and the HS256 secret are kept from an earlier run; the agents file
  // follows them.
  void local_files(const std::vector<fixtures::AgentFixture>& agents) {
    Json keys = Json::object();
    if (const auto kept = fixtures::read_text_file(result_.api_keys_file)) keys = Json::parse(*kept, nullptr, false);
    if (!keys.is_object()) keys = Json::object();
    bool new_keys = false;
    for (const auto& agent : agents) {
      if (!keys.contains(agent.name) || !keys[agent.name].is_string() || keys[agent.name].get<std::string>().empty()) {
        keys[agent.name] = openssl::random_text(kKeyAlphabet, kApiKeyLength);
        new_keys = true;
      }
    }
    if (new_keys) {
      fixtures::write_private_file(result_.api_keys_file, keys.dump(2) + "\n");
      changed("agents/api-keys.json");
    }
    const auto secret = fixtures::read_text_file(result_.jwt_key_file);
    if (!secret || secret->size() < kJwtSecretLength) {
      fixtures::write_private_file(result_.jwt_key_file, openssl::random_text(kKeyAlphabet, kJwtSecretLength) + "\n");
      changed("agents/jwt-hs256.key");
    }
    oauth_clients(agents);
    std::string lines = "# agent-id key-sha256 scope… (written by the provisioner)\n";
    for (const auto& agent : agents) {
      lines += agent.name + " " + agent_bridge::sha256_hex(keys[agent.name].get<std::string>());
      for (const auto& scope : agent.scopes) lines += " " + scope;
      lines += "\n";
    }
    if (fixtures::read_text_file(result_.agents_file) != lines) {
      fixtures::write_private_file(result_.agents_file, lines);
      changed("agents/agents.txt");
    }
  }

  // Each agent's OAuth client (its id is the agent's), its secret kept from an earlier run; the
  // bridge's clients file follows the secrets.
  void oauth_clients(const std::vector<fixtures::AgentFixture>& agents) {
    Json clients = Json::object();
    if (const auto kept = fixtures::read_text_file(result_.clients_file)) clients = Json::parse(*kept, nullptr, false);
    if (!clients.is_object()) clients = Json::object();
    bool new_secrets = false;
    for (const auto& agent : agents) {
      const Json& client = clients.contains(agent.name) ? clients[agent.name] : Json();
      if (client.is_object() && client.value("client_id", "") == agent.name && client.value("client_secret", "").size() == kApiKeyLength) continue;
      clients[agent.name] = {{"client_id", agent.name}, {"client_secret", openssl::random_text(kKeyAlphabet, kApiKeyLength)}};
      new_secrets = true;
    }
    if (new_secrets) {
      fixtures::write_private_file(result_.clients_file, clients.dump(2) + "\n");
      changed("agents/clients.json");
    }
    std::string lines = "# client-id secret-sha256 (written by the provisioner)\n";
    for (const auto& agent : agents) {
      lines += agent.name + " " + agent_bridge::sha256_hex(clients[agent.name]["client_secret"].get<std::string>()) + "\n";
    }
    if (fixtures::read_text_file(result_.oauth_clients_file) != lines) {
      fixtures::write_private_file(result_.oauth_clients_file, lines);
      changed("agents/oauth-clients.txt");
    }
  }

  ProvisionTarget target_;
  AgentProvisionOptions options_;
  vault::Client vault_;
  ProvisionedAgents result_;
};

}  // namespace

int provision_agent_secrets(const ProvisionTarget& target, const std::filesystem::path& fixtures_dir, const SecretLayout& layout) {
  AgentProvisionOptions options;
  options.fixtures_dir = fixtures_dir;
  options.layout = layout;
  try {
    return AgentProvisioner(target, options).secrets_only();
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning the agents' secrets stopped: Vault did not answer: ") + e.what());
  }
}

ProvisionedAgents provision_agents(const ProvisionTarget& target, const AgentProvisionOptions& options) {
  try {
    return AgentProvisioner(target, options).run();
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning the agents stopped: Vault did not answer: ") + e.what());
  }
}

}  // namespace mcph::harness::provision
