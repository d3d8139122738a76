// Bad input and system endpoints: every failure is Vault-shaped ({"errors":[...]}) with Vault's
// status; nothing crashes or hangs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "contract_support.h"
#include "mcph/proc/poll_until.h"

namespace mcph::mock_vault::contract {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class Errors : public ::testing::Test {
 protected:
  VaultUnderTest vault_;
};

// Vault checks bodies against its JSON limits before any handler (500 with the limit's text),
// then decodes them into a map (400, "error parsing JSON: failed to parse JSON input: …").
TEST_F(Errors, MalformedJsonBodies) {
  Reply broken = vault_.send_raw("POST", "/v1/secret/data/x", R"({"data": {"password": "hunter2")");
  EXPECT_EQ(broken.status, 500);
  EXPECT_EQ(broken.error(), "malformed JSON, unclosed containers");
  EXPECT_THAT(broken.text, ::testing::Not(HasSubstr("hunter2"))) << "the body is not echoed";
  Reply duplicate = vault_.send_raw("POST", "/v1/secret/data/x", R"({"data": {"a": "1"}, "data": {"a": "2"}})");
  EXPECT_EQ(duplicate.status, 500);
  EXPECT_EQ(duplicate.error(), "duplicate key 'data' in object");
  Reply array = vault_.send_raw("POST", "/v1/secret/data/x", R"([1,2,3])");
  EXPECT_EQ(array.status, 400);
  EXPECT_EQ(array.error(), "error parsing JSON: failed to parse JSON input: json: cannot unmarshal array into Go "
                           "value of type map[string]interface {}");
}

TEST_F(Errors, UnknownRoutesAndPaths) {
  Reply no_mount = vault_.get("/v1/nowhere/at/all");
  EXPECT_EQ(no_mount.status, 404);
  EXPECT_EQ(no_mount.error(), "no handler for route \"nowhere/at/all\". route entry not found.");
  // A KV v2 path it does not have: 404 with no error but a warning naming the CLI command.
  Reply no_path = vault_.get("/v1/secret/bogus/x");
  EXPECT_EQ(no_path.status, 404);
  EXPECT_EQ(no_path.error(), "");
  EXPECT_THAT(no_path.body["warnings"][0].get<std::string>(), HasSubstr("use 'vault kv get' for this operation"));
  // Anything outside /v1/ belongs to the UI: a redirect there; paths that are not clean are
  // redirected to their clean form.
  Reply not_api = vault_.get("/definitely-not-v1");
  EXPECT_EQ(not_api.status, 307);
  EXPECT_EQ(http::find_field(not_api.headers, "Location").value_or(""), "/ui/");
  Reply unclean = vault_.get("/v1/secret/data//x");
  EXPECT_EQ(unclean.status, 307);
  EXPECT_EQ(http::find_field(unclean.headers, "Location").value_or(""), "/v1/secret/data/x");
}

TEST_F(Errors, WrongVerbs) {
  Reply reply = vault_.del("/v1/auth/token/lookup-self");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.error(), "1 error occurred:\n\t* unsupported operation\n\n");
  Reply list_data = vault_.list("/v1/secret/data/x");
  EXPECT_EQ(list_data.status, 404);
  EXPECT_THAT(list_data.body["warnings"][0].get<std::string>(), HasSubstr("use 'vault kv list' for this operation"));
  EXPECT_EQ(vault_.get("/v1/auth/jwt/login").status, 404) << "no jwt mount here";
  Reply trailing = vault_.post("/v1/secret/data/x/", Json{{"data", {{"a", "b"}}}});
  EXPECT_EQ(trailing.status, 400);
  EXPECT_EQ(trailing.error(), "cannot write to a path ending in '/'");
}

