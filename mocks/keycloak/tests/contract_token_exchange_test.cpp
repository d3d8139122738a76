// Contract tests for Keycloak 26's standard token exchange (RFC 8693, internal to internal), as
// the reference MCP servers use it to get a Vault-audience token for the user who called them
// instead of passing that user's token on: what the requester client needs, what the issued
// token carries, and every refusal with Keycloak's status, error and text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_fixture.h"
#include "mcph/jose/dpop.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::Contains;
using ::testing::Not;

constexpr const char* kExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr const char* kAccessToken = "urn:ietf:params:oauth:token-type:access_token";

// app's users get tokens with "server" in their audience; "server" may exchange them for the
// audience "vault" (its own audience mapper makes that audience available to it).
class TokenExchangeContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ASSERT_EQ(api().admin("POST", "/" + realm() + "/clients/" + app_uuid_ + "/protocol-mappers/models",
                          audience_mapper("server"))
                  .status,
              201);
    exchanger("server", "server-secret", true, nlohmann::json::array({audience_mapper("vault")}));
    exchanger("vault", "vault-secret", false, nlohmann::json::array());
  }

  void exchanger(const std::string& id, const std::string& secret, bool enabled, const nlohmann::json& mappers) {
    nlohmann::json rep = {{"clientId", id}, {"secret", secret}, {"standardFlowEnabled", false}, {"protocolMappers", mappers}};
    if (enabled) rep["attributes"] = {{"standard.token.exchange.enabled", "true"}};
    api().create_client(realm(), rep);
  }

  http::ClientResponse exchange(const http::Fields& extra, const std::string& client = "server",
                                const std::string& secret = "server-secret") {
    http::Fields form = {{"grant_type", kExchange}, {"client_id", client}};
    if (!secret.empty()) form.emplace_back("client_secret", secret);
    form.insert(form.end(), extra.begin(), extra.end());
    return api().oidc_post(realm(), "token", form);
  }
};

