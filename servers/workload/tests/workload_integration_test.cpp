// workload-mcp end to end: mock-keycloak and mock-spiffe in process (the realm mcp-identity with
// the SPIFFE provider and one federated client per agent, named by its SPIFFE ID), a policy
// engine in process that records what it is asked and can fail every way, and servers started
// per test with the flags under test. Every DPoP refusal and every --unsafe-* switch has a test;
// the real OPA with the trust-tier policy has its own, skipped, saying why, without it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/key.h"
#include "mcph/mock_keycloak/mock_keycloak.h"
#include "mcph/mock_spiffe/mock_spiffe.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/service.h"
#include "mcph/sync/unix_time.h"

namespace mcph::workload {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kRealm = "mcp-identity";
const std::string kTrusted = "spiffe://mcp-identity.local/agent/trusted-agent";
const std::string kUntrusted = "spiffe://mcp-identity.local/agent/untrusted-agent";
const std::string kStranger = "spiffe://mcp-identity.local/agent/stranger";  // a client, but no tier

// A policy engine in process: it allows a call only for the trusted agent, records every input,
// and fails as told. `hold`: it keeps each request unanswered until release() (or 10 s), so a
// test sees whether the server answered while the engine still held its question.
class FakeOpa {
 public:
  enum class Mode { decide, hold, undefined, not_json, error };
  FakeOpa() {
    server_.route("POST", "/v1/data/mcp/authz/decision", [this](const http::Request& req, http::Response& res) {
      {
        std::lock_guard lock(mutex_);
        inputs_.push_back(Json::parse(req.body, nullptr, false).value("input", Json()));
      }
      switch (mode_.load()) {
        case Mode::hold: {
          std::unique_lock lock(mutex_);
          ++holding_;
          released_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
          --holding_;
          res.set_json(200, R"({"result":{"allow":true,"reason":"allowed"}})");
          return;
        }
        case Mode::undefined: res.set_json(200, "{}"); return;
        case Mode::not_json: res.set_json(200, "<html>allow</html>"); return;
        case Mode::error: res.set_json(500, R"({"code":"internal_error"})"); return;
        case Mode::decide: break;
      }
      const Json input = inputs_.back();
      const bool allow = input.value("spiffe_id", "") == kTrusted;
      res.set_json(200, Json{{"result", {{"allow", allow}, {"reason", allow ? "allowed" : "not the trusted agent"}}}}.dump());
    });
    server_.start();
  }
  ~FakeOpa() { release(); }
  std::string url() const { return server_.url(); }
  void set(Mode mode) { mode_ = mode; }
  int holding() const {
    std::lock_guard lock(mutex_);
    return holding_;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_cv_.notify_all();
  }
  Json last_input() const {
    std::lock_guard lock(mutex_);
    return inputs_.empty() ? Json() : inputs_.back();
  }
  std::size_t asked() const {
    std::lock_guard lock(mutex_);
    return inputs_.size();
  }

