// The `svid_token` step: an agent workload's client authentication at Keycloak's token endpoint
// with a JWT-SVID (client_credentials, SPIFFE's jwt-spiffe assertion type, a DPoP proof), the SVID
// bent as the step says: another agent's, for another audience or several, signed by an attacker's
// key under the bundle's kid or an unknown one, unsigned, with a foreign trust domain's sub (signed
// by the trust domain's own key or an attacker's), or
// expired by the time it is sent. The answer's tokens are never kept: the result holds the
// answer's other members and the access token's claims.
#include <chrono>
#include <thread>

#include "../recorder.h"
#include "../spire_signing_keys.h"
#include "../step_executor.h"
#include "../substitution.h"
#include "../workload_client.h"
#include "agent_fields.h"
#include "mcph/codec/base64.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// Where a kept SVID is held among the scenario's saved values: a name no substitution uses.
const std::string kKeptSvid = "svid kept as ";

Json audience_of(const SvidTokenStep& step, const std::string& issuer) {
  if (step.audience == SvidAudience::other) return "https://elsewhere.example/realms/other";
  if (step.audience == SvidAudience::several) return Json::array({issuer, "https://elsewhere.example"});
  return issuer;
}

// An SVID as the step wants it: minted by the trust domain, or forged.
// named: the step gave the SVID's sub, which the stack signs as named (WorkloadClient::svid).
std::string assertion(const SvidTokenStep& step, const WorkloadClient& workloads, const std::string& subject, bool named) {
  const Json audience = audience_of(step, workloads.issuer());
  if (step.sign == SvidSigner::trust_domain) return workloads.svid(subject, audience, step.ttl, named);
  const Json claims = jwt_svid_claims(subject, audience, step.ttl);
  if (step.sign == SvidSigner::none) {
    return codec::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + codec::base64url_encode(claims.dump()) + ".";
  }
  const std::string kid = step.sign == SvidSigner::attacker_same_kid ? workloads.bundle_kid() : "attacker-kid";
  return jose::sign_jwt(jose::Key::generate_ec_p256(), jose::Alg::ES256, claims.dump(), kid);
}

void run_svid_token(const SvidTokenStep& step, StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  const WorkloadClient workloads(stack);
  const std::string client = workloads.spiffe_id(step.agent);
  const std::string sub = substitute(step.sub, run.resolve);
  const std::string subject = !sub.empty() ? sub : workloads.spiffe_id(step.svid_of.empty() ? step.agent : step.svid_of);
  std::string svid;
  if (!step.svid.empty()) {
    const auto kept = run.state.saved.find(kKeptSvid + step.svid);
    if (kept == run.state.saved.end()) throw std::runtime_error("no SVID was kept as " + step.svid + " (keep_svid:)");
    svid = kept->second;
  } else {
    svid = assertion(step, workloads, subject, !sub.empty());
  }
  if (!step.keep_svid.empty()) run.state.saved[kKeptSvid + step.keep_svid] = svid;
  if (step.wait_ms > 0) {
    run.executor.announce_wait(step.wait_ms / 1000.0, "until the SVID has expired");
    std::this_thread::sleep_for(std::chrono::milliseconds(step.wait_ms));
  }
  run.out.caller = client;
  run.out.agent = true;
  http::Fields form = {{"grant_type", "client_credentials"}, {"client_assertion_type", step.assertion_type}};
  if (!step.client_id.empty()) form.emplace_back("client_id", workloads.client_of(step.client_id));
  form.emplace_back("client_assertion", svid);
  const std::string token_url = workloads.issuer() + "/protocol/openid-connect/token";
  http::Fields headers;
  const jose::Key key = jose::Key::generate_ec_p256();
  if (step.dpop) {
    jose::DpopProofRequest proof;
    proof.htm = "POST";
    proof.htu = token_url;
    headers.emplace_back("DPoP", jose::create_dpop_proof(key, proof));
  }
  const http::Url url = http::parse_url(token_url);
  http::Client keycloak(url.origin());
  const auto started = sync::SteadyClock::now();
  const auto response = keycloak.post(url.path, http::form_encode(form), "application/x-www-form-urlencoded", headers);
  run.record.exchange("POST", token_url, headers, "(a client_credentials request with a JWT-SVID as client assertion)",
                      response.status, response.headers, response.body, sync::ms_since(started));
  run.out.http.status = response.status;
  run.out.http.headers = response.headers;
  Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_object()) body = Json::object();
  run.out.grant.oauth_error = body.value("error", "");
  Json result = Json::object();
  for (const auto& [name, value] : body.items()) {
    if (name.find("token") == std::string::npos || name == "token_type") result[name] = value;
  }
  // The answer as body_contains and body_empty read it: without its tokens, as the result.
  if (!response.body.empty()) run.out.http.body = result.dump();
  if (body.contains("access_token") && body["access_token"].is_string()) {
    const auto claims = jose::unverified_payload(body["access_token"].get<std::string>());
    if (claims) result["claims"] = Json::parse(*claims, nullptr, false);
    if (step.dpop) result["bound_to_proof_key"] = result["claims"].value("/cnf/jkt"_json_pointer, "") == key.thumbprint();
  }
  run.out.grant.ok = response.status == 200 && body.contains("access_token");
  run.out.result = result;
}

