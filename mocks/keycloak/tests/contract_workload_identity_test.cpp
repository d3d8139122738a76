// Contract tests for Keycloak 26.5's workload identity (preview features spiffe and
// client-auth-federated; DPoP on by default): an identity provider of type spiffe, clients that
// authenticate with a JWT-SVID of it (clientAuthenticatorType federated-jwt), DPoP-bound tokens
// (RFC 9449), and every refusal with Keycloak's status and text. The trust domain is mock-spiffe,
// run in process on loopback, which Keycloak reaches as the provider's bundle endpoint. Against a
// Keycloak started without the preview features every test is skipped, saying so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "contract_fixture.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jws.h"
#include "mcph/mock_spiffe/mock_spiffe.h"
#include "mcph/sync/unix_time.h"

namespace mcph::keycloak_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kTrustDomain = "mcp-identity.local";
constexpr const char* kAgent1 = "spiffe://mcp-identity.local/agent/agent-1";
constexpr const char* kAgent2 = "spiffe://mcp-identity.local/agent/agent-2";
constexpr const char* kAgent3 = "spiffe://mcp-identity.local/agent/agent-3";
constexpr const char* kJwtSpiffe = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe";
constexpr const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr const char* kNotIdentified = "Invalid client or Invalid client credentials";

mock_spiffe::Options trust_domain(const std::string& name, std::int64_t refresh_hint = 300) {
  mock_spiffe::Options options;
  options.trust_domain = name;
  options.workloads = {"agent-1", "agent-2", "agent-3"};
  options.refresh_hint = refresh_hint;
  options.access_log = false;
  return options;
}

// A realm with the SPIFFE provider "spiffe" for mcp-identity.local and the federated client
// "agent-1" (its SPIFFE ID kAgent1, service accounts on); agent-2 is registered in the trust
// domain but has no client.
class WorkloadIdentityContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    spiffe_.start();
    const auto created = create_provider("spiffe", "spiffe://" + std::string(kTrustDomain), spiffe_.url() + "/");
    if (created.status == 400 && created.body.find("Invalid identity provider id") != std::string::npos) {
      GTEST_SKIP() << "the Keycloak under test runs without the preview features spiffe and "
                      "client-auth-federated (kc.sh start --features=client-auth-federated,spiffe)";
    }
    ASSERT_EQ(created.status, 201) << created.body;
    agent_uuid_ = api().create_client(realm(), federated_client("agent-1", kAgent1, "spiffe"));
  }

  http::ClientResponse create_provider(const std::string& alias, const std::string& trust_domain, const std::string& bundle) {
    json config = {{"trustDomain", trust_domain}};
    if (!bundle.empty()) config["bundleEndpoint"] = bundle;
    return api().admin("POST", "/" + realm() + "/identity-provider/instances",
                       json{{"alias", alias}, {"providerId", "spiffe"}, {"config", config}});
  }

  static json federated_client(const std::string& client_id, const std::string& spiffe_id, const std::string& provider) {
    return {{"clientId", client_id},
            {"clientAuthenticatorType", "federated-jwt"},
            {"serviceAccountsEnabled", true},
            {"standardFlowEnabled", false},
            {"attributes", {{"jwt.credential.issuer", provider}, {"jwt.credential.sub", spiffe_id}}}};
  }

  std::string token_url() const { return api_->issuer(realm()) + "/protocol/openid-connect/token"; }
  std::string userinfo_url() const { return api_->issuer(realm()) + "/protocol/openid-connect/userinfo"; }

  // A JWT-SVID from the trust domain, for Keycloak's realm issuer unless told otherwise.
  std::string svid(mock_spiffe::MockSpiffe& domain, const std::string& spiffe_id, const json& audience = nullptr,
                   int ttl = 60) {
    http::Client client(domain.url());
    const auto response = client.post(
        "/_svid",
        json{{"spiffe_id", spiffe_id}, {"audience", audience.is_null() ? json(api().issuer(realm())) : audience}, {"ttl", ttl}}
            .dump(),
        "application/json");
    EXPECT_EQ(response.status, 200) << response.body;
    return json_of(response)["svids"][0]["svid"];
  }
  std::string svid(const std::string& spiffe_id = kAgent1) { return svid(spiffe_, spiffe_id); }

  std::string proof(const std::string& method, const std::string& url, const std::optional<std::string>& token = {},
                    const jose::Key* key = nullptr) {
    jose::DpopProofRequest request;
    request.htm = method;
    request.htu = url;
    request.access_token = token;
    return jose::create_dpop_proof(key != nullptr ? *key : dpop_key_, request);
  }

  http::ClientResponse token_request(const std::string& assertion, std::optional<std::string> dpop = std::string(),
                                     const http::Fields& extra = {}, const std::string& type = kJwtSpiffe) {
    http::Fields form = {{"grant_type", "client_credentials"}, {"client_assertion_type", type}, {"client_assertion", assertion}};
    form.insert(form.end(), extra.begin(), extra.end());
    http::Fields headers;
    if (dpop && dpop->empty()) dpop = proof("POST", token_url());
    if (dpop) headers.emplace_back("DPoP", *dpop);
    return api().oidc_post(realm(), "token", form, headers);
  }

  // A DPoP-bound access token of agent-1 with the openid scope (for userinfo).
  std::string bound_token() {
    const auto response = token_request(svid(), std::string(), {{"scope", "openid"}});
    EXPECT_EQ(response.status, 200) << response.body;
    return json_of(response).at("access_token");
  }

  http::ClientResponse userinfo(const http::Fields& headers) { return api().http().get(userinfo_path(), headers); }
  std::string userinfo_path() const { return "/realms/" + realm_ + "/protocol/openid-connect/userinfo"; }

  // A second trust domain of the same name whose bundle carries `refresh_hint`, behind the
  // provider "hinted" and agent-3's federated client (for the caching tests, which rotate its key).
  mock_spiffe::MockSpiffe& hinted_trust_domain(std::int64_t refresh_hint) {
    hinted_.emplace(trust_domain(kTrustDomain, refresh_hint));
    hinted_->start();
    const auto created = create_provider("hinted", "spiffe://" + std::string(kTrustDomain), hinted_->url() + "/");
    EXPECT_EQ(created.status, 201) << created.body;
    api().create_client(realm(), federated_client("agent-3", kAgent3, "hinted"));
    return *hinted_;
  }

  // The trust domain signs with a new key from now on and no longer publishes the old one.
  static void rotate_and_remove_the_old_key(mock_spiffe::MockSpiffe& domain) {
    http::Client admin(domain.url());
    const std::string old_kid = json_of(admin.get("/_keys"))["keys"][0]["kid"];
    ASSERT_EQ(admin.post("/_keys/activate", "{}", "application/json").status, 200);
    ASSERT_EQ(admin.request("DELETE", "/_keys/" + old_kid).status, 204);
  }

  // On a machine so loaded that a timed step came too late, nothing is learned from it.
  static void note_too_late(const std::string& what, std::chrono::steady_clock::duration after) {
    std::cout << "[ note ] asked for " << what << " "
              << std::chrono::duration_cast<std::chrono::milliseconds>(after).count()
              << " ms after the fetch: too late to tell\n";
  }

  mock_spiffe::MockSpiffe spiffe_{trust_domain(kTrustDomain)};
  std::optional<mock_spiffe::MockSpiffe> hinted_;
  jose::Key dpop_key_ = jose::Key::generate_ec_p256();
  std::string agent_uuid_;
};

