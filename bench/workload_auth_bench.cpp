// What the workload-identity design adds to a warm tool call (workload-mcp), next to a plain
// bearer call:
//
//   BM_BearerTokenCheck   the warm bearer baseline: a known RS256 access token checked against the
//                         cached JWKS (only its time claims again, oidc::VerifiedTokens).
//   BM_DpopTokenAndProof  workload-mcp's whole admission: the same warm token check, cnf.jkt and
//                         azp, then the request's DPoP proof (ES256 signature, htm, htu, iat, ath,
//                         the key against cnf.jkt, jti against the replay cache). Each request
//                         carries a new proof, made outside the timing.
//   BM_ProofUnderAKnownJwk, BM_ProofUnderANewJwk
//                         a proof's own check, its jwk seen before (its key kept) or new each time.
//   BM_ProofMade          what a client spends on each request's proof (ES256, its jwk, jti, ath
//                         of a token), inside the warm call's time in tool_call_bench.
//   BM_PolicyDecision     one decision of the real OPA with the trust-tier policy over loopback
//                         (workload_mcp's PolicyClient: kept-alive connections, a deadline of
//                         500 ms). Skipped, saying why, without the real tier's OPA.
//
// The realm is a JWKS endpoint on loopback served by this program.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/service_health.h"
#include "mcph/http/server.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/oidc/jwks_cache.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/service.h"
#include "mcph/workload/call_gate.h"
#include "mcph/workload/dpop_auth.h"
#include "mcph/workload/policy_client.h"

namespace {

using namespace mcph;

constexpr const char* kAgent = "spiffe://mcp-identity.local/agent/trusted-agent";
constexpr const char* kUrl = "http://127.0.0.1:3004/mcp/rpc";

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Realm {
  jose::Key key = jose::Key::generate_rsa();
  jose::Key agent_key = jose::Key::generate_ec_p256();
  http::Server idp{[] {
    http::ServerOptions options;
    options.access_log = false;
    return options;
  }()};
  std::string issuer, token;

  Realm() {
    idp.route("GET", "/realms/demo/protocol/openid-connect/certs", [this](const http::Request&, http::Response& res) {
      res.set_json(200, jose::JwkSet({jose::Jwk{key.public_only(), "k1", jose::Alg::RS256, "sig"}}).to_json());
    });
    idp.start();
    issuer = idp.url() + "/realms/demo";
    token = jose::sign_jwt(key, jose::Alg::RS256,
                           R"({"iss":")" + issuer + R"(","sub":"sa","aud":["workload-mcp"],"exp":)" +
                               std::to_string(now() + 3600) + R"(,"azp":")" + kAgent + R"(","typ":"DPoP","cnf":{"jkt":")" +
                               agent_key.thumbprint() + R"("}})",
                           "k1");
  }
};

Realm& realm() {
  static Realm instance;
  return instance;
}

void BM_BearerTokenCheck(benchmark::State& state) {
  Realm& r = realm();
  oidc::JwksCache jwks(r.issuer + "/protocol/openid-connect/certs");
  jose::VerifyOptions options;
  options.issuer = r.issuer;
  options.audience = "workload-mcp";
  jwks.verify(r.token, options);
  for (auto _ : state) benchmark::DoNotOptimize(jwks.verify(r.token, options));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BearerTokenCheck);

void BM_DpopTokenAndProof(benchmark::State& state) {
  Realm& r = realm();
  workload::DpopAuthSettings settings;
  settings.issuer = r.issuer;
  settings.audience = "workload-mcp";
  settings.trust_domain = "mcp-identity.local";
  const workload::DpopAuthenticator auth(settings);
  http::Request request;
  request.method = "POST";
  request.path = "/mcp/rpc";
  request.headers = {{"Authorization", "DPoP " + r.token}, {"DPoP", ""}};
  jose::DpopProofRequest proof;
  proof.htm = "POST";
  proof.htu = kUrl;
  proof.access_token = r.token;
  std::vector<std::string> proofs;
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == proofs.size()) {  // a batch of fresh proofs, made outside the timing
      state.PauseTiming();
      proofs.clear();
      for (int i = 0; i < 512; ++i) proofs.push_back(jose::create_dpop_proof(r.agent_key, proof));
      next = 0;
      state.ResumeTiming();
    }
    request.headers[1].second = proofs[next++];
    const auto result = auth.authenticate(request, kUrl);
    if (!result.caller) {
      state.SkipWithError(("refused: " + result.description).c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DpopTokenAndProof);

// A proof's own check (RFC 9449 §4.3, no token, no replay cache) under a jwk the process has seen
// (the key built from it is kept: jose's proof_keys.h) and under a new jwk each time (what
// every proof cost before: the key built and its thumbprint hashed). The proofs, and their
// keys, are made outside the timing; the signature is checked in both.
void time_proof_checks(benchmark::State& state, bool new_key_each) {
  jose::DpopProofRequest proof;
  proof.htm = "POST";
  proof.htu = kUrl;
  jose::DpopVerifyOptions options;
  options.htm = "POST";
  options.htu = kUrl;
  const jose::Key known = jose::Key::generate_ec_p256();
  std::vector<std::string> proofs;
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == proofs.size()) {
      state.PauseTiming();
      proofs.clear();
      for (int i = 0; i < 256; ++i) {
        proofs.push_back(jose::create_dpop_proof(new_key_each ? jose::Key::generate_ec_p256() : known, proof));
      }
      next = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(jose::verify_dpop_proof(proofs[next++], options, nullptr));
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_ProofUnderAKnownJwk(benchmark::State& state) { time_proof_checks(state, false); }
void BM_ProofUnderANewJwk(benchmark::State& state) { time_proof_checks(state, true); }
BENCHMARK(BM_ProofUnderAKnownJwk);
BENCHMARK(BM_ProofUnderANewJwk);

void BM_ProofMade(benchmark::State& state) {
  const Realm& r = realm();
  jose::DpopProofRequest proof;
  proof.htm = "POST";
  proof.htu = kUrl;
  proof.access_token = r.token;
  for (auto _ : state) benchmark::DoNotOptimize(jose::create_dpop_proof(r.agent_key, proof));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProofMade);

void BM_PolicyDecision(benchmark::State& state) {
  std::filesystem::path opa;
  try {
    opa = harness::stack::find_opa();
  } catch (const harness::stack::RealTierMissing& e) {
    state.SkipWithError(e.what());
    return;
  }
  const int port = proc::free_loopback_port();
  proc::SpawnOptions spawn;
  spawn.name = "opa";
  spawn.argv = {opa.string(), "run", "--server", "--addr", "127.0.0.1:" + std::to_string(port), "--log-level", "error",
                "--disable-telemetry", MCPH_POLICIES_DIR "/trust_tiers"};
  proc::ReadyWhen ready;
  ready.announces = false;
  ready.url = "http://127.0.0.1:" + std::to_string(port);
  ready.health = proc::HealthProbe{"GET /health", [](const std::string& base) {
                                     return harness::stack::http_get_failure(base + "/health", std::chrono::seconds(2));
                                   }};
  const proc::StartedService started = proc::start_service(spawn, ready);
  workload::PolicySettings settings;
  settings.opa_url = started.url;
  const workload::PolicyClient policy(settings);
  // The input workload-mcp builds for the trusted agent reading a file.
  const nlohmann::json input = workload::verified_policy_input(kAgent, workload::ToolCall{"filesystem", "read", ""});
  if (!policy.decide(input).allow) {
    state.SkipWithError("the trust-tier policy does not allow the trusted agent to read files");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(policy.decide(input));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyDecision)->UseRealTime();

}  // namespace