 private:
  static http::ServerOptions options() {
    http::ServerOptions options;
    options.name = "fake-opa";
    options.access_log = false;
    return options;
  }
  http::Server server_{options()};
  std::atomic<Mode> mode_{Mode::decide};
  mutable std::mutex mutex_;
  std::vector<Json> inputs_;
  std::condition_variable released_cv_;
  bool released_ = false;
  int holding_ = 0;
};

// A proof request or a tampering with the fields `edit` sets, the others left as they are.
template <class Edit>
jose::DpopProofRequest proof_request(Edit edit) {
  jose::DpopProofRequest request;
  edit(request);
  return request;
}
template <class Edit>
jose::DpopProofTampering tampered(Edit edit) {
  jose::DpopProofTampering tampering;
  edit(tampering);
  return tampering;
}
jose::DpopProofRequest honest(const std::string& htm, const std::string& htu, std::optional<std::string> token = {}) {
  return proof_request([&](auto& r) {
    r.htm = htm;
    r.htu = htu;
    r.access_token = std::move(token);
  });
}

struct Reply {
  int status = 0;
  Json body;
  std::string www_authenticate;
};

// An agent: its DPoP key and its bound access token.
struct Agent {
  std::string spiffe_id;
  jose::Key key = jose::Key::generate_ec_p256();
  std::string token;
};

class WorkloadMcp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mock_keycloak::Options kc;
    kc.access_log = false;
    keycloak_ = new mock_keycloak::MockKeycloak(kc);
    keycloak_->start();
    mock_spiffe::Options td;
    td.workloads = {"trusted-agent", "untrusted-agent", "stranger"};
    td.access_log = false;
    spiffe_ = new mock_spiffe::MockSpiffe(td);
    spiffe_->start();
    opa_ = new FakeOpa();
    provision();
    dir_ = new fs::path(fs::temp_directory_path() / ("workload-mcp-test-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    std::ofstream(*dir_ / "agents.json") << Json{{"mcp", {{"agents", {{kTrusted, "trusted"}, {kUntrusted, "untrusted"}}}}}}.dump();
  }
  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(*dir_);
    delete dir_;
    delete opa_;
    delete spiffe_;
    delete keycloak_;
  }

  static std::string issuer() { return keycloak_->url() + "/realms/" + kRealm; }

  static std::string admin_token() {
    http::Client client(keycloak_->url());
    const auto reply = client.post("/realms/master/protocol/openid-connect/token",
                                   http::form_encode({{"grant_type", "password"}, {"client_id", "admin-cli"},
                                                      {"username", "admin"}, {"password", "admin"}}),
                                   "application/x-www-form-urlencoded");
    return Json::parse(reply.body).at("access_token");
  }

  static void admin_post(const std::string& path, const Json& body) {
    http::Client client(keycloak_->url());
    const auto reply = client.post("/admin/realms" + path, body.dump(), "application/json",
                                   {{"Authorization", "Bearer " + admin_token()}});
    ASSERT_EQ(reply.status, 201) << path << ": " << reply.body;
  }

  // The realm, the SPIFFE provider and a federated client per agent, named by its SPIFFE ID,
  // whose tokens carry the audience workload-mcp.
  static void provision() {
    admin_post("", {{"realm", kRealm}, {"enabled", true}});
    admin_post(std::string("/") + kRealm + "/identity-provider/instances",
               {{"alias", "spiffe"}, {"providerId", "spiffe"},
                {"config", {{"trustDomain", "spiffe://mcp-identity.local"}, {"bundleEndpoint", spiffe_->url() + "/"}}}});
    for (const auto& id : {kTrusted, kUntrusted, kStranger}) {
      admin_post(std::string("/") + kRealm + "/clients",
                 {{"clientId", id},
                  {"clientAuthenticatorType", "federated-jwt"},
                  {"serviceAccountsEnabled", true},
                  {"standardFlowEnabled", false},
                  {"attributes", {{"jwt.credential.issuer", "spiffe"}, {"jwt.credential.sub", id}}},
                  {"protocolMappers",
                   {{{"name", "workload-mcp audience"},
                     {"protocol", "openid-connect"},
                     {"protocolMapper", "oidc-audience-mapper"},
                     {"config", {{"included.custom.audience", "workload-mcp"}, {"access.token.claim", "true"}}}}}}});
    }
  }