// Vault's own verb for listing, which hvac, node-vault and `curl -X LIST` send (Vault's Go client
// sends GET ?list=true): the same answers as GET ?list=true. A verb Vault does not know is a 405
// with an empty error list, token or not.
TEST_F(Errors, TheListVerbAndUnknownVerbs) {
  const std::string name = "verbs-" + random_suffix();
  const std::string base = "/v1/secret/metadata/" + name;
  ASSERT_EQ(vault_.post("/v1/secret/data/" + name + "/a", Json{{"data", {{"k", "v"}}}}).status, 200);
  ASSERT_EQ(vault_.post("/v1/secret/data/" + name + "/b/c", Json{{"data", {{"k", "v"}}}}).status, 200);
  for (const std::string& path : {base, base + "/"}) {
    Reply listed = vault_.call("LIST", path);
    EXPECT_EQ(listed.status, 200) << path;
    EXPECT_EQ(listed.body["data"]["keys"], (Json{"a", "b/"})) << path;
    EXPECT_EQ(listed.body["data"]["keys"], vault_.list(path).body["data"]["keys"]) << "as GET ?list=true";
  }
  Reply missing = vault_.call("LIST", base + "/none");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, (Json{{"errors", Json::array()}}));
  Reply policies = vault_.call("LIST", "/v1/sys/policies/acl");
  EXPECT_EQ(policies.status, 200);
  EXPECT_THAT(policies.body["data"]["keys"].dump(), HasSubstr("\"default\""));
  EXPECT_EQ(vault_.call("LIST", base, nullptr, std::string("not-a-token")).status, 403);
  // A LIST with a body: Vault ignores the body; the next request is answered as usual.
  Reply with_body = vault_.send_raw("LIST", base, R"({"ignored": true})");
  EXPECT_EQ(with_body.status, 200);
  EXPECT_EQ(with_body.body["data"]["keys"], (Json{"a", "b/"}));
  EXPECT_EQ(vault_.get("/v1/sys/health").status, 200);

  for (const std::string& path : {base, std::string("/v1/sys/health")}) {
    for (const std::optional<std::string>& token : {std::optional<std::string>(), std::optional<std::string>("")}) {
      Reply unknown = vault_.call("FROB", path, nullptr, token);
      EXPECT_EQ(unknown.status, 405) << path;
      EXPECT_EQ(unknown.body, (Json{{"errors", Json::array()}})) << path;
    }
  }
  EXPECT_EQ(vault_.get("/v1/sys/health").status, 200) << "still serving";
}

TEST_F(Errors, DeeplyNestedInputIsRefusedNotACrash) {
  const std::string deep = "{\"data\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  Reply body = vault_.send_raw("POST", "/v1/secret/data/deep", deep);
  EXPECT_EQ(body.status, 500);
  EXPECT_EQ(body.error(), "JSON input exceeds allowed nesting depth");
  // 300 levels are allowed (the listener's max_json_depth), 301 are not.
  const auto nested = [](int depth) {
    return "{\"data\":{\"x\":" + std::string(depth - 2, '[') + std::string(depth - 2, ']') + "}}";
  };
  EXPECT_EQ(vault_.send_raw("POST", "/v1/secret/data/deep", nested(300)).status, 200);
  EXPECT_EQ(vault_.send_raw("POST", "/v1/secret/data/deep", nested(301)).status, 500);
  std::string nested_hcl = "path \"a\" { capabilities = [\"read\"] x = ";
  for (int i = 0; i < 20000; ++i) nested_hcl += "{ y = ";
  Reply policy = vault_.post("/v1/sys/policies/acl/deep", Json{{"policy", nested_hcl}});
  EXPECT_EQ(policy.status, 400);
  EXPECT_THAT(policy.error(), StartsWith("failed to parse policy: "));
  EXPECT_EQ(vault_.get("/v1/sys/health").status, 200) << "still serving";
}

// Refused either way Vault refuses it: a 413 with an error, or — when Vault stops reading and closes
// before the client has sent it all — no answer at all. Nothing is stored, and Vault still serves.
TEST_F(Errors, OversizedBodyIsRefusedWith413OrAClosedConnection) {
  // Vault's default max_request_size is 32 MiB.
  const std::string huge = "{\"data\":{\"x\":\"" + std::string(33 * 1024 * 1024, 'a') + "\"}}";
  try {
    const Reply reply = vault_.send_raw("POST", "/v1/secret/data/huge", huge);
    EXPECT_EQ(reply.status, 413);
    EXPECT_FALSE(reply.error().empty());
  } catch (const http::TransportError& e) {
    RecordProperty("refused_by", std::string("a closed connection: ") + e.what());
  }
  EXPECT_EQ(vault_.get("/v1/secret/data/huge").status, 404) << "nothing was stored";
  EXPECT_EQ(vault_.get("/v1/sys/health").status, 200) << "still serving";
}