void expect_dpop_refused(const http::ClientResponse& response, const std::string& description) {
  expect_oauth_error(response, 400, "invalid_request", description);
}

TEST_F(WorkloadIdentityContract, TheSpiffeProviderIsShownAsKeycloakShowsIt) {
  const auto response = api().admin("GET", "/" + realm() + "/identity-provider/instances/spiffe");
  ASSERT_EQ(response.status, 200) << response.body;
  const json provider = json_of(response);
  EXPECT_EQ(provider.at("alias"), "spiffe");
  EXPECT_EQ(provider.at("providerId"), "spiffe");
  EXPECT_EQ(provider.at("enabled"), true);
  EXPECT_FALSE(provider.at("internalId").get<std::string>().empty());
  EXPECT_EQ(provider.at("config").at("trustDomain"), "spiffe://mcp-identity.local");
  EXPECT_EQ(provider.at("config").at("bundleEndpoint"), spiffe_.url() + "/");
  const json listing = json_of(api().admin("GET", "/" + realm() + "/identity-provider/instances"));
  ASSERT_EQ(listing.size(), 1u);
  EXPECT_EQ(listing[0].at("alias"), "spiffe");
  const json client = json_of(api().admin("GET", "/" + realm() + "/clients/" + agent_uuid_));
  EXPECT_EQ(client.at("clientAuthenticatorType"), "federated-jwt");
  EXPECT_EQ(client.at("attributes").at("jwt.credential.sub"), kAgent1);
}