  // The agent's SVID traded at the token endpoint, with a proof by its key.
  static Agent agent(const std::string& spiffe_id) {
    Agent agent;
    agent.spiffe_id = spiffe_id;
    http::Client td(spiffe_->url());
    const auto svid = td.post("/_svid", Json{{"spiffe_id", spiffe_id}, {"audience", issuer()}}.dump(), "application/json");
    EXPECT_EQ(svid.status, 200) << svid.body;
    const std::string token_url = issuer() + "/protocol/openid-connect/token";
    http::Client kc(keycloak_->url());
    const auto reply = kc.post("/realms/" + std::string(kRealm) + "/protocol/openid-connect/token",
                               http::form_encode({{"grant_type", "client_credentials"},
                                                  {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"},
                                                  {"client_assertion", Json::parse(svid.body)["svids"][0]["svid"]}}),
                               "application/x-www-form-urlencoded",
                               {{"DPoP", jose::create_dpop_proof(agent.key, honest("POST", token_url))}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    agent.token = Json::parse(reply.body).value("access_token", "");
    return agent;
  }

  static proc::StartedService start_server(const std::vector<std::string>& extra = {}, std::string opa_url = {}) {
    proc::SpawnOptions spawn;
    spawn.name = "workload-mcp";
    spawn.argv = {WORKLOAD_MCP_PATH, "--port", "0", "--issuer", issuer(), "--agents-file", (*dir_ / "agents.json").string(),
                  "--opa-url", opa_url.empty() ? opa_->url() : opa_url, "--opa-deadline-ms", "300"};
    spawn.argv.insert(spawn.argv.end(), extra.begin(), extra.end());
    return proc::start_service(spawn);
  }

  void SetUp() override {
    opa_->set(FakeOpa::Mode::decide);
    if (!server_) server_ = std::make_unique<proc::StartedService>(start_server());
  }

  static std::string call_body(const std::string& tool, const std::string& operation) {
    return Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"},
                {"params", {{"name", tool}, {"arguments", {{"operation", operation}, {"target", "notes"}}}}}}
        .dump();
  }

  static Reply post(const std::string& url, const http::Fields& headers, const std::string& body) {
    http::Client client(url);
    const auto reply = client.post("/mcp/rpc", body, "application/json", headers);
    return {reply.status, Json::parse(reply.body, nullptr, false), reply.header("WWW-Authenticate")};
  }

  // A call with the DPoP scheme and a proof of `request` (htm, htu and ath filled in unless given).
  static Reply call(const proc::StartedService& server, const Agent& agent, jose::DpopProofRequest request = {},
                    const jose::DpopProofTampering& tampering = {}, const jose::Key* proof_key = nullptr,
                    const std::string& tool = "filesystem", const std::string& operation = "read") {
    if (request.htm.empty()) request.htm = "POST";
    if (request.htu.empty()) request.htu = server.url + "/mcp/rpc";
    if (!request.access_token) request.access_token = agent.token;
    const std::string proof = jose::create_dpop_proof(proof_key ? *proof_key : agent.key, request, tampering);
    return post(server.url, {{"Authorization", "DPoP " + agent.token}, {"DPoP", proof}}, call_body(tool, operation));
  }
  static Reply call(const Agent& agent, jose::DpopProofRequest request = {}, const jose::DpopProofTampering& tampering = {},
                    const jose::Key* proof_key = nullptr) {
    return call(*server_, agent, std::move(request), tampering, proof_key);
  }

  static void expect_proof_refused(const Reply& reply, const std::string& check) {
    EXPECT_EQ(reply.status, 401) << reply.body.dump();
    EXPECT_THAT(reply.www_authenticate, StartsWith("DPoP algs=\"ES256 RS256\", error=\"invalid_dpop_proof\""));
    EXPECT_THAT(reply.www_authenticate, HasSubstr("(" + check + ")"));
  }

  static inline mock_keycloak::MockKeycloak* keycloak_ = nullptr;
  static inline mock_spiffe::MockSpiffe* spiffe_ = nullptr;
  static inline FakeOpa* opa_ = nullptr;
  static inline fs::path* dir_ = nullptr;
  static inline std::unique_ptr<proc::StartedService> server_;
};

TEST_F(WorkloadMcp, AProvenCallRunsItsToolAndThePolicyIsAskedWithVerifiedFactsOnly) {
  const Agent trusted = agent(kTrusted);
  const Reply reply = call(trusted);
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const Json result = reply.body["result"]["structuredContent"];
  EXPECT_EQ(result["agent"], kTrusted);
  EXPECT_EQ(result["tier"], "trusted");
  EXPECT_EQ(result["tool"], "filesystem");
  EXPECT_EQ(opa_->last_input(), (Json{{"spiffe_id", kTrusted}, {"operation", "read"}, {"tool", "filesystem"}, {"verified", true}}));
}

TEST_F(WorkloadMcp, ThePolicysDenyIsA403WithItsReason) {
  const Reply reply = call(agent(kUntrusted));
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body["error"]["message"], "denied: not the trusted agent");
  EXPECT_EQ(opa_->last_input()["spiffe_id"], kUntrusted);
}

TEST_F(WorkloadMcp, AnAgentWithoutATierIsRefusedBeforeThePolicyIsAsked) {
  const Agent stranger = agent(kStranger);
  const std::size_t asked = opa_->asked();
  const Reply reply = call(stranger);
  EXPECT_EQ(reply.status, 403);
  EXPECT_THAT(reply.body["error"]["message"].get<std::string>(), StartsWith("unknown_agent: " + kStranger));
  EXPECT_EQ(opa_->asked(), asked);
}

// Prompt without a clock: the deny for an engine that does not answer arrives while the engine
// still holds the question, and an engine that answers nonsense is asked once, not again.
TEST_F(WorkloadMcp, EveryPolicyFailureIsAPromptDeny) {
  const Agent trusted = agent(kTrusted);
  for (const auto mode : {FakeOpa::Mode::hold, FakeOpa::Mode::undefined, FakeOpa::Mode::not_json, FakeOpa::Mode::error}) {
    opa_->set(mode);
    const std::size_t asked = opa_->asked();
    const Reply reply = call(trusted);
    if (mode == FakeOpa::Mode::hold) {
      EXPECT_EQ(opa_->holding(), 1) << "the server waited for the policy engine beyond its deadline";
      opa_->release();
    }
    EXPECT_EQ(opa_->asked(), asked + 1) << static_cast<int>(mode);
    EXPECT_EQ(reply.status, 503) << static_cast<int>(mode);
    EXPECT_THAT(reply.body["error"]["message"].get<std::string>(), StartsWith("policy_unavailable: "));
    EXPECT_FALSE(reply.body.contains("result"));
  }
  const auto down = start_server({}, "http://127.0.0.1:" + std::to_string(proc::free_loopback_port()));
  const Reply reply = call(down, trusted);
  EXPECT_EQ(reply.status, 503);
  EXPECT_THAT(reply.body["error"]["message"].get<std::string>(), StartsWith("policy_unavailable: "));
}

// With --policy-keep-ms, the same question within that time is answered from the decision kept,
// another question is asked, and once the time is up a failing engine denies the call again.
TEST_F(WorkloadMcp, AKeptDecisionAnswersTheSameQuestionOnlyForItsTime) {
  const auto keeping = start_server({"--policy-keep-ms", "1500"});
  const Agent trusted = agent(kTrusted);
  const std::size_t asked = opa_->asked();
  ASSERT_EQ(call(keeping, trusted).status, 200);
  EXPECT_EQ(opa_->asked(), asked + 1);
  opa_->set(FakeOpa::Mode::error);
  const Reply again = call(keeping, trusted);
  EXPECT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(opa_->asked(), asked + 1) << "the same question was asked again";
  const Reply other = call(keeping, trusted, {}, {}, nullptr, "api", "write");
  EXPECT_EQ(other.status, 503) << "another question answered from a kept decision: " << other.body.dump();
  EXPECT_EQ(opa_->asked(), asked + 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  const Reply later = call(keeping, trusted);
  EXPECT_EQ(later.status, 503) << "a decision used past its time: " << later.body.dump();
  EXPECT_EQ(opa_->asked(), asked + 3);
}

TEST_F(WorkloadMcp, ANegativeKeepingTimeIsRefused) {
  proc::SpawnOptions spawn;
  spawn.name = "workload-mcp";
  spawn.argv = {WORKLOAD_MCP_PATH, "--issuer", issuer(), "--agents-file", (*dir_ / "agents.json").string(),
                "--opa-url", opa_->url(), "--policy-keep-ms", "-1"};
  const proc::CommandResult refused = proc::run_command(spawn);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("--policy-keep-ms must not be negative"));
}

// The limit is the verified agent's: beyond it a call is refused with Retry-After before any
// decision, and another agent's call is still decided.
TEST_F(WorkloadMcp, AnAgentBeyondItsRateLimitGets429AndAnotherAgentIsServed) {
  const auto limited = start_server({"--rate-limit", "3", "--rate-window-ms", "60000"});
  const Agent trusted = agent(kTrusted);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(limited, trusted).status, 200) << i;
  const std::size_t asked = opa_->asked();
  http::Client client(limited.url);
  jose::DpopProofRequest request;
  request.htm = "POST";
  request.htu = limited.url + "/mcp/rpc";
  request.access_token = trusted.token;
  const auto refused = client.post("/mcp/rpc", call_body("filesystem", "read"), "application/json",
                                   {{"Authorization", "DPoP " + trusted.token},
                                    {"DPoP", jose::create_dpop_proof(trusted.key, request)}});
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_GE(std::stoi(refused.header("Retry-After").empty() ? "0" : refused.header("Retry-After")), 1);
  EXPECT_THAT(refused.body, HasSubstr("rate_limited: "));
  EXPECT_EQ(opa_->asked(), asked);
  const Reply other = call(limited, agent(kUntrusted));  // decided by the policy (its deny), not limited
  EXPECT_EQ(other.status, 403) << other.body.dump();
  EXPECT_EQ(opa_->asked(), asked + 1);
}

