// Contract tests for a client that requires DPoP (attribute dpop.bound.access.tokens, the admin
// console's "OAuth 2.0 DPoP Bound Access Tokens Enabled"): every token request of that client
// must carry a proof, and what it gets is bound to the proof's key. Keycloak's feature dpop is on
// by default, so these run against any Keycloak 26.5.
#include <gtest/gtest.h>

#include "contract_fixture.h"
#include "mcph/jose/dpop.h"

namespace mcph::keycloak_test {
namespace {

using nlohmann::json;

class DpopRequiredContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    api().create_client(realm(), {{"clientId", "bound-app"},
                                  {"secret", "bound-secret"},
                                  {"directAccessGrantsEnabled", true},
                                  {"attributes", {{"dpop.bound.access.tokens", "true"}}}});
  }

  std::string token_url() const { return api_->issuer(realm()) + "/protocol/openid-connect/token"; }

  std::string proof() {
    jose::DpopProofRequest request;
    request.htm = "POST";
    request.htu = token_url();
    return jose::create_dpop_proof(key_, request);
  }

  http::ClientResponse token_request(http::Fields form, bool with_proof, const std::string& client = "bound-app",
                                     const std::string& secret = "bound-secret") {
    form.emplace_back("client_id", client);
    form.emplace_back("client_secret", secret);
    http::Fields headers;
    if (with_proof) headers.emplace_back("DPoP", proof());
    return api().oidc_post(realm(), "token", form, headers);
  }

  http::ClientResponse password_grant(bool with_proof, const std::string& client = "bound-app",
                                      const std::string& secret = "bound-secret") {
    return token_request({{"grant_type", "password"}, {"username", "alice"}, {"password", "alice-pw"}}, with_proof,
                         client, secret);
  }

  static json access_claims(const http::ClientResponse& response) {
    return claims_of(json::parse(response.body).at("access_token").get<std::string>());
  }

  jose::Key key_ = jose::Key::generate_ec_p256();
};

TEST_F(DpopRequiredContract, ATokenRequestWithoutAProofIsRefused) {
  expect_oauth_error(password_grant(false), 400, "invalid_request", "DPoP proof is missing");
}

TEST_F(DpopRequiredContract, ATokenRequestWithAProofGetsABoundToken) {
  const auto response = password_grant(true);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body).at("token_type"), "DPoP");
  EXPECT_EQ(access_claims(response).at("cnf").at("jkt"), key_.thumbprint());
}

TEST_F(DpopRequiredContract, ARefreshWithoutAProofIsRefused) {
  const auto issued = password_grant(true);
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string refresh_token = json::parse(issued.body).at("refresh_token");
  expect_oauth_error(token_request({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}}, false), 400,
                     "invalid_request", "DPoP proof is missing");
}

TEST_F(DpopRequiredContract, AClientThatDoesNotRequireDpopStillGetsABearerToken) {
  const auto response = password_grant(false, "app", "app-secret");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body).at("token_type"), "Bearer");
  EXPECT_FALSE(access_claims(response).contains("cnf"));
}

}  // namespace
}  // namespace mcph::keycloak_test