// Keycloak 26.5 shows a provider's flags only when they were given and adds nothing to its
// config; the provider's types say what it is for.
TEST_F(WorkloadIdentityContract, TheSpiffeProviderShowsWhatWasGivenAndItsType) {
  const json provider = json_of(api().admin("GET", "/" + realm() + "/identity-provider/instances/spiffe"));
  EXPECT_FALSE(provider.contains("hideOnLogin"));
  EXPECT_FALSE(provider.contains("trustEmail"));
  EXPECT_FALSE(provider.contains("updateProfileFirstLoginMode"));
  EXPECT_EQ(provider.at("config"),
            (json{{"trustDomain", "spiffe://mcp-identity.local"}, {"bundleEndpoint", spiffe_.url() + "/"}}));
  EXPECT_EQ(provider.at("types"), json::array({"CLIENT_ASSERTION"}));
  const std::string path = "/" + realm() + "/identity-provider/instances";
  ASSERT_EQ(api().admin("POST", path,
                        json{{"alias", "flagged"}, {"providerId", "spiffe"}, {"hideOnLogin", false}, {"trustEmail", true},
                             {"config", {{"trustDomain", "spiffe://other.local"}}}})
                .status,
            201);
  const json flagged = json_of(api().admin("GET", path + "/flagged"));
  EXPECT_EQ(flagged.at("hideOnLogin"), false);
  EXPECT_EQ(flagged.at("trustEmail"), true);
  EXPECT_FALSE(flagged.contains("linkOnly"));
}

