#include "mcph/oidc/token_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/jose/dpop.h"

namespace mcph::oidc {
namespace {

// A token endpoint that records the form it got and answers as told.
class FakeTokenEndpoint {
 public:
  FakeTokenEndpoint() {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/realms/demo/protocol/openid-connect/token",
                   [this](const http::Request& req, http::Response& res) {
                     last_form = http::parse_form(req.body);
                     last_content_type = req.header("Content-Type");
                     last_dpop = req.header("DPoP");
                     res.set_json(status, body);
                   });
    server_->start();
  }
  std::string realm_url() const { return server_->url() + "/realms/demo"; }
  int status = 200;
  std::string body;
  http::Fields last_form;
  std::string last_content_type;
  std::string last_dpop;

 private:
  std::unique_ptr<http::Server> server_;
};

TEST(TokenClient, PasswordGrantSendsTheFormAndParsesTheResponse) {
  FakeTokenEndpoint idp;
  idp.body = R"({"access_token":"at","expires_in":300,"refresh_expires_in":1800,"refresh_token":"rt",
                 "token_type":"Bearer","not-before-policy":0,"session_state":"s","scope":"profile email"})";
  TokenClient client(idp.realm_url(), {"mcp-client", "mcp-client-secret"});
  const TokenResponse token = client.password_grant("alice", "alice123");
  EXPECT_EQ(token.access_token, "at");
  EXPECT_EQ(token.refresh_token, "rt");
  EXPECT_EQ(token.expires_in, 300);
  EXPECT_EQ(token.refresh_expires_in, 1800);
  EXPECT_EQ(token.scope, "profile email");
  EXPECT_EQ(idp.last_content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(http::find_field(idp.last_form, "grant_type"), "password");
  EXPECT_EQ(http::find_field(idp.last_form, "username"), "alice");
  EXPECT_EQ(http::find_field(idp.last_form, "password"), "alice123");
  EXPECT_EQ(http::find_field(idp.last_form, "client_id"), "mcp-client");
  EXPECT_EQ(http::find_field(idp.last_form, "client_secret"), "mcp-client-secret");
}

TEST(TokenClient, RefreshAndClientCredentialsUseTheirGrantTypes) {
  FakeTokenEndpoint idp;
  idp.body = R"({"access_token":"at2","expires_in":60,"token_type":"Bearer"})";
  TokenClient client(idp.realm_url(), {"mcp-client", "s"});
  client.refresh("rt-1");
  EXPECT_EQ(http::find_field(idp.last_form, "grant_type"), "refresh_token");
  EXPECT_EQ(http::find_field(idp.last_form, "refresh_token"), "rt-1");
  const auto token = client.client_credentials_grant();
  EXPECT_EQ(http::find_field(idp.last_form, "grant_type"), "client_credentials");
  EXPECT_TRUE(token.refresh_token.empty());
}

TEST(TokenClient, ExchangeSendsRfc8693sParametersAsTheRequester) {
  FakeTokenEndpoint idp;
  idp.body = R"({"access_token":"vault-at","expires_in":300,"token_type":"Bearer",
                 "issued_token_type":"urn:ietf:params:oauth:token-type:access_token"})";
  TokenClient client(idp.realm_url(), {"jira-mcp", "jira-mcp-secret"});
  EXPECT_EQ(client.exchange("user-at", "vault").access_token, "vault-at");
  EXPECT_EQ(http::find_field(idp.last_form, "grant_type"), "urn:ietf:params:oauth:grant-type:token-exchange");
  EXPECT_EQ(http::find_field(idp.last_form, "subject_token"), "user-at");
  EXPECT_EQ(http::find_field(idp.last_form, "subject_token_type"), "urn:ietf:params:oauth:token-type:access_token");
  EXPECT_EQ(http::find_field(idp.last_form, "audience"), "vault");
  EXPECT_EQ(http::find_field(idp.last_form, "client_id"), "jira-mcp");
  EXPECT_EQ(http::find_field(idp.last_form, "client_secret"), "jira-mcp-secret");
}

TEST(TokenClient, PublicClientSendsNoSecret) {
  FakeTokenEndpoint idp;
  idp.body = R"({"access_token":"at"})";
  TokenClient client(idp.realm_url(), {"admin-cli", ""});
  client.password_grant("admin", "admin");
  EXPECT_FALSE(http::find_field(idp.last_form, "client_secret").has_value());
}

// A client bound to a key asks for a DPoP-bound token: each request carries a fresh proof of the
// key for POST at the token endpoint; an unbound client sends none.
TEST(TokenClient, ABoundClientSendsAFreshProofOfItsKeyWithEachGrant) {
  FakeTokenEndpoint idp;
  idp.body = R"({"access_token":"at","expires_in":60,"token_type":"DPoP"})";
  TokenClient client(idp.realm_url(), {"mcp-client", "s"});
  client.client_credentials_grant();
  EXPECT_EQ(idp.last_dpop, "");

  const jose::Key key = jose::Key::generate_ec_p256();
  client.bind_to(key);
  jose::DpopVerifyOptions options;
  options.htm = "POST";
  options.htu = idp.realm_url() + "/protocol/openid-connect/token";
  jose::DpopReplayCache replays(16);
  client.password_grant("alice", "alice123");
  EXPECT_EQ(jose::verify_dpop_proof(idp.last_dpop, options, &replays).jkt, key.thumbprint());
  client.client_credentials_grant();
  EXPECT_EQ(jose::verify_dpop_proof(idp.last_dpop, options, &replays).jkt, key.thumbprint()) << "a proof of its own";
}

TEST(TokenClient, OAuthErrorsKeepStatusCodeAndDescription) {
  FakeTokenEndpoint idp;
  idp.status = 401;
  idp.body = R"({"error":"invalid_grant","error_description":"Invalid user credentials"})";
  TokenClient client(idp.realm_url(), {"mcp-client", "s"});
  try {
    client.password_grant("alice", "wrong-password");
    FAIL();
  } catch (const OidcError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_EQ(e.error(), "invalid_grant");
    EXPECT_EQ(e.description(), "Invalid user credentials");
    EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("wrong-password")));
  }
}

TEST(TokenClient, NonOAuthFailureIsStillAnOidcError) {
  FakeTokenEndpoint idp;
  idp.status = 502;
  idp.body = "<html>bad gateway</html>";
  TokenClient client(idp.realm_url(), {"mcp-client", "s"});
  try {
    client.password_grant("alice", "x");
    FAIL();
  } catch (const OidcError& e) {
    EXPECT_EQ(e.status(), 502);
  }
}

}  // namespace
}  // namespace mcph::oidc
