#include "corpus_server.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mcph/codec/hex.h"
#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/workload_agents.h"
#include "mcph/openssl/crypto.h"

namespace mcph::harness::scenario::corpus {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Json read_json(const fs::path& path) {
  const Json json = Json::parse(read_whole(path), nullptr, false);
  if (json.is_discarded()) throw std::runtime_error(path.string() + " is not JSON");
  return json;
}

std::vector<std::string> strings(const Json& spec, const std::string& key, const fs::path& file) {
  const Json value = spec.value(key, Json::array());
  if (!value.is_array()) throw std::runtime_error(file.string() + ": " + key + " must be a list of strings");
  std::vector<std::string> out;
  for (const auto& entry : value) {
    if (!entry.is_string()) throw std::runtime_error(file.string() + ": " + key + " must be a list of strings");
    out.push_back(entry.get<std::string>());
  }
  return out;
}

const std::string kInstallCommand = "corpus/install-runtimes (or scripts/bootstrap)";

// What corpus/install-runtimes writes as a Go server's marker: `sha256sum go.mod go.sum *.go`,
// the .go files in byte order.
std::string go_sources_digest(const fs::path& dir) {
  std::vector<std::string> go_files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".go") go_files.push_back(entry.path().filename().string());
  }
  std::sort(go_files.begin(), go_files.end());
  go_files.insert(go_files.begin(), {"go.mod", "go.sum"});
  std::string digest;
  for (const auto& name : go_files) digest += codec::hex_encode(openssl::sha256(read_whole(dir / name))) + "  " + name + "\n";
  return digest;
}

}  // namespace

std::vector<ExpectedFinding> CorpusServer::expected(const std::string& variant) const {
  const fs::path file = dir / ("expected-" + variant + ".json");
  const Json all = read_json(file);
  if (!all.is_array()) throw std::runtime_error(file.string() + " must be a list of findings");
  std::vector<ExpectedFinding> out;
  for (const auto& entry : all) {
    ExpectedFinding finding{entry.value("property", ""), entry.value("scenario", ""), entry.value("why", ""),
                            entry.value("step", "")};
    if (finding.property.empty() || finding.scenario.empty() || finding.why.empty()) {
      throw std::runtime_error(file.string() + ": each finding needs property, scenario and why: " + entry.dump());
    }
    out.push_back(finding);
  }
  return out;
}

stack::StackParams corpus_stack_params(const CorpusServer& server) {
  stack::StackParams params = stack::scenario_suite_params();
  const Json stack = server.spec.value("stack", Json::object());
  const std::string where = "corpus/" + server.name + "/corpus.json: stack";
  for (const auto& [key, value] : stack.items()) {
    if (key == "idp" && value.is_string()) {
      const auto idp = idp::parse_identity_provider(value.get<std::string>());
      if (!idp) throw std::runtime_error(where + ".idp must be " + idp::identity_provider_names() + ", not " + value.dump());
      params.idp = *idp;
    } else if (key == "generated_users" && value.is_number_integer() && value.get<int>() >= 0) {
      params.generated_users = value.get<int>();
    } else if (key == "agents" && value.is_object()) {
      for (const auto& [role, id] : value.items()) {
        if (!id.is_string()) throw std::runtime_error(where + ".agents." + role + " must be a SPIFFE ID");
        params.agent_ids[role] = id.get<std::string>();
      }
    } else {
      throw std::runtime_error(where + ": no key " + key +
                               " of that type (idp: a name, generated_users: a count, agents: role → SPIFFE ID)");
    }
  }
  if (const auto why = stack::why_not_agent_ids(params)) throw std::runtime_error(where + ".agents: " + *why);
  return params;
}

std::vector<CorpusServer> find_corpus_servers(const fs::path& corpus_dir) {
  std::vector<CorpusServer> servers;
  for (const auto& entry : fs::directory_iterator(corpus_dir)) {
    const fs::path file = entry.path() / "corpus.json";
    if (!entry.is_directory() || !fs::exists(file)) continue;
    CorpusServer server{entry.path().filename().string(), entry.path(), read_json(file), {}, {}, {}, {}};
    server.suites = strings(server.spec, "suites", file);
    server.must_run = strings(server.spec, "must_run", file);
    const Json not_addressable = server.spec.value("not_addressable", Json::object());
    if (!not_addressable.is_object()) throw std::runtime_error(file.string() + ": not_addressable must map scenarios to reasons");
    for (const auto& [scenario, why] : not_addressable.items()) {
      if (!why.is_string() || why.get<std::string>().empty()) {
        throw std::runtime_error(file.string() + ": not_addressable." + scenario + " must say why");
      }
      if (std::find(server.must_run.begin(), server.must_run.end(), scenario) != server.must_run.end()) {
        throw std::runtime_error(file.string() + ": " + scenario + " is both must_run and not_addressable");
      }
      server.not_addressable[scenario] = why.get<std::string>();
    }
    if (server.suites.empty()) throw std::runtime_error(file.string() + ": no suites");
    const Json variants = server.spec.value("variants", Json::object());  // kept: items() refers to it
    if (!variants.is_object() || variants.empty()) throw std::runtime_error(file.string() + ": no variants");
    for (const auto& [name, argv] : variants.items()) server.variants[name] = strings(variants, name, file);
    const std::string runtime = server.spec.value("runtime", "");
    if (runtime != "python" && runtime != "node" && runtime != "go") {
      throw std::runtime_error(file.string() + ": runtime must be python, node or go");
    }
    servers.push_back(std::move(server));
  }
  std::sort(servers.begin(), servers.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return servers;
}

CorpusServer find_corpus_server(const fs::path& corpus_dir, const std::string& name) {
  for (auto& server : find_corpus_servers(corpus_dir)) {
    if (server.name == name) return server;
  }
  throw std::runtime_error("no corpus server " + name);
}

std::filesystem::path runtime_interpreter(const CorpusServer& server, const fs::path& corpus_dir) {
  const fs::path cache = stack::real_tier_cache_dir();
  if (server.spec.value("runtime", "") == "python") {
    const fs::path env = cache / "corpus-python";
    const fs::path marker = env / ".installed";
    if (!fs::exists(marker)) throw std::runtime_error("the corpus Python environment is not installed (" + env.string() + "): run " + kInstallCommand);
    if (read_whole(marker) != read_whole(corpus_dir / "requirements.txt")) {
      throw std::runtime_error("the corpus Python environment (" + env.string() + ") is not corpus/requirements.txt's: run " + kInstallCommand);
    }
    return env / "bin" / "python";
  }
  if (server.spec.value("runtime", "") == "go") {
    const fs::path built = cache / "corpus-go" / server.name;
    if (!fs::exists(built / ".installed") || read_whole(built / ".installed") != go_sources_digest(server.dir)) {
      throw std::runtime_error("the Go build of corpus/" + server.name + " is missing or older than its sources: run " + kInstallCommand);
    }
    return built / "server";
  }
  const fs::path marker = node_modules(server).parent_path() / ".installed";
  if (!fs::exists(marker) || read_whole(marker) != read_whole(server.dir / "package-lock.json")) {
    throw std::runtime_error("the node packages of corpus/" + server.name + " are not installed or out of date: run " + kInstallCommand);
  }
  return "node";
}

std::filesystem::path node_modules(const CorpusServer& server) {
  if (server.spec.value("runtime", "") != "node") return {};
  return stack::real_tier_cache_dir() / "corpus-node" / server.name / "node_modules";
}

}  // namespace mcph::harness::scenario::corpus
