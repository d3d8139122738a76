#include "corpus_run.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <stdexcept>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/provision/agent_provisioning.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/proxy_certificates.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/harness/stack/tls_proxy.h"
#include "mcph/http/client.h"
#include "mcph/jose/key.h"
#include "mcph/openssl/crypto.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/private_file.h"
#include "mcph/proc/service.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::scenario::corpus {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string random_secret() {
  return openssl::random_text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40);
}

using AgentNames = std::map<std::string, std::string>;  // an agent → the server's own name for it

// The fixture's agents as OAuth clients under the server's names for them, each with a fresh
// secret: {"agent-a": {"client_id", "client_secret", "scopes"}} (the harness's clients_file, the
// scopes for the server's own use).
std::string agent_clients(const AgentNames& names) {
  std::ifstream in(fixtures::default_fixtures_dir() / "agents" / "agents.json");
  const Json fixture = Json::parse(in, nullptr, false);
  if (!fixture.is_object() || !fixture["agents"].is_array()) throw std::runtime_error("fixtures/agents/agents.json has no agents");
  Json clients = Json::object();
  for (const auto& agent : fixture["agents"]) {
    const std::string name = provision::server_name_of(names, agent.at("name").get<std::string>());
    clients[name] = {{"client_id", name}, {"client_secret", random_secret()}, {"scopes", agent.at("scopes")}};
  }
  return clients.dump(2);
}

// The fixture's agents' names.
std::vector<std::string> fixture_agents() {
  std::ifstream in(fixtures::default_fixtures_dir() / "agents" / "agents.json");
  const Json fixture = Json::parse(in, nullptr, false);
  if (!fixture.is_object() || !fixture["agents"].is_array()) throw std::runtime_error("fixtures/agents/agents.json has no agents");
  std::vector<std::string> names;
  for (const auto& agent : fixture["agents"]) names.push_back(agent.at("name").get<std::string>());
  return names;
}

// The fixture's agents under the server's names with fresh API keys: {"agent-a": "<key>"}, the
// harness's keys_file.
std::string agent_api_keys(const AgentNames& names) {
  Json keys = Json::object();
  for (const auto& agent : fixture_agents()) keys[provision::server_name_of(names, agent)] = random_secret();
  return keys.dump(2);
}

std::string file_of_kind(const std::string& kind, const AgentNames& names) {
  if (kind == "agent_clients") return agent_clients(names);
  if (kind == "agent_api_keys") return agent_api_keys(names);
  if (kind == "hmac_secret") return random_secret();
  if (kind == "rsa_private_key") return jose::Key::generate_rsa().private_pem();
  throw std::runtime_error("corpus.json files: no kind \"" + kind + "\" (agent_clients, agent_api_keys, hmac_secret, rsa_private_key)");
}

// The address nginx connects to the server from: the one whose identity headers it may believe.
constexpr const char* kProxyAddress = "127.0.0.2";