TEST_F(Errors, PolicyWritesReportHclErrors) {
  Reply bad = vault_.post("/v1/sys/policies/acl/broken", Json{{"policy", "path \"a\" {\n  capabilities = [\"read\"\n}"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error(), "failed to parse policy: At 3:1: error parsing list, expected comma or list end, got: RBRACE");
  Reply capability = vault_.post("/v1/sys/policies/acl/broken", Json{{"policy", R"(path "a" { capabilities = ["fly"] })"}});
  EXPECT_EQ(capability.error(), "failed to parse policy: path \"a\": invalid capability \"fly\"");
  Reply empty = vault_.post("/v1/sys/policies/acl/broken", Json::object());
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.error(), "'policy' parameter not supplied or empty");
  EXPECT_EQ(vault_.get("/v1/sys/policies/acl/broken").status, 404) << "nothing was stored";
}

TEST_F(Errors, PoliciesRoundTripInHclJsonAndBase64) {
  const std::string name = "p-" + random_suffix();
  const std::string text = "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n";
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/" + name, Json{{"policy", text}}).status, 204);
  Reply read = vault_.get("/v1/sys/policies/acl/" + name);
  EXPECT_EQ(read.body["data"], (Json{{"name", name}, {"policy", text}}));
  Reply list = vault_.list("/v1/sys/policies/acl");
  EXPECT_THAT(list.body["data"]["keys"].get<std::vector<std::string>>(), ::testing::IsSupersetOf({name, std::string("default"), std::string("root")}));
  Reply legacy = vault_.get("/v1/sys/policy/" + name);
  EXPECT_EQ(legacy.body["data"]["rules"], text);
  EXPECT_EQ(legacy.body["rules"], text) << "sys/policy copies data to the top level";
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/" + name + "-json",
                        Json{{"policy", R"({"path":{"secret/*":{"capabilities":["list"]}}})"}})
                .status,
            204);
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/" + name + "-b64", Json{{"policy", "cGF0aCAieCIgeyBjYXBhYmlsaXRpZXMgPSBbInJlYWQiXSB9"}}).status,
            204);
  EXPECT_EQ(vault_.get("/v1/sys/policies/acl/" + name + "-b64").body["data"]["policy"],
            "path \"x\" { capabilities = [\"read\"] }");
  EXPECT_EQ(vault_.del("/v1/sys/policies/acl/" + name).status, 204);
  EXPECT_EQ(vault_.get("/v1/sys/policies/acl/" + name).status, 404);
}

TEST_F(Errors, RateLimitQuotaAnswers429AndOnlyForItsPath) {
  const std::string limited = "secret/data/quota-" + random_suffix();
  ASSERT_EQ(vault_.post("/v1/" + limited, Json{{"data", {{"a", "b"}}}}).status, 200);
  Reply invalid = vault_.post("/v1/sys/quotas/rate-limit/bad", Json{{"rate", 0}, {"path", limited}});
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.error(), "'rate' is invalid");

  const std::string quota = "q-" + random_suffix();
  ASSERT_EQ(vault_.post("/v1/sys/quotas/rate-limit/" + quota, Json{{"rate", 3}, {"interval", "1m"}, {"path", limited}}).status,
            204);
  Reply stored = vault_.get("/v1/sys/quotas/rate-limit/" + quota);
  EXPECT_EQ(stored.body["data"]["type"], "rate-limit");
  EXPECT_EQ(stored.body["data"]["path"], limited);
  int ok = 0;
  Reply refused;
  for (int i = 0; i < 6; ++i) {
    Reply reply = vault_.get("/v1/" + limited);
    if (reply.status == 200) ++ok;
    if (reply.status == 429) refused = reply;
  }
  EXPECT_EQ(ok, 3);
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, (Json{{"errors", {"request path \"" + limited + "\": rate limit quota exceeded"}}}));
  EXPECT_EQ(vault_.get("/v1/sys/health").status, 200) << "sys/health is exempt";
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self").status, 200) << "other paths are not limited";

  ASSERT_EQ(vault_.del("/v1/sys/quotas/rate-limit/" + quota).status, 204);
  EXPECT_EQ(vault_.get("/v1/" + limited).status, 200);
}

TEST_F(Errors, HealthAndMountListingsHaveVaultsShape) {
  Reply health = vault_.get("/v1/sys/health", std::string());
  ASSERT_EQ(health.status, 200);
  for (const char* key : {"initialized", "sealed", "standby", "performance_standby", "replication_performance_mode",
                          "replication_dr_mode", "server_time_utc", "version", "cluster_name", "cluster_id"}) {
    EXPECT_TRUE(health.body.contains(key)) << key;
  }
  EXPECT_EQ(health.body["sealed"], false);
  EXPECT_FALSE(health.body.contains("data")) << "not enveloped";
  // hvac's sys.is_initialized() and node-vault's initialized(): no token needed, not enveloped.
  Reply init = vault_.get("/v1/sys/init", std::string());
  EXPECT_EQ(init.status, 200);
  EXPECT_EQ(init.body, (Json{{"initialized", true}}));

  Reply mounts = vault_.get("/v1/sys/mounts");
  ASSERT_EQ(mounts.status, 200);
  EXPECT_EQ(mounts.body["data"]["secret/"]["type"], "kv");
  EXPECT_EQ(mounts.body["data"]["secret/"]["options"]["version"], "2");
  EXPECT_EQ(mounts.body["secret/"]["type"], "kv") << "sys/mounts copies data to the top level";
  Reply auth = vault_.get("/v1/sys/auth");
  EXPECT_EQ(auth.body["data"]["token/"]["type"], "token");
  EXPECT_THAT(auth.body["data"]["token/"]["accessor"].get<std::string>(), StartsWith("auth_token_"));

  const std::string path = "jwt-" + random_suffix();
  ASSERT_EQ(vault_.post("/v1/sys/auth/" + path, Json{{"type", "jwt"}}).status, 204);
  Reply twice = vault_.post("/v1/sys/auth/" + path, Json{{"type", "jwt"}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.error(), "path is already in use at " + path + "/");
  EXPECT_THAT(vault_.get("/v1/sys/auth").body["data"][path + "/"]["accessor"].get<std::string>(), StartsWith("auth_jwt_"));
  EXPECT_EQ(vault_.del("/v1/sys/auth/" + path).status, 204);
  EXPECT_FALSE(vault_.get("/v1/sys/auth").body["data"].contains(path + "/"));
}

TEST_F(Errors, AuditDevicesCanBeEnabledListedAndDisabled) {
  if (!vault_.local()) GTEST_SKIP() << "the audit file must be on this machine";
  proc::TempDir dir("mock-vault-audit");
  const std::string file = (dir.path() / "second.log").string();
  Reply bad_type = vault_.post("/v1/sys/audit/sock", Json{{"type", "socket"}});
  EXPECT_EQ(bad_type.status, 400);
  ASSERT_EQ(vault_.post("/v1/sys/audit/second", Json{{"type", "file"}, {"options", {{"file_path", file}}}}).status, 204);
  Reply list = vault_.get("/v1/sys/audit");
  EXPECT_EQ(list.body["data"]["second/"]["type"], "file");
  EXPECT_EQ(list.body["data"]["second/"]["options"]["file_path"], file);
  EXPECT_EQ(list.body["second/"]["type"], "file") << "sys/audit copies data to the top level";
  ASSERT_EQ(vault_.get("/v1/sys/mounts").status, 200);
  EXPECT_TRUE(std::filesystem::file_size(file) > 0) << "the new device logs the next request";
  EXPECT_EQ(vault_.del("/v1/sys/audit/second").status, 204);
  EXPECT_FALSE(vault_.get("/v1/sys/audit").body["data"].contains("second/"));
}

// Requests in parallel while an audit device is disabled under them: each request is answered,
// and every line the device wrote is one whole entry (entries are built in parallel, written one
// at a time; the file closes once the last write in flight is done).
TEST_F(Errors, AuditLinesStayWholeUnderParallelRequestsWhileTheDeviceIsDisabled) {
  if (!vault_.local()) GTEST_SKIP() << "the audit file must be on this machine";
  proc::TempDir dir("mock-vault-audit");
  const std::string file = (dir.path() / "parallel.log").string();
  ASSERT_EQ(vault_.post("/v1/sys/audit/parallel", Json{{"type", "file"}, {"options", {{"file_path", file}}}}).status, 204);
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      http::Client client(vault_.url());
      for (int i = 0; i < 40; ++i) {
        if (client.request("GET", "/v1/sys/mounts", {{"X-Vault-Token", vault_.root_token()}}).status == 200) ++answered;
      }
    });
  }
  // Disabled once some requests are answered (so the device wrote lines) and before all are.
  proc::poll_until([&] { return answered >= 8; }, std::chrono::seconds(10), std::chrono::milliseconds(1));
  const int answered_before_disabled = answered;
  EXPECT_GE(answered_before_disabled, 8) << "no requests were answered within 10 s";
  EXPECT_EQ(vault_.del("/v1/sys/audit/parallel").status, 204);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), 320);
  EXPECT_LT(answered_before_disabled, 320) << "the device was disabled after the last request, not under them";
  std::ifstream in(file);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_TRUE(Json::accept(line)) << "line " << lines + 1 << ": " << line.substr(0, 200);
  }
  EXPECT_GT(lines, 0);
}

TEST_F(Errors, UnknownLeasesAreRefused) {
  Reply lookup = vault_.post("/v1/sys/leases/lookup", Json{{"lease_id", "database/creds/x/nope"}});
  EXPECT_EQ(lookup.status, 400);
  EXPECT_EQ(lookup.error(), "invalid lease");
  Reply renew = vault_.post("/v1/sys/leases/renew", Json{{"lease_id", "database/creds/x/nope"}});
  EXPECT_EQ(renew.status, 400);
  EXPECT_EQ(renew.error(), "lease not found");
}

}  // namespace
}  // namespace mcph::mock_vault::contract
