// The bridge's authorization server, its routes driven in process: the grant, the §5.2 errors,
// the metadata and JWKS, and the bridge accepting the tokens it issued (and, with a switch, a
// token it must not).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/agent_bridge/authorization_server.h"
#include "mcph/codec/base64.h"
#include "mcph/http/basic_auth.h"
#include "mcph/jose/jws.h"

namespace mcph::agent_bridge {
namespace {

using Json = nlohmann::json;

constexpr const char* kIssuer = "https://as.test";

class AuthorizationServerTest : public ::testing::Test {
 protected:
  void start(AuthorizationServerDefects unsafe = {}) {
    AuthorizationServerSettings settings;
    settings.issuer = kIssuer;
    settings.audience = "agent-bridge-mcp";
    settings.agents = &agents_;
    settings.clients = AgentsFile::parse("agent-a " + sha256_hex("secret a/+") + "\nagent-c " + sha256_hex("secret-c") + "\n");
    settings.unsafe = unsafe;
    server_ = std::make_unique<AuthorizationServer>(std::move(settings));
    server_->mount(http_);
  }

  http::Response token(const std::string& form, const http::Fields& headers = {}) const {
    http::Request request;
    request.method = "POST";
    request.path = "/oauth2/token";
    request.body = form;
    request.headers = headers;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return http_.dispatch(request);
  }
  http::Response get(const std::string& path) const {
    http::Request request;
    request.method = "GET";
    request.path = path;
    return http_.dispatch(request);
  }
  static Json body(const http::Response& response) { return Json::parse(response.body); }
  static std::string header(const http::Response& response, const std::string& name) {
    return http::find_field(response.headers, name).value_or("");
  }
  static Json claims(const std::string& token) { return Json::parse(*jose::unverified_payload(token)); }

  AgentsFile agents_ = AgentsFile::parse("agent-a - read write\nagent-c - read\n");
  http::Server http_{http::ServerOptions{}};
  std::unique_ptr<AuthorizationServer> server_;
};

TEST_F(AuthorizationServerTest, GrantsByBasicWithFormEncodedCredentials) {
  start();
  const auto answer = token("grant_type=client_credentials", {{"Authorization", http::basic_authorization("agent-a", "secret+a%2F%2B")}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(header(answer, "Cache-Control"), "no-store");
  const Json granted = body(answer);
  EXPECT_EQ(granted["token_type"], "Bearer");
  EXPECT_EQ(granted["scope"], "read write");
  const Json c = claims(granted["access_token"]);
  EXPECT_EQ(c["iss"], kIssuer);
  EXPECT_EQ(c["sub"], "agent-a");
  EXPECT_EQ(c["aud"], "agent-bridge-mcp");
  EXPECT_EQ(c["exp"].get<long long>() - c["iat"].get<long long>(), 300);
  EXPECT_FALSE(c["jti"].get<std::string>().empty());
}

TEST_F(AuthorizationServerTest, GrantsByPostAndOnlyTheScopeAsked) {
  start();
  const auto answer = token("grant_type=client_credentials&client_id=agent-c&client_secret=secret-c&scope=read");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(claims(body(answer)["access_token"])["scope"], "read");
}

TEST_F(AuthorizationServerTest, AnswersErrorsAsSection5_2) {
  start();
  auto wrong = token("grant_type=client_credentials", {{"Authorization", http::basic_authorization("agent-a", "nope")}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(body(wrong)["error"], "invalid_client");
  EXPECT_EQ(header(wrong, "WWW-Authenticate").rfind("Basic ", 0), 0u);
  EXPECT_EQ(header(wrong, "Cache-Control"), "no-store");
  EXPECT_EQ(body(token("grant_type=client_credentials&client_id=nobody&client_secret=secret-c"))["error"], "invalid_client");
  EXPECT_EQ(body(token("client_id=agent-c&client_secret=secret-c"))["error"], "invalid_request");
  EXPECT_EQ(body(token("grant_type=password&client_id=agent-c&client_secret=secret-c"))["error"], "unsupported_grant_type");
  const auto scope = token("grant_type=client_credentials&client_id=agent-c&client_secret=secret-c&scope=read-all");
  EXPECT_EQ(scope.status, 400);
  EXPECT_EQ(body(scope)["error"], "invalid_scope");
  const auto twice = token("grant_type=client_credentials&client_secret=secret-c",
                           {{"Authorization", http::basic_authorization("agent-c", "secret-c")}});
  EXPECT_EQ(body(twice)["error"], "invalid_request");
  EXPECT_EQ(wrong.body.find("nope"), std::string::npos);
}

TEST_F(AuthorizationServerTest, PublishesMetadataAndOnlyThePublicKey) {
  start();
  const Json metadata = body(get("/.well-known/oauth-authorization-server"));
  EXPECT_EQ(metadata["issuer"], kIssuer);
  EXPECT_EQ(metadata["token_endpoint"], std::string(kIssuer) + "/oauth2/token");
  EXPECT_EQ(metadata, body(get("/.well-known/openid-configuration")));
  const Json key = body(get("/oauth2/jwks"))["keys"][0];
  EXPECT_EQ(key["kty"], "RSA");
  for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_FALSE(key.contains(member)) << member;
}

TEST_F(AuthorizationServerTest, TheBridgeAcceptsItsTokensAndNoForgery) {
  start();
  IdentitySettings identity;
  identity.agents = &agents_;
  identity.issued = server_->verifier();
  http::Request call;
  const std::string issued = body(token("grant_type=client_credentials&client_id=agent-c&client_secret=secret-c"))["access_token"];
  call.headers = {{"Authorization", "Bearer " + issued}};
  const Identification who = identify(call, identity);
  ASSERT_TRUE(who.agent);
  EXPECT_EQ(who.agent->id, "agent-c");
  EXPECT_EQ(who.agent->scopes, std::vector<std::string>{"read"});

  const std::string forged = jose::sign_jwt(jose::Key::hmac("a-string-secret-at-least-256-bits-long"), jose::Alg::HS256,
                                            claims(issued).dump());
  call.headers = {{"Authorization", "Bearer " + forged}};
  EXPECT_FALSE(identify(call, identity).agent);
}

TEST_F(AuthorizationServerTest, SwitchesPutInTheirDefects) {
  AuthorizationServerDefects unsafe;
  unsafe.jwks_private_parts = unsafe.invalid_client_400 = unsafe.scope_by_substring = unsafe.issuer_mismatch = true;
  unsafe.default_secret = true;
  start(unsafe);
  IdentitySettings identity;
  identity.agents = &agents_;
  identity.issued = server_->verifier();
  const std::string issued = body(token("grant_type=client_credentials&client_id=agent-c&client_secret=secret-c"))["access_token"];
  http::Request call;
  call.headers = {{"Authorization", "Bearer " + jose::sign_jwt(jose::Key::hmac("a-string-secret-at-least-256-bits-long"),
                                                               jose::Alg::HS256, claims(issued).dump())}};
  const Identification forged = identify(call, identity);
  EXPECT_TRUE(forged.agent) << forged.description;
  EXPECT_TRUE(body(get("/oauth2/jwks"))["keys"][0].contains("d"));
  const auto wrong = token("grant_type=client_credentials", {{"Authorization", http::basic_authorization("agent-a", "nope")}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(header(wrong, "WWW-Authenticate"), "");
  const auto granted = token("grant_type=client_credentials&client_id=agent-c&client_secret=secret-c&scope=read-all");
  ASSERT_EQ(granted.status, 200);
  EXPECT_NE(claims(body(granted)["access_token"])["iss"], kIssuer);
}

}  // namespace
}  // namespace mcph::agent_bridge
