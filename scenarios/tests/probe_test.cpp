// mcp-harness probe as a user runs it, against servers it did not configure: the reference
// servers of a local stand-in stack (jira-mcp behind a Bearer challenge, agent-bridge-mcp with an
// authorization server of its own, workload-mcp asking for DPoP) and a corpus server
// (vault-bridge-go, on the Go SDK). Each test asserts the facts the probe must find and that the
// file it writes loads as a stack file. corpus_probe_test.cpp runs what it writes for every
// corpus server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "corpus/corpus_run.h"
#include "corpus/corpus_server.h"
#include "probe_support.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/private_file.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"

namespace mcph::harness::scenario {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

proc::CommandResult probe(std::vector<std::string> args) {
  proc::SpawnOptions spawn;
  spawn.name = "mcp-harness probe";
  spawn.argv = {MCPH_HARNESS_BINARY, "probe"};
  spawn.argv.insert(spawn.argv.end(), args.begin(), args.end());
  return proc::run_command(spawn, 120s);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The probed entry as the stack-file parser reads the written file (comments and all).
stack::ServiceEntry probed_entry(const fs::path& file) {
  const stack::StackFile stack = stack::StackFile::load(file);
  EXPECT_EQ(stack.mode, stack::StackMode::external);
  return stack.service("probed-mcp");
}

class ProbeStack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack::SupervisedStackOptions options;
    stack_ = stack::SupervisedStack::start(options).release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  static const stack::StackFile& stack() { return stack_->stack(); }
  // agent-a's token from agent-bridge-mcp's own token endpoint (the client credentials grant).
  static std::string agent_token() {
    return client_credentials_token(*stack().service("agent-bridge-mcp").mcp.auth->client_credentials,
                                    stack_->stack_file().parent_path(), "agent-a", "read write list delete");
  }
  proc::TempDir dir_{"probe-test"};
  static stack::SupervisedStack* stack_;
};
stack::SupervisedStack* ProbeStack::stack_ = nullptr;

TEST(Probe, AnUnreachableUrlIsNotReachedAndWritesNothing) {
  proc::TempDir dir("probe-test");
  const std::string url = "http://127.0.0.1:" + std::to_string(proc::free_loopback_port()) + "/mcp";
  const auto out = dir.path() / "probed.json";
  const auto result = probe({url, "--out", out.string(), "--timeout-ms", "1000"});
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_THAT(result.output, HasSubstr(url + " not reached"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(Probe, HelpSaysWhatItDoesAndABadUrlIsAUsageError) {
  const auto help = probe({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("--token-command"));
  EXPECT_THAT(help.output, HasSubstr("4 when the server was not reached"));
  EXPECT_EQ(probe({"ftp://127.0.0.1/mcp"}).exit_code, 2);
  EXPECT_EQ(probe({}).exit_code, 2);
  EXPECT_EQ(probe({"http://127.0.0.1:9/mcp", "--timeout-ms", "0"}).exit_code, 2);
  EXPECT_EQ(probe({"http://127.0.0.1:9/mcp", "--token-command", "false"}).exit_code, 2);
}

// A plain REST service that publishes an OpenAPI document and a JWKS with a private key beside
// it: reached, no MCP transport (exit 4, the file still written with what was found).
TEST(Probe, AServiceWithoutMcpIsSaidSoWithItsOpenApiAndAnExposedKey) {
  http::Server service;
  service.route("GET", "/openapi.json", [](const http::Request&, http::Response& response) {
    response.set_json(200, R"({"openapi": "3.1.0", "info": {"title": "Secrets API", "version": "2"},
                              "paths": {"/secrets": {}, "/secrets/{name}": {}}})");
  });
  service.route("GET", "/.well-known/oauth-authorization-server", [](const http::Request& request, http::Response& response) {
    const std::string origin = "http://" + request.header("Host");
    response.set_json(200, Json{{"issuer", origin}, {"token_endpoint", origin + "/token"}, {"jwks_uri", origin + "/jwks"},
                                {"grant_types_supported", {"client_credentials"}}}.dump());
  });
  service.route("GET", "/jwks", [](const http::Request&, http::Response& response) {
    response.set_json(200, R"({"keys": [{"kty": "oct", "kid": "shared", "k": "c2VjcmV0"},
                                         {"kty": "RSA", "kid": "signing", "alg": "RS256", "n": "AQAB", "e": "AQAB", "d": "AQAB"}]})");
  });
  const int port = service.start();
  proc::TempDir dir("probe-test");
  const auto out = dir.path() / "rest.json";
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api";
  const auto result = probe({url, "--out", out.string()});
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_THAT(result.output, HasSubstr("transport: neither Streamable HTTP (HTTP 404"));
  EXPECT_THAT(result.output, HasSubstr("OpenAPI document at http://127.0.0.1:" + std::to_string(port) +
                                       "/openapi.json: Secrets API, 2 paths"));
  EXPECT_THAT(result.output, HasSubstr("WARNING: the JWKS at http://127.0.0.1:" + std::to_string(port) +
                                       "/jwks kid shared publishes k, kty oct"));
  EXPECT_THAT(result.output, HasSubstr("kid signing publishes d"));
  EXPECT_EQ(probed_entry(out).url, url);
  service.stop();
}

TEST_F(ProbeStack, JiraMcpWithoutATokenShowsItsBearerChallenge) {
  const auto out = dir_.path() / "jira.json";
  const auto result = probe({stack().service("jira-mcp").url, "--out", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("401 challenge: scheme Bearer"));
  EXPECT_THAT(result.output, HasSubstr("resource_metadata"));
  EXPECT_THAT(result.output, HasSubstr("protected-resource metadata (RFC 9728)"));
  EXPECT_THAT(result.output, HasSubstr("unknown (fill these in):"));
  EXPECT_THAT(result.output, HasSubstr("give a token with --token-command"));
  EXPECT_THAT(result.output, HasSubstr("nothing of family"));
  const stack::ServiceEntry entry = probed_entry(out);
  EXPECT_EQ(entry.url, stack().service("jira-mcp").url);
  EXPECT_EQ(entry.mcp.transport, "");  // not told without a credential
  EXPECT_THAT(read_file(out), HasSubstr("// unknown: "));
  struct stat info {};
  ASSERT_EQ(::stat(out.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(ProbeStack, JiraMcpWithAUsersTokenSpeaksStreamableHttpInBothErasAndNeverShowsTheToken) {
  const std::string token = stack::user_access_token(stack(), {}, "alice", "alice123");
  const auto out = dir_.path() / "jira.json";
  const auto result = probe({stack().service("jira-mcp").url, "--out", out.string(), "--token-command",
                             token_command(dir_.path(), token)});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("transport streamable-http, protocol dual"));
  EXPECT_THAT(result.output, Not(HasSubstr("also transport sse")));
  EXPECT_THAT(result.output, HasSubstr("tools/list: "));
  EXPECT_THAT(result.output, HasSubstr("get_issue"));
  EXPECT_THAT(result.output, Not(HasSubstr(token)));
  EXPECT_THAT(read_file(out), Not(HasSubstr(token)));
  const stack::ServiceEntry entry = probed_entry(out);
  EXPECT_EQ(entry.mcp.transport, "streamable-http");
  EXPECT_EQ(entry.mcp.protocol, "dual");
  EXPECT_TRUE(entry.plays.empty()) << "jira's tools are no secret store";
}

// The reference servers serve HTTP+SSE beside /mcp: GET /sse opens the stream. A POST there is
// answered as Streamable HTTP too, which a client tries first.
TEST_F(ProbeStack, JiraMcpsSseUrlServesBothTransports) {
  const std::string token = stack::user_access_token(stack(), {}, "alice", "alice123");
  const std::string mcp_url = stack().service("jira-mcp").url;
  const std::string sse_url = mcp_url.substr(0, mcp_url.rfind("/mcp")) + "/sse";
  const auto out = dir_.path() / "jira-sse.json";
  const auto result = probe({sse_url, "--out", out.string(), "--token-command", token_command(dir_.path(), token)});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("transport streamable-http, protocol legacy"));
  EXPECT_THAT(result.output, HasSubstr("also transport sse at this URL (GET opened an event stream"));
  EXPECT_THAT(result.output, HasSubstr("get_issue"));
  EXPECT_EQ(probed_entry(out).mcp.transport, "streamable-http");
}

TEST_F(ProbeStack, AgentBridgeShowsItsAuthorizationServerAndItsToolsGuessed) {
  const stack::ServiceEntry& bridge = stack().service("agent-bridge-mcp");
  ASSERT_TRUE(bridge.mcp.auth && bridge.mcp.auth->client_credentials);
  const auto out = dir_.path() / "bridge.json";
  const auto without = probe({bridge.url, "--out", out.string()});
  ASSERT_EQ(without.exit_code, 0) << without.output;
  EXPECT_THAT(without.output, HasSubstr("client_credentials"));
  const stack::ServiceEntry entry = probed_entry(out);
  ASSERT_TRUE(entry.mcp.auth && entry.mcp.auth->client_credentials);
  EXPECT_EQ(entry.mcp.auth->client_credentials->token_url, bridge.mcp.auth->client_credentials->token_url);
  EXPECT_EQ(entry.mcp.auth->client_credentials->issuer, bridge.mcp.auth->client_credentials->issuer);
  EXPECT_THAT(without.output, HasSubstr("JWKS at "));
  EXPECT_THAT(without.output, Not(HasSubstr("WARNING")));

  const std::string token = agent_token();
  const auto with = probe({bridge.url, "--out", out.string(), "--token-command", token_command(dir_.path(), token)});
  ASSERT_EQ(with.exit_code, 0) << with.output;
  EXPECT_THAT(with.output, HasSubstr("tools/list: 4 tools (kv.read, kv.write, kv.list, kv.delete)"));
  EXPECT_THAT(with.output, Not(HasSubstr(token)));
  const std::string text = read_file(out);
  EXPECT_THAT(text, HasSubstr("// GUESS: tools (from the tools' names and input schemas alone): delete = kv.delete"));
  EXPECT_THAT(text, Not(HasSubstr(token)));
  const stack::ServiceEntry guessed = probed_entry(out);
  EXPECT_EQ(guessed.plays, "agent-bridge-mcp");
  EXPECT_EQ(guessed.mcp.transport, "streamable-http");
  EXPECT_EQ(Json::parse(guessed.mcp.tools),
            Json::parse(R"({"read": {"tool": "kv.read", "args": {"secret": "path"}},
                            "write": {"tool": "kv.write", "args": {"secret": "path", "data": "data"}},
                            "list": {"tool": "kv.list", "args": {"prefix": "path"}},
                            "delete": {"tool": "kv.delete", "args": {"secret": "path"}}})"));
}

TEST_F(ProbeStack, WorkloadMcpAsksForDpopBoundTokens) {
  const stack::ServiceEntry* workload = stack().find_service("workload-mcp");
  if (!workload) GTEST_SKIP() << "this stack runs without workload-mcp (it needs OPA)";
  const auto out = dir_.path() / "workload.json";
  const auto result = probe({workload->url, "--out", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("401 challenge: scheme DPoP"));
  EXPECT_EQ(probed_entry(out).url, workload->url);
}

// A server on the MCP Go SDK the harness did not write, started as the corpus test starts it.
TEST_F(ProbeStack, VaultBridgeGoOfTheCorpusChallengesAndPointsAtItsMetadata) {
  const corpus::CorpusServer server = corpus::find_corpus_server(MCPH_CORPUS_DIR, "vault-bridge-go");
  const corpus::CorpusRun run(server, "correct", stack(), MCPH_CORPUS_DIR);
  const std::string url = run.stack_file().service("vault-bridge-go").url;
  const auto out = dir_.path() / "vault-bridge-go.json";
  const auto result = probe({url, "--out", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("401 challenge: scheme Bearer"));
  EXPECT_THAT(result.output, HasSubstr("protected-resource metadata (RFC 9728) at " + url.substr(0, url.find("/v1/mcp")) +
                                       "/.well-known/oauth-protected-resource/v1/mcp"));
  EXPECT_THAT(result.output, HasSubstr("auth: how its callers authenticate"));
  const stack::ServiceEntry entry = probed_entry(out);
  EXPECT_EQ(entry.url, url);
  EXPECT_FALSE(entry.mcp.auth) << "it publishes no authorization server";
}

}  // namespace
}  // namespace mcph::harness::scenario