TEST_F(TokenExchangeContract, TheRequesterGetsATokenOfTheSameUserForTheAudienceItNames) {
  const auto user = login();
  const std::string subject = user.at("access_token");
  const auto response = exchange({{"subject_token", subject}, {"subject_token_type", kAccessToken}, {"audience", "vault"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json_of(response);
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("issued_token_type"), kAccessToken);
  EXPECT_FALSE(body.contains("refresh_token"));
  EXPECT_EQ(body.at("refresh_expires_in"), 0);
  const auto claims = claims_of(body.at("access_token"));
  EXPECT_EQ(claims.at("aud"), "vault");
  EXPECT_EQ(claims.at("azp"), "server");
  EXPECT_EQ(claims.at("typ"), "Bearer");
  EXPECT_EQ(claims.at("sub"), claims_of(subject).at("sub"));
  EXPECT_EQ(claims.at("sid"), claims_of(subject).at("sid"));
  EXPECT_NO_THROW(api().verify(realm(), body.at("access_token"), std::string("vault")));
  // Without an audience: every audience the requester's scopes make available.
  const auto all = exchange({{"subject_token", subject}, {"subject_token_type", kAccessToken}});
  ASSERT_EQ(all.status, 200) << all.body;
  const auto aud = claims_of(json_of(all).at("access_token")).at("aud");
  EXPECT_THAT(aud.get<std::vector<std::string>>(), Contains("vault"));
}

TEST_F(TokenExchangeContract, MissingOrWrongParametersAreInvalidRequest) {
  const std::string subject = login().at("access_token");
  expect_oauth_error(exchange({{"subject_token_type", kAccessToken}, {"audience", "vault"}}), 400, "invalid_request",
                     "Parameter 'subject_token' required for standard token exchange");
  expect_oauth_error(exchange({{"subject_token", subject}, {"audience", "vault"}}), 400, "invalid_request",
                     "Parameter 'subject_token_type' required for standard token exchange");
  expect_oauth_error(exchange({{"subject_token", subject},
                               {"subject_token_type", "urn:ietf:params:oauth:token-type:id_token"},
                               {"audience", "vault"}}),
                     400, "invalid_request", "Parameter 'subject_token' supports access tokens only");
  expect_oauth_error(exchange({{"subject_token", subject},
                               {"subject_token_type", kAccessToken},
                               {"audience", "vault"},
                               {"requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token"}}),
                     400, "invalid_request", "requested_token_type unsupported");
}

TEST_F(TokenExchangeContract, OnlyAnActiveAccessTokenOfTheRequestersAudienceIsExchanged) {
  const auto user = login("alice", "alice-pw", "openid");
  for (const std::string& bad : {std::string("abc.def.ghi"), user.at("id_token").get<std::string>(),
                                 user.at("refresh_token").get<std::string>()}) {
    expect_oauth_error(exchange({{"subject_token", bad}, {"subject_token_type", kAccessToken}, {"audience", "vault"}}),
                       400, "invalid_request", "Invalid token");
  }
  // A client with exchange enabled whose id is not in the token's audience.
  exchanger("other", "other-secret", true, nlohmann::json::array({audience_mapper("vault")}));
  expect_oauth_error(exchange({{"subject_token", user.at("access_token")}, {"subject_token_type", kAccessToken},
                               {"audience", "vault"}},
                              "other", "other-secret"),
                     403, "access_denied", "Client is not within the token audience");
  // After logout the token's session is gone.
  ASSERT_EQ(api().oidc_post(realm(), "logout",
                            {{"client_id", "app"}, {"client_secret", "app-secret"}, {"refresh_token", user.at("refresh_token")}})
                .status,
            204);
  expect_oauth_error(exchange({{"subject_token", user.at("access_token")}, {"subject_token_type", kAccessToken},
                               {"audience", "vault"}}),
                     400, "invalid_request", "Invalid token");
}

// An operator's changes after the token was issued: the token still verifies against the
// realm's keys, but Keycloak checks the user and the session behind a subject token, so a server
// that exchanges its callers' tokens learns of both at its next exchange.
TEST_F(TokenExchangeContract, ADisabledUsersOrASignedOutUsersTokenIsNotExchanged) {
  const auto alice_id = [&] {
    const auto users = nlohmann::json::parse(api().admin("GET", "/" + realm() + "/users?username=alice&exact=true").body);
    return users.at(0).at("id").get<std::string>();
  }();
  const auto token = login("alice", "alice-pw", "openid").at("access_token").get<std::string>();
  ASSERT_EQ(exchange({{"subject_token", token}, {"subject_token_type", kAccessToken}, {"audience", "vault"}}).status, 200);
  ASSERT_EQ(api().admin("PUT", "/" + realm() + "/users/" + alice_id, nlohmann::json{{"enabled", false}}).status, 204);
  expect_oauth_error(exchange({{"subject_token", token}, {"subject_token_type", kAccessToken}, {"audience", "vault"}}),
                     400, "invalid_request", "Invalid token");
  // Enabled again, the same token's session is still there: the exchange works again.
  ASSERT_EQ(api().admin("PUT", "/" + realm() + "/users/" + alice_id, nlohmann::json{{"enabled", true}}).status, 204);
  ASSERT_EQ(exchange({{"subject_token", token}, {"subject_token_type", kAccessToken}, {"audience", "vault"}}).status, 200);
  // The admin console's sign-out ends every session of the user.
  ASSERT_EQ(api().admin("POST", "/" + realm() + "/users/" + alice_id + "/logout").status, 204);
  expect_oauth_error(exchange({{"subject_token", token}, {"subject_token_type", kAccessToken}, {"audience", "vault"}}),
                     400, "invalid_request", "Invalid token");
}

TEST_F(TokenExchangeContract, TheRequesterMustBeAllowedAndTheAudienceAvailableToIt) {
  const std::string subject = login().at("access_token");
  const http::Fields ok = {{"subject_token", subject}, {"subject_token_type", kAccessToken}, {"audience", "vault"}};
  expect_oauth_error(exchange(ok, "vault", "vault-secret"), 400, "invalid_request",
                     "Standard token exchange is not enabled for the requested client");
  expect_oauth_error(exchange(ok, "server", "wrong"), 401, "unauthorized_client",
                     "Invalid client or Invalid client credentials");
  expect_oauth_error(exchange({{"subject_token", subject}, {"subject_token_type", kAccessToken}, {"audience", "nope"}}),
                     400, "invalid_client", "Audience not found");
  expect_oauth_error(exchange({{"subject_token", subject}, {"subject_token_type", kAccessToken}, {"audience", "app"}}),
                     400, "invalid_request", "Requested audience not available: app");
  api().create_client(realm(), {{"clientId", "public-one"},
                                {"publicClient", true},
                                {"standardFlowEnabled", false},
                                {"attributes", {{"standard.token.exchange.enabled", "true"}}}});
  expect_oauth_error(exchange(ok, "public-one", ""), 400, "invalid_client",
                     "Public client is not allowed to exchange token");
}

// Keycloak does not check a DPoP-bound subject token's binding: it exchanges it without a proof
// of its key, for a bearer token, and with a proof of any key, for a token bound to that key. A
// server that exchanges its caller's token must check the caller's proof itself first.
TEST_F(TokenExchangeContract, ABoundSubjectTokenIsExchangedWithoutAProofOfItsKey) {
  const std::string token_url = api_->issuer(realm()) + "/protocol/openid-connect/token";
  const auto proof_of = [&token_url](const jose::Key& key) {
    jose::DpopProofRequest request;
    request.htm = "POST";
    request.htu = token_url;
    return jose::create_dpop_proof(key, request);
  };
  const jose::Key users_key = jose::Key::generate_ec_p256();
  const auto issued = api().oidc_post(realm(), "token",
                                      {{"grant_type", "password"}, {"client_id", "app"}, {"client_secret", "app-secret"},
                                       {"username", "alice"}, {"password", "alice-pw"}},
                                      {{"DPoP", proof_of(users_key)}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string subject = json_of(issued).at("access_token");
  ASSERT_EQ(claims_of(subject).at("cnf").at("jkt"), users_key.thumbprint());

  const http::Fields form = {{"subject_token", subject}, {"subject_token_type", kAccessToken}, {"audience", "vault"}};
  const auto unproved = exchange(form);
  ASSERT_EQ(unproved.status, 200) << unproved.body;
  EXPECT_EQ(json_of(unproved).at("token_type"), "Bearer");
  const auto bearer = claims_of(json_of(unproved).at("access_token"));
  EXPECT_EQ(bearer.at("typ"), "Bearer");
  EXPECT_FALSE(bearer.contains("cnf"));
  EXPECT_EQ(bearer.at("aud"), "vault");

  const jose::Key servers_key = jose::Key::generate_ec_p256();
  http::Fields request = {{"grant_type", kExchange}, {"client_id", "server"}, {"client_secret", "server-secret"}};
  request.insert(request.end(), form.begin(), form.end());
  const auto proved = api().oidc_post(realm(), "token", request, {{"DPoP", proof_of(servers_key)}});
  ASSERT_EQ(proved.status, 200) << proved.body;
  const auto bound = claims_of(json_of(proved).at("access_token"));
  EXPECT_EQ(bound.at("typ"), "DPoP");
  EXPECT_EQ(bound.at("cnf").at("jkt"), servers_key.thumbprint()) << "bound to the proof's key, not the subject's";
}

}  // namespace
}  // namespace mcph::keycloak_test
