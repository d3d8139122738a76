// What one token check costs an MCP server, and what a flood of unknown key ids costs it.
//
//   BM_TokenCheck   the server's whole check of a valid RS256 access token (header, signature
//                   against the cached JWKS, claims, type, client, audience): Authenticator::
//                   authenticate, as every MCP request pays it. The same token each time, as a
//                   client sends it with every call: after its first use only its time claims
//                   are checked again (oidc::VerifiedTokens).
//   BM_TokenCheckFirstUse  the same for a token the server has not seen (a new one each time):
//                   the signature check and the parsing, as a session's first call pays them.
//   BM_KidFlood     tokens whose kid the realm never had (a new one each time, signed by an
//                   attacker): each is refused; the JWKS refetch they ask for is bounded (at most
//                   one per refetch interval), so the cost stays that of a refusal. Counter
//                   jwks_fetches: the fetches the whole flood caused.
//
// The identity provider is a JWKS endpoint on loopback served by this program.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <string>

#include "mcph/broker/authenticator.h"
#include "mcph/http/server.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"

namespace {

using namespace mcph;

constexpr const char* kResource = "http://127.0.0.1:3001/mcp";

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The realm's key, its JWKS endpoint (counting requests) and an authenticator that trusts it.
struct Realm {
  jose::Key key = jose::Key::generate_rsa();
  jose::Key attacker = jose::Key::generate_rsa();
  std::atomic<int> jwks_requests{0};
  http::Server idp{[] {
    http::ServerOptions options;
    options.access_log = false;
    return options;
  }()};
  std::unique_ptr<broker::Authenticator> auth;

  Realm() {
    idp.route("GET", "/realms/demo/protocol/openid-connect/certs", [this](const http::Request&, http::Response& res) {
      ++jwks_requests;
      res.set_json(200, jose::JwkSet({jose::Jwk{key.public_only(), "k1", jose::Alg::RS256, "sig"}}).to_json());
    });
    idp.start();
    broker::AuthConfig config;
    config.issuer = idp.url() + "/realms/demo";
    config.audience = kResource;
    auth = std::make_unique<broker::Authenticator>(config);
  }

  std::string claims() const {
    return R"({"iss":")" + idp.url() + R"(/realms/demo","sub":"uuid-alice","aud":[")" + kResource +
           R"("],"exp":)" + std::to_string(now() + 3600) + R"(,"azp":"mcp-client","typ":"Bearer"})";
  }
};

Realm& realm() {
  static Realm instance;
  return instance;
}

void BM_TokenCheck(benchmark::State& state) {
  Realm& r = realm();
  const std::string header = "Bearer " + jose::sign_jwt(r.key, jose::Alg::RS256, r.claims(), "k1");
  if (!r.auth->authenticate(header).principal) {
    state.SkipWithError("the valid token is refused");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(r.auth->authenticate(header));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenCheck)->Unit(benchmark::kMicrosecond);

void BM_TokenCheckFirstUse(benchmark::State& state) {
  Realm& r = realm();
  const std::string claims = r.claims();
  std::int64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    // A jti of its own makes each token new to the server.
    std::string unique = claims;
    unique.insert(1, R"("jti":")" + std::to_string(++i) + R"(",)");
    const std::string header = "Bearer " + jose::sign_jwt(r.key, jose::Alg::RS256, unique, "k1");
    state.ResumeTiming();
    if (!r.auth->authenticate(header).principal) {
      state.SkipWithError("a valid token is refused");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenCheckFirstUse)->Unit(benchmark::kMicrosecond);

void BM_KidFlood(benchmark::State& state) {
  Realm& r = realm();
  r.auth->authenticate("Bearer " + jose::sign_jwt(r.key, jose::Alg::RS256, r.claims(), "k1"));  // keys cached
  const std::string claims = r.claims();
  const int before = r.jwks_requests;
  std::int64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string header = "Bearer " + jose::sign_jwt(r.attacker, jose::Alg::RS256, claims, "flood-" + std::to_string(++i));
    state.ResumeTiming();
    if (r.auth->authenticate(header).principal) {
      state.SkipWithError("a token with an unknown kid was accepted");
      break;
    }
  }
  state.counters["jwks_fetches"] = r.jwks_requests - before;
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KidFlood)->Unit(benchmark::kMicrosecond);

}  // namespace