// The server's own policies (corpus.json "opa_policies": Rego files of its directory) put into
// the stand-in stack's OPA through its policy API, beside the reference policy, before it starts.
void load_policies(const CorpusServer& server, const stack::StackFile& local) {
  const Json files = server.spec.value("opa_policies", Json::array());
  if (files.empty()) return;
  if (!local.services.count("opa")) throw std::runtime_error("corpus/" + server.name + " needs OPA, and the stand-in stack has none");
  http::Client opa(local.service("opa").url);
  for (const auto& file : files) {
    const std::string name = file.get<std::string>();
    std::ifstream in(server.dir / name);
    if (!in) throw std::runtime_error("corpus/" + server.name + ": no policy file " + name);
    const std::string rego((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto reply = opa.request("PUT", "/v1/policies/corpus/" + server.name + "/" + name, {}, rego, "text/plain");
    if (reply.status != 200) {
      throw std::runtime_error("OPA refused corpus/" + server.name + "/" + name + " (HTTP " + std::to_string(reply.status) + "): " + reply.body);
    }
  }
}

// The fixture's agents' secrets and policies in the stand-in Vault where each entry's layout puts
// them under the server's names for its agents (an entry with neither a `secrets` layout nor names
// of its own reads agent-bridge-mcp's, which the stand-in stack already provisioned). Returns the
// names.
AgentNames provision_secrets(const std::map<std::string, stack::ServiceEntry>& entries, const stack::StackFile& local) {
  AgentNames names;
  for (const auto& [name, entry] : entries) {
    const stack::TargetProfile profile = stack::target_profile(entry, name);
    if (profile.auth) names.insert(profile.auth->names.begin(), profile.auth->names.end());
    if (entry.mcp.secrets.empty() && (!profile.auth || profile.auth->names.empty())) continue;
    provision::provision_agent_secrets(stack::provision_target(local), fixtures::default_fixtures_dir(), profile.secrets.value());
  }
  return names;
}

}  // namespace

struct CorpusRun::Impl {
  const CorpusServer& server;
  const stack::StackFile& local;
  proc::TempDir work{"mcph-corpus"};
  int port = proc::free_loopback_port();
  std::unique_ptr<proc::StartedService> process;
  std::optional<stack::TlsProxy> proxy;  // with "tls_proxy": nginx in front of the server

  Impl(const CorpusServer& s, const stack::StackFile& l) : server(s), local(l) {}

  std::string value_of(const std::string& name, const std::string& argument) const {
    if (name == "PORT") return std::to_string(port);
    if (name == "DIR") return server.dir.string();
    if (name == "WORK") return work.path().string();
    if (name == "REALM") return local.realm;
    if (name == "VAULT_TOKEN") return local.service("vault").vault.token;
    if (name == "URL") {
      const stack::ServiceEntry& service = local.service(argument);
      return service.url_for_servers.empty() ? service.url : service.url_for_servers;
    }
    // The service's own address, not its fault proxy's: what it names itself (a realm's issuer).
    if (name == "OWN_URL") return local.service(argument).url;
    // The identity provider's own fields, as the stack file's entry for it names them.
    if (name == "IDP") return idp_field(argument);
    if (name == "CLIENT_SECRET") return fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), argument);
    if (name == "PROXY_ADDRESS") return kProxyAddress;
    if (name == "PROXY_URL") {
      if (!proxy) throw std::runtime_error("corpus/" + server.name + "/corpus.json: @PROXY_URL@ without \"tls_proxy\": true");
      return proxy->url();
    }
    throw std::runtime_error("corpus/" + server.name + "/corpus.json: no placeholder @" + name + "@");
  }

  std::string idp_field(const std::string& field) const {
    const idp::IdentityProviderFields fields = local.identity_provider_site().fields;
    const std::map<std::string, std::string> known = {
        {"issuer", fields.issuer}, {"pool_id", fields.pool_id}, {"app_client_id", fields.app_client_id}};
    const auto it = known.find(field);
    if (it == known.end() || it->second.empty()) {
      throw std::runtime_error("corpus/" + server.name + "/corpus.json: @IDP:" + field + "@: the stack's " +
                               to_string(local.idp) + " names no such field (issuer, pool_id, app_client_id)");
    }
    return it->second;
  }

  // The corpus.json's stack entries, their placeholders filled.
  std::map<std::string, stack::ServiceEntry> entries() const {
    std::map<std::string, stack::ServiceEntry> out;
    for (const auto& [name, entry] : server.spec.at("stack_entries").items()) {
      out[name] = stack::parse_service_entry(fill(entry.dump()), "corpus/" + server.name + " stack_entries." + name);
    }
    return out;
  }

  // Every @NAME@ or @NAME:argument@ of `text` filled.
  std::string fill(const std::string& text) const {
    static const std::regex placeholder("@([A-Z_]+)(?::([^@\\s\"]+))?@");
    std::string out;
    std::size_t last = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder); it != std::sregex_iterator(); ++it) {
      out += text.substr(last, it->position() - last) + value_of((*it)[1].str(), (*it)[2].str());
      last = it->position() + it->length();
    }
    return out + text.substr(last);
  }
};