SvidTokenStep read_svid_token(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  SvidTokenStep step;
  step.agent = read_acting_agent(source);
  reader.only_keys(value, here, {"svid_of", "audience", "sign", "sub", "ttl", "wait_ms", "assertion_type",
                                 "client_id", "dpop", "keep_svid", "svid"});
  step.svid_of = reader.text_or(value, "svid_of", here);
  if (value["audience"].IsDefined()) {
    step.audience = read_choice<SvidAudience>(reader, value["audience"], Reader::join(here, "audience"), kSvidAudiences,
                                              "SVID audience");
  }
  if (value["sign"].IsDefined()) {
    step.sign = read_choice<SvidSigner>(reader, value["sign"], Reader::join(here, "sign"), kSvidSigners, "SVID signer");
  }
  step.sub = reader.text_or(value, "sub", here);
  if (value["ttl"].IsDefined()) step.ttl = static_cast<int>(bounded_integer(reader, value["ttl"], Reader::join(here, "ttl"), 1, 86400));
  if (value["wait_ms"].IsDefined()) {
    step.wait_ms = static_cast<int>(bounded_integer(reader, value["wait_ms"], Reader::join(here, "wait_ms"), 0, 60000));
  }
  step.assertion_type = reader.text_or(value, "assertion_type", here, step.assertion_type);
  step.client_id = reader.text_or(value, "client_id", here);
  step.keep_svid = reader.text_or(value, "keep_svid", here);
  step.svid = reader.text_or(value, "svid", here);
  if (!step.svid.empty()) {
    for (const char* minting : {"svid_of", "audience", "sign", "sub", "ttl"}) {
      if (value[minting].IsDefined()) {
        reader.fail(value[minting], Reader::join(here, minting), "a kept SVID (svid:) is sent as it was minted");
      }
    }
  }
  if (value["dpop"].IsDefined()) {
    const Json flag = reader.json(value["dpop"], Reader::join(here, "dpop"));
    if (!flag.is_boolean()) reader.fail(value["dpop"], Reader::join(here, "dpop"), "expected true or false");
    step.dpop = flag.get<bool>();
  }
  return step;
}

std::string svid_token_title(const SvidTokenStep& step, const std::string&) {
  if (!step.svid.empty()) return step.agent + " authenticates at Keycloak with the JWT-SVID kept as " + step.svid;
  return step.agent + " authenticates at Keycloak with " + (step.svid_of.empty() ? "its" : step.svid_of + "'s") + " JWT-SVID";
}

}  // namespace

StepKindInfo svid_token_step_kind() {
  return {
      .kind = StepKind::svid_token,
      .name = "svid_token",
      .summary = "An agent workload's client authentication at Keycloak's token endpoint with a JWT-SVID (jwt-spiffe "
                 "client assertion, a DPoP proof), the SVID bent as the step says; the result holds the answer without "
                 "its tokens, the access token's claims and whether it is bound to the proof's key.",
      .example = "as: trusted-agent\nsvid_token: {audience: other}\nexpect: {http_status: 400, oauth_error: invalid_client}",
      .fields = {{"as", "the client: an agent of the trust domain (its SPIFFE ID names its client)"},
                 {"svid_token.svid_of", "present this agent's SVID instead"},
                 {"svid_token.audience", "`issuer` (default: the realm's), `other`, or `several`"},
                 {"svid_token.sign", "`trust_domain` (default), `attacker_same_kid` (an attacker's key under the bundle's kid), "
                                     "`attacker_new_kid`, or `none`"},
                 {"svid_token.sub", "the SVID's sub (`${…}` substituted): a foreign trust domain's SPIFFE ID; with `sign: "
                                    "trust_domain` the stack's trust domain signs it anyway, so that only the identity "
                                    "provider's trust-domain check can refuse it (an agent's own ID given so is signed the "
                                    "same way: that case's control)"},
                 {"svid_token.ttl", "the SVID's lifetime in seconds (1 to 86400, default 60)"},
                 {"svid_token.wait_ms", "wait this long after minting (an SVID that has expired)"},
                 {"svid_token.assertion_type", "default urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"},
                 {"svid_token.client_id", "a client_id parameter naming this agent's client (its SPIFFE ID's, as the realm named it)"},
                 {"svid_token.dpop", "`false`: no DPoP proof (a bearer token comes back)"},
                 {"svid_token.keep_svid", "keep the SVID sent under this name, for a later step's `svid:`"},
                 {"svid_token.svid", "send the SVID an earlier step kept under this name instead of a new one"}},
      .yields = {ResultPart::http_answer, ResultPart::json_result, ResultPart::token_grant},
      .read = [](const StepSource& source) -> StepSpec { return read_svid_token(source); },
      .run = runner<SvidTokenStep>(run_svid_token),
      .title = titler<SvidTokenStep>(svid_token_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string("keycloak"); },
      .needs_caller = always,
  };
}

}  // namespace mcph::harness::scenario