TEST_F(WorkloadMcp, NoTokenIsChallengedWithTheDpopScheme) {
  const Reply reply = post(server_->url, {}, call_body("filesystem", "read"));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.www_authenticate, "DPoP algs=\"ES256 RS256\"");
}

TEST_F(WorkloadMcp, ABoundTokenAsBearerIsRefused) {
  const Agent trusted = agent(kTrusted);
  const Reply reply = post(server_->url, {{"Authorization", "Bearer " + trusted.token}}, call_body("filesystem", "read"));
  EXPECT_EQ(reply.status, 401);
  EXPECT_THAT(reply.www_authenticate, HasSubstr("error=\"invalid_token\""));
}

TEST_F(WorkloadMcp, EveryProofCheckRefuses) {
  const Agent trusted = agent(kTrusted);
  const Agent other = agent(kUntrusted);
  const std::int64_t now = sync::unix_seconds();
  EXPECT_EQ(post(server_->url, {{"Authorization", "DPoP " + trusted.token}}, call_body("filesystem", "read")).status, 401);
  expect_proof_refused(call(trusted, proof_request([](auto& r) { r.htm = "GET"; })), "method_mismatch");
  expect_proof_refused(call(trusted, honest("POST", server_->url + "/mcp")), "uri_mismatch");
  expect_proof_refused(call(trusted, proof_request([&](auto& r) { r.iat = now - 120; })), "not_active");
  expect_proof_refused(call(trusted, proof_request([&](auto& r) { r.iat = now + 120; })), "not_active");
  expect_proof_refused(call(trusted, {}, tampered([](auto& t) { t.ath = jose::dpop_access_token_hash("another token"); })), "ath_mismatch");
  expect_proof_refused(call(trusted, {}, tampered([](auto& t) { t.typ = "JWT"; })), "wrong_type");
  expect_proof_refused(call(trusted, {}, tampered([](auto& t) { t.alg = "none"; })), "unsupported_algorithm");
  expect_proof_refused(call(trusted, {}, tampered([](auto& t) { t.alg = "HS256"; })), "unsupported_algorithm");
  expect_proof_refused(call(trusted, {}, tampered([](auto& t) { t.private_jwk = true; })), "private_key_in_jwk");
  const jose::Key stranger_key = jose::Key::generate_ec_p256();
  expect_proof_refused(call(trusted, {}, {}, &stranger_key), "key_mismatch");
  // Another agent's token with the caller's own key, and its own proof from a copy of it.
  expect_proof_refused(call(Agent{kUntrusted, trusted.key, other.token}, {}), "key_mismatch");
  // Missing ath: a proof for no token at all.
  const std::string no_ath = jose::create_dpop_proof(trusted.key, honest("POST", server_->url + "/mcp/rpc"));
  expect_proof_refused(post(server_->url, {{"Authorization", "DPoP " + trusted.token}, {"DPoP", no_ath}}, call_body("filesystem", "read")),
                       "missing_ath");
}