CorpusRun::CorpusRun(const CorpusServer& server, const std::string& variant, const stack::StackFile& local, const fs::path& corpus_dir)
    : impl_(std::make_unique<Impl>(server, local)) {
  Impl& s = *impl_;
  load_policies(server, local);
  if (server.spec.value("tls_proxy", false)) {
    // nginx in front of the server as the stack puts it in front of agent-bridge-mcp, its
    // certificates in @WORK@/tls/ (ca.pem, agents-ca.pem, agents-ca.key).
    const stack::ProxyCertificates certificates = stack::make_proxy_certificates(s.work.path());
    stack::TlsProxyOptions options;
    options.run_dir = s.work.path();
    options.upstream_url = "http://127.0.0.1:" + std::to_string(s.port);
    options.upstream_source_address = kProxyAddress;
    options.certificate_chain_file = certificates.server_certificate.string();
    options.private_key_file = certificates.server_key.string();
    options.client_ca_file = certificates.agents_ca.string();
    options.server_ca_file = certificates.ca.string();
    s.proxy.emplace(stack::TlsProxy::start(std::move(options)));
  }
  // After the proxy: an entry may name its URL.
  const AgentNames names = provision_secrets(s.entries(), local);
  const Json files = server.spec.value("files", Json::object()), env = server.spec.value("env", Json::object());
  for (const auto& [name, kind] : files.items()) {
    proc::write_private_file(s.work.path() / name, file_of_kind(kind.get<std::string>(), names));
  }
  proc::SpawnOptions spawn;
  spawn.name = server.name + " (" + variant + ")";
  spawn.argv = {runtime_interpreter(server, corpus_dir).string()};  // a Go server's own binary
  for (const auto& argument : server.spec.at("start")) spawn.argv.push_back(s.fill(argument.get<std::string>()));
  const auto& extra = server.variants.at(variant);
  spawn.argv.insert(spawn.argv.end(), extra.begin(), extra.end());
  for (const auto& [name, value] : env.items()) spawn.env.emplace_back(name, s.fill(value.get<std::string>()));
  if (const fs::path modules = node_modules(server); !modules.empty()) spawn.env.emplace_back("NODE_PATH", modules.string());
  spawn.env.emplace_back("PYTHONDONTWRITEBYTECODE", "1");  // nothing written into the source tree
  spawn.working_dir = server.dir.string();
  spawn.log_path = (s.work.path() / "server.log").string();

  proc::ReadyWhen ready;
  ready.announces = false;
  ready.url = "http://127.0.0.1:" + std::to_string(s.port);
  ready.timeout = std::chrono::seconds(30);
  // Without a health path, any answer on the port will do.
  const bool any_answer = !server.spec.contains("health");
  const std::string health = server.spec.value("health", "/");
  ready.health = proc::HealthProbe{"GET " + health, [health, any_answer](const std::string& url) -> std::optional<std::string> {
                                     try {
                                       const auto reply = http::Client(url).request("GET", health, {});
                                       if (reply.status == 200 || any_answer) return std::nullopt;
                                       return "HTTP " + std::to_string(reply.status);
                                     } catch (const std::exception& error) {
                                       return std::string(error.what());
                                     }
                                   }};
  s.process = std::make_unique<proc::StartedService>(proc::start_service(spawn, ready));
}

CorpusRun::~CorpusRun() = default;

stack::StackFile CorpusRun::stack_file() const {
  const Impl& s = *impl_;
  stack::StackFile external;
  external.mode = stack::StackMode::external;
  external.realm = s.local.realm;
  external.idp = s.local.idp;
  external.generated_users = s.local.generated_users;
  external.services = s.local.services;
  for (const auto& [name, entry] : s.server.spec.at("stack_entries").items()) {
    if (entry.contains("plays")) external.services.erase(entry["plays"].get<std::string>());
  }
  for (auto& [name, entry] : s.entries()) external.services[name] = std::move(entry);
  // The stack file's own check of every entry and its profile, as `run --stack` reads one.
  return stack::StackFile::parse(external.to_json(), "corpus/" + s.server.name + "'s stack file");
}

}  // namespace mcph::harness::scenario::corpus
