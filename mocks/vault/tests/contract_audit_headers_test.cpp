// Audited request headers (sys/config/auditing/request-headers), as Vault 1.21 answers them, and
// the request.headers of audit entries: what lets a caller correlate an entry with the request
// that caused it (the harness configures traceparent, hmac=false).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "contract_support.h"

namespace mcph::mock_vault::contract {
namespace {

const char* kTraceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

class AuditHeaders : public ::testing::Test {
 protected:
  void TearDown() override {
    // Never traceparent itself: against a stack's Vault, the harness relies on that one.
    for (const char* name : {"x-contract-trace", "x-contract-secret", "x-contract-b"}) {
      vault_.del(std::string("/v1/sys/config/auditing/request-headers/") + name);
    }
  }

  // Every audit entry of `type` whose request path is `path`.
  std::vector<Json> entries(const std::string& type, const std::string& path) {
    std::ifstream file(vault_.audit_log());
    std::vector<Json> out;
    for (std::string line; std::getline(file, line);) {
      Json entry = Json::parse(line);
      if (entry["type"] == type && entry["request"].value("path", "") == path) out.push_back(std::move(entry));
    }
    return out;
  }

  VaultUnderTest vault_;
};

TEST_F(AuditHeaders, DefaultsAreTheCorrelationIdsAndUserAgentInTheClear) {
  Reply all = vault_.get("/v1/sys/config/auditing/request-headers");
  ASSERT_EQ(all.status, 200) << all.text;
  const Json expected{{"correlation-id", {{"hmac", false}}},
                      {"x-correlation-id", {{"hmac", false}}},
                      {"user-agent", {{"hmac", false}}}};
  for (const auto& [name, setting] : expected.items()) {
    EXPECT_EQ(all.body["data"]["headers"][name], setting) << name << ": " << all.text;
    EXPECT_EQ(all.body["headers"][name], setting) << "Vault copies this path's data to the top level";
  }
}

TEST_F(AuditHeaders, AHeaderIsStoredLowercaseAndReadBackUnderTheNameAsAsked) {
  Reply put = vault_.call("PUT", "/v1/sys/config/auditing/request-headers/X-Contract-Trace", Json{{"hmac", false}});
  ASSERT_EQ(put.status, 204) << put.text;
  Reply all = vault_.get("/v1/sys/config/auditing/request-headers");
  EXPECT_EQ(all.body["data"]["headers"]["x-contract-trace"], (Json{{"hmac", false}})) << all.text;
  EXPECT_FALSE(all.body["data"]["headers"].contains("X-Contract-Trace"));

  Reply one = vault_.get("/v1/sys/config/auditing/request-headers/X-CONTRACT-TRACE");
  ASSERT_EQ(one.status, 200) << one.text;
  EXPECT_EQ(one.body["data"], (Json{{"X-CONTRACT-TRACE", {{"hmac", false}}}}));
  EXPECT_EQ(one.body["X-CONTRACT-TRACE"], (Json{{"hmac", false}}));

  // No hmac field: false.
  ASSERT_EQ(vault_.call("PUT", "/v1/sys/config/auditing/request-headers/x-contract-b", Json::object()).status, 204);
  EXPECT_EQ(vault_.get("/v1/sys/config/auditing/request-headers/x-contract-b").body["data"]["x-contract-b"]["hmac"], false);

  ASSERT_EQ(vault_.del("/v1/sys/config/auditing/request-headers/x-Contract-trace").status, 204);
  Reply gone = vault_.get("/v1/sys/config/auditing/request-headers/x-contract-trace");
  EXPECT_EQ(gone.status, 400);
  EXPECT_EQ(gone.error(), "Could not find header in config");
  EXPECT_EQ(vault_.del("/v1/sys/config/auditing/request-headers/never-configured").status, 204);
}

TEST_F(AuditHeaders, BadInputAndListAreErrors) {
  Reply bad = vault_.call("PUT", "/v1/sys/config/auditing/request-headers/x-contract-b", Json{{"hmac", "maybe"}});
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_THAT(bad.error(), ::testing::HasSubstr("hmac"));
  EXPECT_EQ(vault_.call("LIST", "/v1/sys/config/auditing/request-headers").status, 404);
}

TEST_F(AuditHeaders, EveryEndpointNeedsSudo) {
  const std::string policy = "path \"sys/config/auditing/*\" { capabilities = [\"create\", \"read\", \"update\", \"delete\", \"list\"] }";
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/contract-auditing-nosudo", Json{{"policy", policy}}).status, 204);
  Reply created = vault_.post("/v1/auth/token/create", Json{{"policies", {"contract-auditing-nosudo"}}});
  ASSERT_EQ(created.status, 200) << created.text;
  const std::string token = created.body["auth"]["client_token"];
  for (auto [method, path] : {std::pair{"GET", "/v1/sys/config/auditing/request-headers"},
                              std::pair{"GET", "/v1/sys/config/auditing/request-headers/user-agent"},
                              std::pair{"PUT", "/v1/sys/config/auditing/request-headers/x-contract-b"},
                              std::pair{"DELETE", "/v1/sys/config/auditing/request-headers/user-agent"}}) {
    Reply reply = vault_.call(method, path, std::string(method) == "PUT" ? Json::object() : Json(nullptr), token);
    EXPECT_EQ(reply.status, 403) << method << " " << path << ": " << reply.text;
    EXPECT_EQ(reply.error(), kPermissionDenied);
  }
  vault_.del("/v1/sys/policies/acl/contract-auditing-nosudo");
}

// Entries carry the configured headers only, under lowercase names, every value of a repeated
// header in order, HMAC'd when the header says so; an entry without any has no "headers".
TEST_F(AuditHeaders, EntriesCarryTheConfiguredHeaders) {
  if (vault_.audit_log().empty()) GTEST_SKIP() << "no readable audit log (set MCPH_VAULT_AUDIT_LOG)";
  ASSERT_EQ(vault_.call("PUT", "/v1/sys/config/auditing/request-headers/x-contract-trace", Json{{"hmac", false}}).status, 204);
  ASSERT_EQ(vault_.call("PUT", "/v1/sys/config/auditing/request-headers/X-Contract-Secret", Json{{"hmac", true}}).status, 204);
  const std::string path = "sys/policies/acl/contract-headers-" + random_suffix();
  const http::Fields headers{{"X-Contract-Trace", kTraceparent},
                             {"X-Contract-Secret", "first-value"},
                             {"x-contract-secret", "second-value"},
                             {"X-Not-Audited", "nothing"}};
  ASSERT_EQ(vault_.call("GET", "/v1/" + path, nullptr, std::nullopt, headers).status, 404);

  for (const char* type : {"request", "response"}) {
    const auto found = entries(type, path);
    ASSERT_EQ(found.size(), 1u) << type;
    const Json& logged = found.front()["request"]["headers"];
    EXPECT_EQ(logged["x-contract-trace"], (Json{kTraceparent})) << logged;
    ASSERT_EQ(logged["x-contract-secret"].size(), 2u) << logged;
    for (const auto& value : logged["x-contract-secret"]) {
      EXPECT_THAT(value.get<std::string>(), ::testing::StartsWith("hmac-sha256:"));
    }
    EXPECT_NE(logged["x-contract-secret"][0], logged["x-contract-secret"][1]);
    EXPECT_FALSE(logged.contains("x-not-audited"));
    EXPECT_FALSE(logged.contains("X-Contract-Trace"));
  }
  if (vault_.local()) {
    Reply hash = vault_.post("/v1/sys/audit-hash/file", Json{{"input", "first-value"}});
    ASSERT_EQ(hash.status, 200) << hash.text;
    EXPECT_EQ(entries("request", path).front()["request"]["headers"]["x-contract-secret"][0], hash.body["data"]["hash"]);
  }
}

}  // namespace
}  // namespace mcph::mock_vault::contract
