// `mcp-harness probe` against each corpus server's correct variant, as the server's team would use
// it: the file it writes, with only what it lists as unknown filled in (from the server's
// corpus.json, which says what the team knows of its own server), runs the server's suites with
// the verdict the corpus expects of that variant: no finding, every must-run scenario reaching a
// verdict. A key the server's entry needs that the probe neither wrote nor listed as unknown fails
// the test, named. A file that reads back as the written one is not run again: the Corpus test
// runs that variant with it.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "corpus/corpus_run.h"
#include "corpus/corpus_server.h"
#include "corpus/corpus_verdict.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/auth_profile.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/text/join.h"
#include "probe_support.h"
#include "sabotage_verdicts.h"

namespace mcph::harness::scenario::corpus {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Json = nlohmann::json;

std::vector<std::string> server_names() {
  std::vector<std::string> names;
  for (const auto& server : find_corpus_servers(MCPH_CORPUS_DIR)) names.push_back(server.name);
  return names;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The keys each `// unknown:` line of a probed file names ("tools.refusals: its words for …" →
// tools.refusals): the keys a user fills in.
std::set<std::string> unknown_keys(const std::string& probed) {
  static const std::regex line(R"(// unknown: ([a-z_*]+(?:\.[a-z_*]+)*(?:, [a-z_*]+(?:\.[a-z_*]+)*)*): )");
  std::set<std::string> keys;
  for (auto it = std::sregex_iterator(probed.begin(), probed.end(), line); it != std::sregex_iterator(); ++it) {
    std::stringstream list((*it)[1].str());
    for (std::string key; std::getline(list, key, ',');) keys.insert(key.substr(key.find_first_not_of(' ')));
  }
  return keys;
}

std::vector<std::string> split_path(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream in(key);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

// Copies `known`'s value at `path` into `entry` (a `*` segment: each key `entry` has there), or
// removes it from `entry` when `known` has none: the server's team fills in what it knows.
void fill(Json& entry, const Json& known, const std::vector<std::string>& path, std::size_t at = 0) {
  const std::string& part = path[at];
  if (part == "*") {
    if (!entry.is_object()) return;
    for (auto& [key, value] : entry.items()) {
      std::vector<std::string> concrete = path;
      concrete[at] = key;
      fill(entry, known, concrete, at);
    }
    return;
  }
  const bool last = at + 1 == path.size();
  const bool known_has = known.is_object() && known.contains(part);
  if (last) {
    if (known_has) entry[part] = known.at(part);
    else if (entry.is_object()) entry.erase(part);
    return;
  }
  if (!known_has) return;
  if (!entry.contains(part) || !entry.at(part).is_object()) entry[part] = Json::object();
  fill(entry[part], known.at(part), path, at + 1);
}

proc::CommandResult probe(const std::string& url, const std::string& name, const fs::path& out,
                          const std::string& token_command) {
  proc::SpawnOptions spawn;
  spawn.name = "mcp-harness probe";
  spawn.argv = {MCPH_HARNESS_BINARY, "probe", url, "--name", name, "--out", out.string()};
  if (!token_command.empty()) spawn.argv.insert(spawn.argv.end(), {"--token-command", token_command});
  return proc::run_command(spawn, 120s);
}

// The token a team probing its server has at hand: a user's (alice's) for a server its users
// call, an agent's (agent-a's) from an authorization server of its own; none for a server whose
// agents present API keys, their own signed JWTs, certificates or DPoP-bound tokens, which
// --token-command cannot give.
std::string probe_token(const CorpusServer& server, const stack::StackFile& stack, const stack::ServiceEntry& entry) {
  const std::string design = server.spec.at("design").get<std::string>();
  if (design == "user-keycloak-vault" || design == "cognito-sse") {
    return stack::user_access_token(stack, {}, "alice", "alice123");
  }
  if (entry.mcp.auth && entry.mcp.auth->client_credentials) {
    const std::string agent = stack::auth_profile(*entry.mcp.auth, "auth").name_of("agent-a");  // as the server names it
    return client_credentials_token(*entry.mcp.auth->client_credentials, stack.directory, agent, "read write list delete");
  }
  return "";
}

class ProbedCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(ProbedCorpus, FilledInWhereItSaysUnknownRunsWithTheCorrectVariantsVerdict) {
  const CorpusServer server = find_corpus_server(MCPH_CORPUS_DIR, GetParam());
  stack::SupervisedStackOptions options;
  options.stack = corpus_stack_params(server);
  const auto local = stack::SupervisedStack::start(options);
  const CorpusRun run(server, "correct", local->stack(), MCPH_CORPUS_DIR);
  const stack::StackFile corpus_stack = run.stack_file();
  Json all = Json::parse(corpus_stack.to_json());
  const proc::TempDir dir("corpus-probe");

  for (const auto& [name, unused] : server.spec.at("stack_entries").items()) {
    const Json known = all["services"][name];
    const fs::path out = dir.path() / (name + ".json");
    const std::string token = probe_token(server, corpus_stack, corpus_stack.service(name));
    const auto result = probe(known.at("url").get<std::string>(), name, out,
                              token.empty() ? "" : token_command(dir.path(), token));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const std::string probed = read_file(out);
    std::cout << "probe of " << name << ":\n" << probed;
    Json entry = Json::parse(probed, nullptr, true, true).at("services").at(name);
    const std::set<std::string> unknown = unknown_keys(probed);
    for (const auto& key : unknown) {
      if (key.rfind("services.", 0) != 0) fill(entry, known, split_path(key));
    }
    std::vector<std::string> neither;
    for (const auto& [key, value] : server.spec["stack_entries"][name].items()) {
      if (!entry.contains(key)) neither.push_back(key);
    }
    EXPECT_TRUE(neither.empty()) << name << ": keys its entry needs that the probe neither wrote nor listed as unknown: "
                                 << text::join(neither, ", ");
    all["services"][name] = entry;
  }

  stack::StackFile filled = stack::StackFile::parse(all.dump(), "filled.json");
  filled.directory = corpus_stack.directory;  // where the corpus run keeps the agents' files
  // The probe found what the server's team wrote: the run would be Corpus's own of this variant
  // (Servers/Corpus.ReportsExactlyTheExpectedFindings/<server>_correct), which judges it.
  if (filled.to_json() == corpus_stack.to_json()) {
    std::cout << "corpus/" << server.name << ": the probed file, filled in, is the written one; its verdict is the "
              << "Corpus test's of the correct variant\n";
    return;
  }
  ScenarioRunner runner(filled);
  const CorpusVerdict verdict = judge(run_suites(runner, server.suites), server.expected("correct"), server.must_run,
                                      server.not_addressable);
  std::cout << "corpus/" << server.name << " correct, probed and filled in:\n" << verdict.summary();
  EXPECT_TRUE(verdict.false_positives.empty()) << "false positives: the summary above lists them with their evidence";
  EXPECT_TRUE(verdict.not_run.empty()) << "must-run scenarios skipped or undecided: the summary above lists them";
}

INSTANTIATE_TEST_SUITE_P(Servers, ProbedCorpus, ::testing::ValuesIn(server_names()), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

}  // namespace
}  // namespace mcph::harness::scenario::corpus