// The agent's token with its claims kept, its header {"alg":"none"} and no signature: what anyone
// can write.
std::string unsigned_copy(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  return codec::base64url_encode(R"({"alg":"none","typ":"JWT"})") + token.substr(first, second - first) + ".";
}

TEST_F(WorkloadMcp, AnAccessTokenTheRealmDidNotSignIsRefused) {
  const Agent trusted = agent(kTrusted);
  const Reply reply = call(Agent{kTrusted, trusted.key, unsigned_copy(trusted.token)});
  EXPECT_EQ(reply.status, 401);
  EXPECT_THAT(reply.www_authenticate, HasSubstr("error=\"invalid_token\""));
}

// A server whose audience is another service's: the realm's token for workload-mcp is not its.
TEST_F(WorkloadMcp, ATokenOfTheRealmForAnotherAudienceIsRefused) {
  const auto server = start_server({"--audience", "another-service"});
  const Reply reply = call(server, agent(kTrusted));
  EXPECT_EQ(reply.status, 401);
  EXPECT_THAT(reply.www_authenticate, HasSubstr("error=\"invalid_token\""));
}

TEST_F(WorkloadMcp, AReplayedProofIsRefused) {
  const Agent trusted = agent(kTrusted);
  const std::string proof =
      jose::create_dpop_proof(trusted.key, honest("POST", server_->url + "/mcp/rpc", trusted.token));
  const http::Fields headers = {{"Authorization", "DPoP " + trusted.token}, {"DPoP", proof}};
  EXPECT_EQ(post(server_->url, headers, call_body("filesystem", "read")).status, 200);
  expect_proof_refused(post(server_->url, headers, call_body("filesystem", "read")), "replayed");
}

