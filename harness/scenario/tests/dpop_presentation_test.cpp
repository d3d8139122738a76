// A held DPoP-bound token presented as a step bends it (steps/dpop_presentation.h): the honest
// proof passes every check of RFC 9449 §4.3 for the very request, and each bend fails exactly
// the check a server must make of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/jose/dpop.h"
#include "steps/dpop_presentation.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;

const std::string kUrl = "https://jira.example:8443/mcp";
const std::string kToken = "header.payload.signature";

class DpopPresentationTest : public ::testing::Test {
 protected:
  // The check a server makes of the proof `bent` presents for POST kUrl, or "" when it passes.
  std::string failed_check(const DpopPresentation& bent) const {
    const DpopPresenter presenter(bent, key_, kToken);
    jose::DpopVerifyOptions options;
    options.htm = "POST";
    options.htu = kUrl;
    options.access_token = kToken;
    options.expected_jkt = key_.thumbprint();
    try {
      jose::verify_dpop_proof(presenter.proof("POST", kUrl + "?page=2#top"), options, nullptr);
      return "";
    } catch (const jose::DpopError& e) {
      return std::string(jose::to_string(e.check()));
    }
  }

  jose::Key key_ = jose::Key::generate_ec_p256();
};

TEST_F(DpopPresentationTest, TheHonestProofIsForThisVeryRequestByTheTokensKey) {
  EXPECT_EQ(failed_check({}), "");
  const DpopPresenter presenter({}, key_, kToken);
  const http::Fields headers = presenter.headers("POST", kUrl);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"Authorization", "DPoP " + kToken}));
  EXPECT_EQ(headers[1].first, "DPoP");
  EXPECT_NE(presenter.proof("POST", kUrl), presenter.proof("POST", kUrl)) << "a fresh jti each time";
}

TEST_F(DpopPresentationTest, EachBendFailsItsOwnCheck) {
  const auto bent = [](auto change) {
    DpopPresentation presentation;
    change(presentation);
    return presentation;
  };
  EXPECT_EQ(failed_check(bent([](auto& p) { p.htm = "GET"; })), jose::to_string(jose::DpopCheck::method_mismatch));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.htu = "https://elsewhere.example/mcp"; })), jose::to_string(jose::DpopCheck::uri_mismatch));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.iat_offset = -300; })), jose::to_string(jose::DpopCheck::not_active));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.iat_offset = 300; })), jose::to_string(jose::DpopCheck::not_active));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.ath = DpopAth::omit; })), jose::to_string(jose::DpopCheck::missing_ath));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.ath = DpopAth::wrong; })), jose::to_string(jose::DpopCheck::ath_mismatch));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.proof_by_stranger = true; })), jose::to_string(jose::DpopCheck::key_mismatch));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.typ = "JWT"; })), jose::to_string(jose::DpopCheck::wrong_type));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.alg = "none"; })), jose::to_string(jose::DpopCheck::unsupported_algorithm));
  EXPECT_EQ(failed_check(bent([](auto& p) { p.private_jwk = true; })), jose::to_string(jose::DpopCheck::private_key_in_jwk));
}

TEST_F(DpopPresentationTest, NoProofAndAnotherSchemeLeaveOutWhatTheySay) {
  DpopPresentation bearer;
  bearer.scheme = DpopScheme::bearer;
  bearer.proof = DpopProof::none;
  EXPECT_EQ(DpopPresenter(bearer, key_, kToken).headers("POST", kUrl),
            (http::Fields{{"Authorization", "Bearer " + kToken}}));
  DpopPresentation nothing;
  nothing.scheme = DpopScheme::none;
  const http::Fields proof_only = DpopPresenter(nothing, key_, kToken).headers("POST", kUrl);
  ASSERT_EQ(proof_only.size(), 1u);
  EXPECT_EQ(proof_only[0].first, "DPoP");
}

// An http step's `dpop:` is `true` or a mapping of the presentation's fields; a call replays none.
TEST(DpopPresentationField, AnHttpOrCallStepReadsItAndRefusesWhatItCannotDo) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - with_token: bound\n";
  const auto http_step = [&](const std::string& dpop) {
    return parse_scenario_file(head + "        http: {server: jira-mcp, probe: true, dpop: " + dpop + "}\n", "x.yaml")
        .scenarios[0].steps[0].get<HttpStep>();
  };
  ASSERT_TRUE(http_step("true").dpop);
  EXPECT_EQ(http_step("true").dpop->scheme, DpopScheme::dpop);
  EXPECT_EQ(http_step("{scheme: Bearer, proof: none, ath: omit}").dpop->scheme, DpopScheme::bearer);
  EXPECT_EQ(http_step("{scheme: Bearer, proof: none, ath: omit}").dpop->proof, DpopProof::none);
  EXPECT_EQ(http_step("{scheme: Bearer, proof: none, ath: omit}").dpop->ath, DpopAth::omit);
  EXPECT_EQ(http_step("{iat_offset: -300, proof_key: stranger}").dpop->iat_offset, -300);
  EXPECT_TRUE(http_step("{iat_offset: -300, proof_key: stranger}").dpop->proof_by_stranger);
  const auto error = [&](const std::string& text) -> std::string {
    try {
      parse_scenario_file(head + text, "x.yaml");
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_THAT(error("        http: {server: jira-mcp, dpop: false}\n"), HasSubstr("dpop: expected true or a mapping"));
  EXPECT_THAT(error("        http: {server: jira-mcp, dpop: {agent: x}}\n"), HasSubstr("dpop.agent"));
  EXPECT_THAT(error("        http: {server: jira-mcp, dpop: {scheme: dpop}}\n"),
              HasSubstr("dpop.scheme: unknown scheme \"dpop\" (DPoP, Bearer, none)"));
  EXPECT_THAT(error("        http: {server: jira-mcp, dpop: {proof: stale}}\n"), HasSubstr("unknown proof \"stale\""));
  EXPECT_THAT(error("        http: {server: jira-mcp, dpop: {ath: none}}\n"), HasSubstr("unknown ath \"none\" (token, omit, wrong)"));
  EXPECT_THAT(error("        http: {server: jira-mcp, dpop: {proof: replayed}, repeat: 3}\n"), HasSubstr("give no repeat"));
  EXPECT_THAT(error("        call: jira.list_issues\n        dpop: {proof: replayed}\n"), HasSubstr("replay a proof with an http step"));
  EXPECT_TRUE(parse_scenario_file(head + "        call: jira.list_issues\n        dpop: {typ: JWT}\n", "x.yaml")
                  .scenarios[0].steps[0].get<CallStep>().dpop);
}

}  // namespace
}  // namespace mcph::harness::scenario
