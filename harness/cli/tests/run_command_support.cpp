#include "run_command_support.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/supervised_stack.h"

namespace mcph::harness::cli_test {

using namespace std::chrono_literals;
proc::CommandResult harness(std::vector<std::string> args, const fs::path& working_dir,
                            std::chrono::milliseconds timeout) {
  proc::SpawnOptions spawn;
  spawn.name = "mcp-harness";
  spawn.argv = {MCPH_HARNESS_BINARY};
  spawn.argv.insert(spawn.argv.end(), args.begin(), args.end());
  // A fresh directory: no .mcp-harness of someone's `up` is found there by accident.
  spawn.working_dir = working_dir.string();
  return proc::run_command(spawn, timeout);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

proc::TempDir work_dir() {
  proc::TempDir dir("mcph-cli-run-test");
  fs::permissions(dir.path(), fs::perms::others_exec, fs::perm_options::add);
  return dir;
}

scenario::ScenarioFile scenario_file(const std::string& stem) {
  return scenario::load_scenario_file(fs::path(MCPH_SCENARIOS_DIR) / (stem + ".yaml"));
}

std::string html_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Every credential a report or trace could leak: the users' passwords and backend credentials
// (fixtures/, generated users included), the OIDC client secrets, Vault's root token.
namespace {

std::set<std::string> known_secrets() {
  std::set<std::string> secrets = {"alice123", "bob123", "carol123", "mcp-client-secret",
                                   "mcp-client-short-lived-secret", "root-token"};
  for (const fixtures::UserFixture& user : fixtures::load_users(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), 8)) {
    secrets.insert(user.password);
    if (user.jira) {
      for (const char* field : {"password", "api_token", "personal_access_token"}) {
        const fixtures::SecretFields fields = fixtures::secret_fields(*user.jira);
        if (auto it = fields.find(field); it != fields.end()) secrets.insert(it->second);
      }
    }
    if (user.github) secrets.insert(user.github->token);
  }
  return secrets;
}

}  // namespace

std::string leaked_secret(const std::string& text) {
  static const std::set<std::string> secrets = known_secrets();
  for (const std::string& secret : secrets) {
    if (text.find(secret) != std::string::npos) return secret;
  }
  static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.)");
  static const std::regex vault_token(R"(hv[sbr]\.[A-Za-z0-9_-]{20,})");
  static const std::regex database_password(R"(postgresql://[^:/\s]+:[^*@\s][^@\s]*@)");
  std::smatch match;
  for (const std::regex* pattern : {&jwt, &vault_token, &database_password}) {
    if (std::regex_search(text, match, *pattern)) return match.str();
  }
  return "";
}

std::string xmllint(const std::vector<std::string>& arguments) {
  proc::SpawnOptions spawn;
  spawn.argv = {MCPH_XMLLINT_PATH};
  spawn.argv.insert(spawn.argv.end(), arguments.begin(), arguments.end());
  proc::CommandResult result = proc::run_command(spawn, 30s);
  EXPECT_EQ(result.exit_code, 0) << "xmllint " << ::testing::PrintToString(arguments) << ":\n" << result.output;
  if (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
  return result.output;
}

bool have_xmllint() { return std::string_view(MCPH_XMLLINT_PATH).size() > 0; }

UpStack::UpStack(std::vector<std::string> flags) {
  std::vector<std::string> args = {"up", "--run-dir", run_dir.string(), "--ttl", "900"};
  args.insert(args.end(), flags.begin(), flags.end());
  up = harness(args, dir.path());
}

UpStack::~UpStack() {
  harness({"down", "--run-dir", run_dir.string()}, dir.path());
  try {
    if (fs::exists(stack_file)) stack::SupervisedStack::attach(stack_file)->stop();
  } catch (...) {
  }
}

std::string server_failures(const fs::path& run_dir) {
  std::string lines;
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with("-mcp.log")) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line) && count < 40;) {
      if (line.find("failed") == std::string::npos && line.find("cannot") == std::string::npos) continue;
      lines += name + ": " + line + "\n";
      ++count;
    }
  }
  return lines.empty() ? "(the MCP servers logged no failure)" : "the MCP servers logged:\n" + lines;
}

std::vector<std::string> lines_starting_with(const std::string& output, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

DefaultSigint::DefaultSigint() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  ::sigaction(SIGINT, &action, &saved_);
}

DefaultSigint::~DefaultSigint() { ::sigaction(SIGINT, &saved_, nullptr); }

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace mcph::harness::cli_test