// Each agent's proofs go to a cache of its own, charged only once the agent is admitted: an agent
// without a tier fills nothing, a full cache refuses only its own agent (429), never another.
TEST_F(WorkloadMcp, EachAgentsProofsTakeRoomInItsOwnReplayCacheOnlyOnceAdmitted) {
  const auto server = start_server({"--dpop-replay-capacity", "3"});
  const Agent stranger = agent(kStranger);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(call(server, stranger).status, 403) << i;
  const Agent trusted = agent(kTrusted);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(server, trusted).status, 200) << i;
  const Reply full = call(server, trusted);
  EXPECT_EQ(full.status, 429) << full.body.dump();
  EXPECT_THAT(full.body["error"]["message"].get<std::string>(), StartsWith("too_many_proofs: "));
  const Reply other = call(server, agent(kUntrusted));  // admitted: the policy's deny, not a full cache
  EXPECT_EQ(other.status, 403) << other.body.dump();
  EXPECT_THAT(other.body["error"]["message"].get<std::string>(), StartsWith("denied: "));
}

TEST_F(WorkloadMcp, AFullAgentsReplayCacheSaysWhenItHasRoomAgain) {
  const auto server = start_server({"--dpop-replay-capacity", "1"});
  const Agent trusted = agent(kTrusted);
  ASSERT_EQ(call(server, trusted).status, 200);
  http::Client client(server.url);
  const auto refused = client.post("/mcp/rpc", call_body("filesystem", "read"), "application/json",
                                   {{"Authorization", "DPoP " + trusted.token},
                                    {"DPoP", jose::create_dpop_proof(trusted.key, honest("POST", server.url + "/mcp/rpc", trusted.token))}});
  EXPECT_EQ(refused.status, 429);
  // The first proof is remembered until iat + 10 s of life + 15 s of skew.
  const int retry_after = std::stoi(refused.header("Retry-After").empty() ? "0" : refused.header("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 26);
}

// A replay is refused before the rate limit is asked: a captured proof replayed spends none of
// its agent's calls.
TEST_F(WorkloadMcp, AReplayedProofSpendsNoneOfTheAgentsRateLimit) {
  const auto limited = start_server({"--rate-limit", "2", "--rate-window-ms", "60000"});
  const Agent trusted = agent(kTrusted);
  const http::Fields replayed = {{"Authorization", "DPoP " + trusted.token},
                                 {"DPoP", jose::create_dpop_proof(trusted.key, honest("POST", limited.url + "/mcp/rpc", trusted.token))}};
  ASSERT_EQ(post(limited.url, replayed, call_body("filesystem", "read")).status, 200);
  for (int i = 0; i < 3; ++i) expect_proof_refused(post(limited.url, replayed, call_body("filesystem", "read")), "replayed");
  EXPECT_EQ(call(limited, trusted).status, 200);
}

TEST_F(WorkloadMcp, TwoProofsOrTwoAuthorizationsAreABadRequest) {
  const Agent trusted = agent(kTrusted);
  const auto proof = [&] {
    return jose::create_dpop_proof(trusted.key, honest("POST", server_->url + "/mcp/rpc", trusted.token));
  };
  EXPECT_EQ(post(server_->url, {{"Authorization", "DPoP " + trusted.token}, {"DPoP", proof()}, {"DPoP", proof()}},
                 call_body("filesystem", "read")).status, 400);
  EXPECT_EQ(post(server_->url, {{"Authorization", "DPoP " + trusted.token}, {"Authorization", "DPoP " + trusted.token}, {"DPoP", proof()}},
                 call_body("filesystem", "read")).status, 400);
}

// Each switch, one defect.
TEST_F(WorkloadMcp, UnsafeSpiffeIdFromHeaderLetsACallerClaimATier) {
  const auto server = start_server({"--unsafe-spiffe-id-from-header"});
  const Agent untrusted = agent(kUntrusted);
  const std::string proof = jose::create_dpop_proof(untrusted.key, honest("POST", server.url + "/mcp/rpc", untrusted.token));
  const Reply reply = post(server.url, {{"Authorization", "DPoP " + untrusted.token}, {"DPoP", proof}, {"X-Spiffe-Id", kTrusted}},
                           call_body("filesystem", "read"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["result"]["structuredContent"]["tier"], "trusted");
}

TEST_F(WorkloadMcp, UnsafeInputWithoutSpiffeIdAsksWithTheTierAlone) {
  const auto server = start_server({"--unsafe-input-without-spiffe-id"});
  EXPECT_EQ(call(server, agent(kTrusted)).status, 403);
  EXPECT_EQ(opa_->last_input(), (Json{{"tier", "trusted"}, {"operation", "read"}, {"tool", "filesystem"}, {"verified", true}}));
}

TEST_F(WorkloadMcp, UnsafeNoAuthRunsAToolForAnyone) {
  const auto server = start_server({"--unsafe-no-auth"});
  EXPECT_EQ(post(server.url, {}, call_body("shell", "execute")).status, 200);
  EXPECT_EQ(post(server_->url, {}, call_body("shell", "execute")).status, 401);
}

TEST_F(WorkloadMcp, UnsafeFailOpenRunsAToolWhenThePolicyIsDown) {
  const auto server = start_server({"--unsafe-fail-open"}, "http://127.0.0.1:" + std::to_string(proc::free_loopback_port()));
  EXPECT_EQ(call(server, agent(kUntrusted)).status, 200);
}

TEST_F(WorkloadMcp, UnsafeDpopAsBearerTakesABoundTokenWithoutAProof) {
  const auto server = start_server({"--unsafe-dpop-as-bearer"});
  const Agent trusted = agent(kTrusted);
  EXPECT_EQ(post(server.url, {{"Authorization", "Bearer " + trusted.token}}, call_body("filesystem", "read")).status, 200);
}

TEST_F(WorkloadMcp, UnsafeNoJktCheckTakesAProofByAnyKey) {
  const auto server = start_server({"--unsafe-no-jkt-check"});
  const jose::Key thief = jose::Key::generate_ec_p256();
  EXPECT_EQ(call(server, agent(kTrusted), {}, {}, &thief).status, 200);
}

TEST_F(WorkloadMcp, UnsafeUnverifiedTokenTakesAnUnsignedToken) {
  const auto server = start_server({"--unsafe-unverified-token"});
  const Agent trusted = agent(kTrusted);
  const Reply reply = call(server, Agent{kTrusted, trusted.key, unsigned_copy(trusted.token)});
  EXPECT_EQ(reply.status, 200) << reply.body.dump();
}

TEST_F(WorkloadMcp, UnsafeNoAudCheckTakesATokenForAnotherAudience) {
  const auto server = start_server({"--audience", "another-service", "--unsafe-no-aud-check"});
  const Reply reply = call(server, agent(kTrusted));
  EXPECT_EQ(reply.status, 200) << reply.body.dump();
}

TEST_F(WorkloadMcp, UnsafeNoReplayCheckTakesAProofTwice) {
  const auto server = start_server({"--unsafe-no-replay-check"});
  const Agent trusted = agent(kTrusted);
  const std::string proof =
      jose::create_dpop_proof(trusted.key, honest("POST", server.url + "/mcp/rpc", trusted.token));
  const http::Fields headers = {{"Authorization", "DPoP " + trusted.token}, {"DPoP", proof}};
  EXPECT_EQ(post(server.url, headers, call_body("filesystem", "read")).status, 200);
  EXPECT_EQ(post(server.url, headers, call_body("filesystem", "read")).status, 200);
}

// Each switch of the proof's own checks takes the proof EveryProofCheckRefuses shows refused.
TEST_F(WorkloadMcp, UnsafeProofSwitchesEachTakeTheirBentProof) {
  const Agent trusted = agent(kTrusted);
  const std::int64_t now = sync::unix_seconds();
  const auto with = [&](const std::string& flag, const jose::DpopProofRequest& request, const jose::DpopProofTampering& tampering) {
    const auto server = start_server({flag});
    EXPECT_EQ(call(server, trusted, request, tampering).status, 200) << flag;
  };
  with("--unsafe-dpop-no-htm-check", proof_request([](auto& r) { r.htm = "GET"; }), {});
  with("--unsafe-dpop-no-htu-check", proof_request([](auto& r) { r.htu = "https://elsewhere.example/mcp/rpc"; }), {});
  with("--unsafe-dpop-no-iat-check", proof_request([&](auto& r) { r.iat = now - 300; }), {});
  with("--unsafe-dpop-no-ath-check", {}, tampered([](auto& t) { t.ath = jose::dpop_access_token_hash("another token"); }));
  with("--unsafe-dpop-no-typ-check", {}, tampered([](auto& t) { t.typ = "JWT"; }));
  with("--unsafe-dpop-unsigned", {}, tampered([](auto& t) { t.alg = "none"; }));
  with("--unsafe-dpop-private-jwk", {}, tampered([](auto& t) { t.private_jwk = true; }));
}

TEST_F(WorkloadMcp, UnsafeSharedReplayCacheLetsAnAgentWithoutATierCrowdOutTheOthers) {
  const auto server = start_server({"--unsafe-shared-replay-cache", "--dpop-replay-capacity", "3"});
  const Agent stranger = agent(kStranger);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(server, stranger).status, 403) << i;
  EXPECT_EQ(call(server, agent(kTrusted)).status, 503);
}

}  // namespace
}  // namespace mcph::workload