TEST_F(WorkloadIdentityContract, ProvidersAreRefusedWithKeycloaksTexts) {
  const auto again = create_provider("spiffe", "spiffe://mcp-identity.local", spiffe_.url() + "/");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_of(again).at("errorMessage"), "Identity Provider spiffe already exists");
  for (const std::string trust_domain : {"mcp-identity.local", "spiffe://Upper.local", "https://mcp-identity.local"}) {
    const auto bad = create_provider("bad", trust_domain, spiffe_.url() + "/");
    EXPECT_EQ(bad.status, 400) << trust_domain;
    EXPECT_EQ(json_of(bad).at("errorMessage"), "Invalid trust domain name") << trust_domain;
  }
  const auto remote = create_provider("remote", "spiffe://x", "http://bundle.example.com/");
  EXPECT_EQ(remote.status, 400);
  EXPECT_EQ(json_of(remote).at("errorMessage"), "The url [bundleEndpoint] requires secure connections");
  const auto unknown = api().admin("POST", "/" + realm() + "/identity-provider/instances",
                                   json{{"alias", "x"}, {"providerId", "no-such-type"}, {"config", json::object()}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(json_of(unknown).at("errorMessage"), "Invalid identity provider id [no-such-type]");
  const auto missing = api().admin("GET", "/" + realm() + "/identity-provider/instances/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing).at("error"), "HTTP 404 Not Found");
}

// Keycloak 26.5 renamed the key: config.issuer alone no longer names a trust domain, and
// whatever it holds plays no part.
TEST_F(WorkloadIdentityContract, TheTrustDomainIsReadFromTrustDomainAlone) {
  const std::string path = "/" + realm() + "/identity-provider/instances";
  const auto issuer_only = api().admin(
      "POST", path,
      json{{"alias", "old"}, {"providerId", "spiffe"},
           {"config", {{"issuer", "spiffe://mcp-identity.local"}, {"bundleEndpoint", spiffe_.url() + "/"}}}});
  EXPECT_EQ(issuer_only.status, 400);
  EXPECT_EQ(json_of(issuer_only).at("errorMessage"), "Invalid trust domain name");
  const auto any_issuer = api().admin(
      "POST", path,
      json{{"alias", "new"}, {"providerId", "spiffe"},
           {"config", {{"trustDomain", "spiffe://mcp-identity.local"}, {"issuer", "not a trust domain"},
                       {"bundleEndpoint", spiffe_.url() + "/"}}}});
  EXPECT_EQ(any_issuer.status, 201) << any_issuer.body;
}

TEST_F(WorkloadIdentityContract, AWorkloadTradesItsSvidForADpopBoundToken) {
  const auto response = token_request(svid());
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = json_of(response);
  EXPECT_EQ(body.at("token_type"), "DPoP");
  EXPECT_EQ(body.at("refresh_expires_in"), 0);
  EXPECT_FALSE(body.contains("refresh_token"));
  const std::string token = body.at("access_token");
  api().verify(realm(), token);  // the realm's signature and issuer
  const json claims = claims_of(token);
  EXPECT_EQ(claims.at("typ"), "DPoP");
  EXPECT_EQ(claims.at("cnf").at("jkt"), dpop_key_.thumbprint());
  EXPECT_EQ(claims.at("azp"), "agent-1");
  EXPECT_EQ(claims.at("client_id"), "agent-1");
  EXPECT_EQ(claims.at("preferred_username"), "service-account-agent-1");
}

// A team's realm as `kc.sh export` writes it: its SPIFFE provider and its federated clients
// inside the RealmRepresentation, named its own way (the client is not its SPIFFE ID). Imported,
// the provider is shown as one made through its own API, and the client's workload trades its
// SVID for a token of that realm whose azp is the client's name.
TEST_F(WorkloadIdentityContract, ARealmImportedWithItsSpiffeProviderAndClientsTakesTheirSvids) {
  const std::string name = "ct-spiffe-import-" + random_suffix();
  api().create_realm({{"realm", name},
                      {"enabled", true},
                      {"identityProviders",
                       {{{"alias", "acme-spire"},
                         {"providerId", "spiffe"},
                         {"enabled", true},
                         {"config", {{"trustDomain", "spiffe://" + std::string(kTrustDomain)}, {"bundleEndpoint", spiffe_.url() + "/"}}}}}},
                      {"clients", {federated_client("billing", kAgent2, "acme-spire")}}});
  RealmCleanup cleanup{api(), name};

  const auto provider = api().admin("GET", "/" + name + "/identity-provider/instances/acme-spire");
  ASSERT_EQ(provider.status, 200) << provider.body;
  EXPECT_EQ(json_of(provider).at("providerId"), "spiffe");
  EXPECT_EQ(json_of(provider).at("config").at("trustDomain"), "spiffe://" + std::string(kTrustDomain));

  const std::string token_url = api().issuer(name) + "/protocol/openid-connect/token";
  const auto token = [&](const std::string& spiffe_id) {
    return api().oidc_post(name, "token",
                           {{"grant_type", "client_credentials"},
                            {"client_assertion_type", kJwtSpiffe},
                            {"client_assertion", svid(spiffe_, spiffe_id, json(api().issuer(name)))}},
                           {{"DPoP", proof("POST", token_url)}});
  };
  const auto granted = token(kAgent2);
  ASSERT_EQ(granted.status, 200) << granted.body;
  const json claims = claims_of(json_of(granted).at("access_token"));
  api().verify(name, json_of(granted).at("access_token"));
  EXPECT_EQ(claims.at("azp"), "billing");
  EXPECT_EQ(claims.at("cnf").at("jkt"), dpop_key_.thumbprint());
  // agent-1 is a client of the fixture's realm, not of the imported one.
  expect_oauth_error(token(kAgent1), 401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, WithoutAProofTheTokenIsABearerToken) {
  const auto response = token_request(svid(), std::nullopt);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json_of(response).at("token_type"), "Bearer");
  const json claims = claims_of(json_of(response).at("access_token"));
  EXPECT_EQ(claims.at("typ"), "Bearer");
  EXPECT_FALSE(claims.contains("cnf"));
}

TEST_F(WorkloadIdentityContract, TheSameSvidMayBeUsedAgain) {
  // JWT-SVIDs have no jti and are cached by their workloads: Keycloak permits reuse.
  const std::string assertion = svid();
  EXPECT_EQ(token_request(assertion).status, 200);
  EXPECT_EQ(token_request(assertion).status, 200);
}

TEST_F(WorkloadIdentityContract, AnSvidMayLiveLongerThanFiveMinutes) {
  // Only an iat more than 300 s past is refused: a 600 s SVID is taken while it is fresh.
  EXPECT_EQ(token_request(svid(spiffe_, kAgent1, nullptr, 600)).status, 200);
}

TEST_F(WorkloadIdentityContract, RefusesAnotherAgentsSpiffeId) {
  expect_oauth_error(token_request(svid(kAgent2)), 401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, RefusesASpiffeIdOutsideTheProvidersTrustDomain) {
  // An attacker's trust domain registers a workload; a client names its SPIFFE ID but the
  // mcp-identity.local provider: the SVID's sub is not of that provider's trust domain.
  mock_spiffe::MockSpiffe foreign(trust_domain("attacker.example"));
  foreign.start();
  api().create_client(realm(), federated_client("foreign", "spiffe://attacker.example/agent/agent-1", "spiffe"));
  expect_oauth_error(token_request(svid(foreign, "spiffe://attacker.example/agent/agent-1")), 401, "invalid_client",
                     kNotIdentified);
}

// The same SPIFFE ID, signed by the key the provider trusts (mock-spiffe's "foreign" SVID, what
// SPIRE never mints): the key lookup and the signature pass, and the trust-domain comparison, which
// Keycloak makes before them, refuses it alone.
TEST_F(WorkloadIdentityContract, RefusesASpiffeIdOutsideTheProvidersTrustDomainSignedByItsOwnKey) {
  const std::string foreign = "spiffe://attacker.example/agent/agent-1";
  api().create_client(realm(), federated_client("foreign", foreign, "spiffe"));
  const auto minted = http::Client(spiffe_.url())
                          .post("/_svid", json{{"spiffe_id", foreign}, {"audience", api().issuer(realm())}, {"foreign", true}}.dump(),
                                "application/json");
  ASSERT_EQ(minted.status, 200) << minted.body;
  expect_oauth_error(token_request(json_of(minted)["svids"][0]["svid"]), 401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, RefusesAnAttackersKeyUnderTheBundlesKid) {
  const std::string kid = jose::JwkSet::from_json(http::Client(spiffe_.url()).get("/").body).keys().at(0).kid;
  const jose::Key attacker = jose::Key::generate_ec_p256();
  const std::int64_t now = sync::unix_seconds();
  const json claims = {{"sub", kAgent1}, {"aud", {api().issuer(realm())}}, {"exp", now + 60}, {"iat", now}};
  expect_oauth_error(token_request(jose::sign_jwt(attacker, jose::Alg::ES256, claims.dump(), kid)), 401,
                     "invalid_client", kNotIdentified);
  expect_oauth_error(token_request(jose::sign_jwt(attacker, jose::Alg::ES256, claims.dump(), "unknown-kid")), 401,
                     "invalid_client", kNotIdentified);
  const std::string unsigned_svid = codec::base64url_encode(R"({"alg":"none"})") + "." +
                                    codec::base64url_encode(claims.dump()) + ".";
  expect_oauth_error(token_request(unsigned_svid), 401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, RefusesAnSvidForAnotherAudienceOrForSeveral) {
  expect_oauth_error(token_request(svid(spiffe_, kAgent1, "http://elsewhere.example/realms/x")), 400, "invalid_client",
                     "Invalid token audience");
  expect_oauth_error(token_request(svid(spiffe_, kAgent1, json::array({api().issuer(realm()), "other"}))), 400,
                     "invalid_client", "Multiple audiences not allowed");
}

TEST_F(WorkloadIdentityContract, RefusesAnExpiredSvid) {
  const std::string assertion = svid(spiffe_, kAgent1, nullptr, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  expect_oauth_error(token_request(assertion), 400, "invalid_client", "Token is not active");
}

TEST_F(WorkloadIdentityContract, RefusesOtherAssertionTypesAndAMissingAssertion) {
  expect_oauth_error(token_request(svid(), std::string(), {}, kJwtBearer), 401, "invalid_client", kNotIdentified);
  expect_oauth_error(token_request("not-a-jwt"), 401, "invalid_client", kNotIdentified);
  expect_oauth_error(api().oidc_post(realm(), "token", {{"grant_type", "client_credentials"}, {"client_assertion_type", kJwtSpiffe}}),
                     401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, AClientIdMustBeTheSpiffeId) {
  expect_oauth_error(token_request(svid(), std::string(), {{"client_id", "agent-1"}}), 400, "invalid_client",
                     "client_id parameter does not match sub claim");
  EXPECT_EQ(token_request(svid(), std::string(), {{"client_id", kAgent1}}).status, 200);
}

TEST_F(WorkloadIdentityContract, RefusesADisabledClientAndOneWithoutFederatedAuthentication) {
  ASSERT_EQ(api().admin("PUT", "/" + realm() + "/clients/" + agent_uuid_, json{{"enabled", false}}).status, 204);
  expect_oauth_error(token_request(svid()), 401, "invalid_client", kNotIdentified);
  json secret_client = federated_client("agent-3", kAgent3, "spiffe");
  secret_client.erase("clientAuthenticatorType");
  api().create_client(realm(), secret_client);
  expect_oauth_error(token_request(svid(kAgent3)), 401, "invalid_client",
                     kNotIdentified);
}

TEST_F(WorkloadIdentityContract, RefusesOnceTheProviderIsDeleted) {
  ASSERT_EQ(api().admin("DELETE", "/" + realm() + "/identity-provider/instances/spiffe").status, 204);
  expect_oauth_error(token_request(svid()), 401, "invalid_client", kNotIdentified);
}

// Keycloak 26.5 ignores an assertion whose provider is disabled, and takes it again once the
// provider is enabled.
TEST_F(WorkloadIdentityContract, RefusesWhileTheProviderIsDisabled) {
  const std::string path = "/" + realm() + "/identity-provider/instances/spiffe";
  json provider = json_of(api().admin("GET", path));
  provider["enabled"] = false;
  ASSERT_EQ(api().admin("PUT", path, provider).status, 204);
  expect_oauth_error(token_request(svid()), 401, "invalid_client", kNotIdentified);
  provider["enabled"] = true;
  ASSERT_EQ(api().admin("PUT", path, provider).status, 204);
  EXPECT_EQ(token_request(svid()).status, 200);
}

// Keycloak 26.5's federated authenticator ignores a self-signed assertion (iss equal to sub)
// before it looks for a client: without iss, the same assertion reaches the validator, whose
// client_id check comes before the signature's.
TEST_F(WorkloadIdentityContract, IgnoresAnAssertionWhoseIssuerIsItsSubject) {
  const jose::Key key = jose::Key::generate_ec_p256();
  const std::int64_t now = sync::unix_seconds();
  json claims = {{"sub", kAgent1}, {"aud", {api().issuer(realm())}}, {"exp", now + 60}, {"iat", now}};
  const http::Fields client_id = {{"client_id", "agent-1"}};
  expect_oauth_error(token_request(jose::sign_jwt(key, jose::Alg::ES256, claims.dump(), "kid"), std::string(), client_id),
                     400, "invalid_client", "client_id parameter does not match sub claim");
  claims["iss"] = kAgent1;
  expect_oauth_error(token_request(jose::sign_jwt(key, jose::Alg::ES256, claims.dump(), "kid"), std::string(), client_id),
                     401, "invalid_client", kNotIdentified);
}

// Keycloak 26.5 looks the identity provider of a jwt-bearer assertion up by its iss among the
// providers' config.issuer, and the client by sub and that provider's alias; a SPIFFE provider
// found that way takes SVIDs alone (client_assertion_type jwt-spiffe): the assertion is refused
// as one no authenticator identified, as it is when no provider has its iss.
TEST_F(WorkloadIdentityContract, AJwtBearerAssertionIsNotTakenByASpiffeProviderOfItsIssuer) {
  const std::string issuer = "https://issuer.example";
  ASSERT_EQ(api().admin("POST", "/" + realm() + "/identity-provider/instances",
                        json{{"alias", "issued"}, {"providerId", "spiffe"},
                             {"config", {{"trustDomain", "spiffe://mcp-identity.local"}, {"issuer", issuer},
                                         {"bundleEndpoint", spiffe_.url() + "/"}}}})
                .status,
            201);
  api().create_client(realm(), federated_client("agent-3", kAgent3, "issued"));
  const std::int64_t now = sync::unix_seconds();
  const json claims = {{"iss", issuer}, {"sub", kAgent3}, {"aud", {api().issuer(realm())}}, {"exp", now + 60}, {"iat", now}};
  const std::string assertion = jose::sign_jwt(jose::Key::generate_ec_p256(), jose::Alg::ES256, claims.dump(), "kid");
  expect_oauth_error(token_request(assertion, std::string(), {}, kJwtBearer), 401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, RefusesBadDpopProofsAtTheTokenEndpointWithKeycloaksTexts) {
  expect_dpop_refused(token_request(svid(), proof("GET", token_url())), "DPoP HTTP method mismatch");
  expect_dpop_refused(token_request(svid(), proof("POST", token_url() + "/other")), "DPoP HTTP URL mismatch");
  jose::DpopProofRequest old_proof{"POST", token_url(), {}, sync::unix_seconds() - 60, {}, {}};
  expect_dpop_refused(token_request(svid(), jose::create_dpop_proof(dpop_key_, old_proof)), "DPoP proof is not active");
  jose::DpopProofRequest future_proof{"POST", token_url(), {}, sync::unix_seconds() + 60, {}, {}};
  expect_dpop_refused(token_request(svid(), jose::create_dpop_proof(dpop_key_, future_proof)), "DPoP proof is not active");
  const std::string once = proof("POST", token_url());
  EXPECT_EQ(token_request(svid(), once).status, 200);
  expect_dpop_refused(token_request(svid(), once), "DPoP proof has already been used");
  expect_dpop_refused(token_request(svid(), "garbage"), "DPoP header verification failure");
}

TEST_F(WorkloadIdentityContract, RefusesDpopProofsWithABadHeaderOrSignature) {
  const json jwk = json::parse(jose::Jwk{dpop_key_.public_only(), {}, std::nullopt, {}}.to_public_json());
  const json claims = {{"jti", random_suffix()}, {"htm", "POST"}, {"htu", token_url()}, {"iat", sync::unix_seconds()}};
  auto forged = [&](const json& header, const jose::Key& key) {
    return jose::sign_compact(key, jose::Alg::ES256, header.dump(), claims.dump());
  };
  expect_dpop_refused(token_request(svid(), forged({{"typ", "JWT"}, {"alg", "ES256"}, {"jwk", jwk}}, dpop_key_)),
                      "Invalid or missing type in DPoP header: JWT");
  expect_dpop_refused(token_request(svid(), forged({{"alg", "ES256"}, {"jwk", jwk}}, dpop_key_)),
                      "Invalid or missing type in DPoP header: null");
  expect_dpop_refused(token_request(svid(), forged({{"typ", "dpop+jwt"}, {"alg", "ES256"}}, dpop_key_)),
                      "No JWK in DPoP header");
  expect_dpop_refused(
      token_request(svid(), forged({{"typ", "dpop+jwt"}, {"alg", "ES256"}, {"jwk", jwk}}, jose::Key::generate_ec_p256())),
      "DPoP verification failure: org.keycloak.exceptions.TokenSignatureInvalidException: Invalid token signature");
  const std::string none = codec::base64url_encode(json{{"typ", "dpop+jwt"}, {"alg", "none"}, {"jwk", jwk}}.dump()) +
                           "." + codec::base64url_encode(claims.dump()) + ".";
  expect_dpop_refused(token_request(svid(), none), "Unsupported DPoP algorithm: none");
  json no_jti = claims;
  no_jti.erase("jti");
  expect_dpop_refused(token_request(svid(), jose::sign_compact(dpop_key_, jose::Alg::ES256,
                                                               json{{"typ", "dpop+jwt"}, {"alg", "ES256"}, {"jwk", jwk}}.dump(),
                                                               no_jti.dump())),
                      "DPoP mandatory claims are missing");
}

// Keycloak (DPoPUtil) does not make RFC 9449 §4.3's step 7: a proof whose jwk also carries the
// private key is taken, and binds the token to that key.
TEST_F(WorkloadIdentityContract, TakesAProofWhoseJwkCarriesThePrivateKey) {
  jose::DpopProofTampering tampering;
  tampering.private_jwk = true;
  const auto response =
      token_request(svid(), jose::create_dpop_proof(dpop_key_, {"POST", token_url(), {}, {}, {}, {}}, tampering));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(claims_of(json_of(response).at("access_token")).at("cnf").at("jkt"), dpop_key_.thumbprint());
}

TEST_F(WorkloadIdentityContract, TheClientIsAuthenticatedBeforeTheProofIsChecked) {
  expect_oauth_error(token_request("not-a-jwt", proof("GET", token_url())), 401, "invalid_client", kNotIdentified);
}

TEST_F(WorkloadIdentityContract, UserinfoTakesTheBoundTokenOnlyWithAProofByItsKey) {
  const std::string token = bound_token();
  const auto ok = userinfo({{"Authorization", "DPoP " + token}, {"DPoP", proof("GET", userinfo_url(), token)}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json_of(ok).at("preferred_username"), "service-account-agent-1");

  const auto as_bearer = userinfo({{"Authorization", "Bearer " + token}});
  EXPECT_EQ(as_bearer.status, 401);
  EXPECT_EQ(as_bearer.header("WWW-Authenticate"),
            "Bearer realm=\"" + realm() + "\", error=\"invalid_token\", error_description=\"Token verification failed\"");
  const jose::Key thief = jose::Key::generate_ec_p256();
  const std::string replayed = proof("GET", userinfo_url(), token);
  EXPECT_EQ(userinfo({{"Authorization", "DPoP " + token}, {"DPoP", replayed}}).status, 200);
  for (const auto& [what, headers] : std::vector<std::pair<std::string, http::Fields>>{
           {"no proof", {{"Authorization", "DPoP " + token}}},
           {"no ath", {{"Authorization", "DPoP " + token}, {"DPoP", proof("GET", userinfo_url())}}},
           {"another key", {{"Authorization", "DPoP " + token}, {"DPoP", proof("GET", userinfo_url(), token, &thief)}}},
           {"another method", {{"Authorization", "DPoP " + token}, {"DPoP", proof("POST", userinfo_url(), token)}}},
           {"another URL", {{"Authorization", "DPoP " + token}, {"DPoP", proof("GET", token_url(), token)}}},
           {"a replayed proof", {{"Authorization", "DPoP " + token}, {"DPoP", replayed}}}}) {
    const auto refused = userinfo(headers);
    EXPECT_EQ(refused.status, 401) << what;
    EXPECT_THAT(refused.header("WWW-Authenticate"), StartsWith("DPoP algs=\"")) << what;
    EXPECT_THAT(refused.header("WWW-Authenticate"), HasSubstr("error=\"invalid_token\"")) << what;
    EXPECT_THAT(refused.header("WWW-Authenticate"), HasSubstr("realm=\"" + realm() + "\"")) << what;
  }
}

TEST_F(WorkloadIdentityContract, DiscoveryListsTheProofAlgorithms) {
  const json doc = json_of(api().http().get("/realms/" + realm() + "/.well-known/openid-configuration"));
  EXPECT_THAT(doc.at("dpop_signing_alg_values_supported"), ::testing::IsSupersetOf({"ES256", "RS256"}));
}

// Keycloak keeps a provider's keys until a token names a kid it lacks, and fetches the bundle
// again for that at most every 10 s: a key the trust domain removed keeps verifying meanwhile,
// and a new key is unknown until the next allowed fetch. Keycloak 26.5 also keeps a bundle no
// longer than its refresh hint counted in milliseconds (below): this bundle's hint, 86,400 s,
// keeps it 86 s there, longer than the test.
TEST_F(WorkloadIdentityContract, TheBundleIsCachedARemovedKeyStillVerifiesANewOneWaitsForTheNextFetch) {
  mock_spiffe::MockSpiffe& domain = hinted_trust_domain(86400);
  const std::string before_rotation = svid(domain, kAgent3);
  ASSERT_EQ(token_request(svid(domain, kAgent3)).status, 200);  // Keycloak has fetched the bundle now
  const auto fetched_at = std::chrono::steady_clock::now();
  rotate_and_remove_the_old_key(domain);
  EXPECT_EQ(token_request(before_rotation).status, 200) << "the removed key verifies from the cache";
  // A kid not yet fetched is refused while the 10 s since the fetch last; on a machine so loaded
  // that they have nearly passed already, the server may fetch again, and nothing is learned.
  const std::string unknown_kid = svid(domain, kAgent3);
  const auto asked_at = std::chrono::steady_clock::now();
  const http::ClientResponse refused = token_request(unknown_kid);
  if (std::chrono::steady_clock::now() - fetched_at < std::chrono::seconds(9)) {
    expect_oauth_error(refused, 401, "invalid_client", kNotIdentified);
  } else {
    note_too_late("the new kid", asked_at - fetched_at);
  }
  // The next fetch is allowed 10 s after the last one; on a loaded machine Keycloak has been seen
  // to take a few seconds more, so the new key is asked for once a second up to 20 s after it.
  std::this_thread::sleep_until(fetched_at + std::chrono::milliseconds(10500));
  int status = token_request(svid(domain, kAgent3)).status;
  while (status != 200 && std::chrono::steady_clock::now() < fetched_at + std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    status = token_request(svid(domain, kAgent3)).status;
  }
  EXPECT_EQ(status, 200) << "the new key is fetched at the next fetch allowed after the last one";
  expect_oauth_error(token_request(before_rotation), 401, "invalid_client", kNotIdentified);
}

// Keycloak 26.5 reads the bundle's spiffe_refresh_hint, which SPIFFE gives in seconds, as the
// milliseconds its cache keeps the bundle (SpiffeBundleEndpointLoader makes it the cache
// entry's expiration): a hint of 3,000 s keeps it 3 s, and the first token after them fetches
// the bundle at once, though 10 s have not passed.
TEST_F(WorkloadIdentityContract, ABundleIsKeptAsManyMillisecondsAsItsRefreshHintSaysSeconds) {
  mock_spiffe::MockSpiffe& domain = hinted_trust_domain(3000);
  const std::string before_rotation = svid(domain, kAgent3);
  ASSERT_EQ(token_request(svid(domain, kAgent3)).status, 200);
  const auto fetched_at = std::chrono::steady_clock::now();
  rotate_and_remove_the_old_key(domain);
  const http::ClientResponse removed_key = token_request(before_rotation);
  const http::ClientResponse new_key = token_request(svid(domain, kAgent3));
  if (std::chrono::steady_clock::now() - fetched_at < std::chrono::milliseconds(2500)) {
    EXPECT_EQ(removed_key.status, 200) << "the removed key verifies while the bundle is kept";
    expect_oauth_error(new_key, 401, "invalid_client", kNotIdentified);
  } else {
    note_too_late("the keys", std::chrono::steady_clock::now() - fetched_at);
  }
  std::this_thread::sleep_until(fetched_at + std::chrono::milliseconds(3500));
  const auto asked_at = std::chrono::steady_clock::now();
  EXPECT_EQ(token_request(svid(domain, kAgent3)).status, 200) << "the bundle is fetched once its 3 s are over";
  expect_oauth_error(token_request(before_rotation), 401, "invalid_client", kNotIdentified);
  // Past 10 s a fetch would be allowed anyway, and the 3 s would not be what was seen.
  if (asked_at - fetched_at >= std::chrono::milliseconds(9500)) note_too_late("the new key", asked_at - fetched_at);
}

// SPIRE's bundle endpoint gives a hint of 300 s by default, which Keycloak 26.5 keeps 0.3 s: a
// key the trust domain removed is refused, and a new one taken, by the first token after that.
TEST_F(WorkloadIdentityContract, WithSpiresDefaultHintARemovedKeyIsRefusedWithinASecond) {
  const std::string before_rotation = svid();
  ASSERT_EQ(token_request(svid()).status, 200);
  rotate_and_remove_the_old_key(spiffe_);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(token_request(svid()).status, 200) << "the new key is taken half a second after the fetch";
  expect_oauth_error(token_request(before_rotation), 401, "invalid_client", kNotIdentified);
}

}  // namespace
}  // namespace mcph::keycloak_test
