#include "mcph/broker/authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "mcph/http/server.h"
#include "mcph/jose/base64url.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"

namespace mcph::broker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// An identity provider reduced to its JWKS, and tokens signed with its key.
class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static const jose::Key key = jose::Key::generate_rsa();
    key_ = &key;
    http::ServerOptions options;
    options.access_log = false;
    idp_ = std::make_unique<http::Server>(options);
    idp_->route("GET", "/realms/demo/protocol/openid-connect/certs", [](const http::Request&, http::Response& res) {
      jose::JwkSet set({jose::Jwk{key.public_only(), "k1", jose::Alg::RS256, "sig"}});
      res.set_json(200, set.to_json());
    });
    idp_->start();
    AuthConfig config;
    config.issuer = idp_->url() + "/realms/demo";
    config.resource_metadata_url = "http://127.0.0.1:1/.well-known/oauth-protected-resource";
    auth_ = std::make_unique<Authenticator>(config);
  }

  std::string claims(std::int64_t exp, const std::string& aud = "mcp-client", const std::string& iss = "") const {
    return R"({"iss":")" + (iss.empty() ? idp_->url() + "/realms/demo" : iss) + R"(","sub":"uuid-alice","aud":[")" +
           aud + R"(","account"],"exp":)" + std::to_string(exp) + R"(,"preferred_username":"alice"})";
  }
  std::string token(const std::string& payload) const { return jose::sign_jwt(*key_, jose::Alg::RS256, payload, "k1"); }

  const jose::Key* key_ = nullptr;
  std::unique_ptr<http::Server> idp_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, ValidTokenGivesTheVerifiedSubject) {
  const std::string jwt = token(claims(now() + 300));
  const AuthResult result = auth_->authenticate("Bearer " + jwt);
  ASSERT_TRUE(result.principal.has_value()) << result.description;
  EXPECT_EQ(result.principal->subject, "uuid-alice");
  EXPECT_EQ(result.principal->username, "alice");
  EXPECT_EQ(result.principal->token, jwt);
  EXPECT_GT(result.principal->expires_at, now());
  EXPECT_TRUE(auth_->authenticate("bearer " + jwt).principal.has_value()) << "scheme is case-insensitive";
}

TEST_F(AuthenticatorTest, MissingTokenGetsTheBareChallenge) {
  for (const char* header : {"", "Basic YWxpY2U6YWxpY2UxMjM=", "Bearer"}) {
    const AuthResult result = auth_->authenticate(header);
    EXPECT_FALSE(result.principal.has_value());
    EXPECT_EQ(result.status, 401);
    EXPECT_EQ(result.www_authenticate,
              R"(Bearer resource_metadata="http://127.0.0.1:1/.well-known/oauth-protected-resource")")
        << header;
  }
}

TEST_F(AuthenticatorTest, RejectedTokensGetInvalidTokenWithTheReason) {
  const std::string good = token(claims(now() + 300));
  // Tampered: the payload says bob, the signature is alice's.
  const auto first_dot = good.find('.'), second_dot = good.find('.', first_dot + 1);
  std::string bob_payload = claims(now() + 300);
  bob_payload.replace(bob_payload.find("uuid-alice"), 10, "uuid-bob01");
  const std::string tampered = good.substr(0, first_dot + 1) + jose::base64url_encode(bob_payload) + good.substr(second_dot);

  const struct {
    std::string name, jwt, reason;
  } cases[] = {
      {"expired", token(claims(now() - 10)), "(expired)"},
      {"wrong audience", token(claims(now() + 300, "other-client")), "(wrong_audience)"},
      {"wrong issuer", token(claims(now() + 300, "mcp-client", "http://evil/realms/demo")), "(wrong_issuer)"},
      {"tampered payload", tampered, "(bad_signature)"},
      {"alg none", jose::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + jose::base64url_encode(claims(now() + 300)) + ".",
       "(unsupported_algorithm)"},
      {"garbage", "not-a-jwt", "(malformed)"},
  };
  for (const auto& c : cases) {
    const AuthResult result = auth_->authenticate("Bearer " + c.jwt);
    EXPECT_FALSE(result.principal.has_value()) << c.name;
    EXPECT_EQ(result.status, 401) << c.name;
    EXPECT_THAT(result.description, HasSubstr(c.reason)) << c.name;
    EXPECT_THAT(result.www_authenticate, StartsWith(R"(Bearer resource_metadata=")")) << c.name;
    EXPECT_THAT(result.www_authenticate, HasSubstr(R"(error="invalid_token", error_description="token rejected)")) << c.name;
    if (c.jwt.size() > 20) {
      EXPECT_THAT(result.www_authenticate, Not(HasSubstr(c.jwt))) << c.name;
    }
  }
}

TEST_F(AuthenticatorTest, UnreachableIdentityProviderIs503) {
  idp_->stop();
  AuthConfig config;
  config.issuer = idp_->url() + "/realms/demo";
  Authenticator cold(config);  // no keys cached yet
  const AuthResult result = cold.authenticate("Bearer " + token(claims(now() + 300)));
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_EQ(result.status, 503);
  EXPECT_THAT(result.description, HasSubstr("keys are unavailable"));
}

}  // namespace
}  // namespace mcph::broker
