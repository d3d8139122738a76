// JOSE throughput: RS256 signing, and verify_jwt (signature and claims) for RS256, ES256 and
// HS256 over a Keycloak-like access token. Items are tokens; compare items/s across rows.
#include <benchmark/benchmark.h>

#include <string>

#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "mcph/jose/key.h"

namespace {

using namespace mcph::jose;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kIssuer = "http://127.0.0.1:41001/realms/mcp-demo";

// The claims of a Keycloak 26 access token for a password-grant user (about 1 KiB signed).
std::string keycloak_claims() {
  return std::string(R"({"exp":)") + std::to_string(kNow + 300) + R"(,"iat":)" +
         std::to_string(kNow) + R"(,"auth_time":)" + std::to_string(kNow) +
         R"(,"jti":"onrtro:3f6c2a4e-8b1d-4c55-9e7a-1a2b3c4d5e6f","iss":")" + kIssuer +
         R"(","aud":["mcp-client","account"],"sub":"8c1e6c2a-4c77-4f43-9d2e-2d5f8a0b7e11",)"
         R"("typ":"Bearer","azp":"mcp-client","sid":"5f0d8b8e-2f6a-4d3c-8a51-0c9e3b7a6d21",)"
         R"("acr":"1","allowed-origins":["http://localhost:3000"],)"
         R"("realm_access":{"roles":["offline_access","uma_authorization",)"
         R"("default-roles-mcp-demo"]},"resource_access":{"account":{"roles":)"
         R"(["manage-account","manage-account-links","view-profile"]}},)"
         R"("scope":"openid email profile","email_verified":true,"name":"Alice Example",)"
         R"("preferred_username":"alice","given_name":"Alice","family_name":"Example",)"
         R"("email":"alice@example.com"})";
}

VerifyOptions options_for(Alg alg) {
  VerifyOptions options;
  options.allowed_algs = {alg};
  options.issuer = kIssuer;
  options.audience = "mcp-client";
  options.leeway = std::chrono::seconds(30);
  options.now = kNow + 60;
  return options;
}

// A JWKS like Keycloak's: the signing key plus an unrelated second key.
JwkSet key_set(const Key& signing_key, Alg alg, const Key& other_key) {
  JwkSet keys;
  keys.add(Jwk{other_key, "other-kid", std::nullopt, "sig"});
  keys.add(Jwk{signing_key, "signing-kid", alg, "sig"});
  return keys;
}

void verify_loop(benchmark::State& state, const std::string& token, const JwkSet& keys,
                 const VerifyOptions& options) {
  for (auto _ : state) {
    VerifiedJwt jwt = verify_jwt(token, keys, options);
    benchmark::DoNotOptimize(jwt);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(token.size()) + " B token");
}

void BM_Rs256Sign(benchmark::State& state) {
  const Key key = Key::generate_rsa(2048);
  const std::string claims = keycloak_claims();
  for (auto _ : state) {
    std::string token = sign_jwt(key, Alg::RS256, claims, "signing-kid");
    benchmark::DoNotOptimize(token);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Rs256Sign);

void BM_Rs256VerifyJwt(benchmark::State& state) {
  const Key key = Key::generate_rsa(2048);
  const std::string token = sign_jwt(key, Alg::RS256, keycloak_claims(), "signing-kid");
  verify_loop(state, token,
              key_set(key.public_only(), Alg::RS256, Key::generate_rsa(2048).public_only()),
              options_for(Alg::RS256));
}
BENCHMARK(BM_Rs256VerifyJwt);

void BM_Es256VerifyJwt(benchmark::State& state) {
  const Key key = Key::generate_ec_p256();
  const std::string token = sign_jwt(key, Alg::ES256, keycloak_claims(), "signing-kid");
  verify_loop(state, token,
              key_set(key.public_only(), Alg::ES256, Key::generate_ec_p256().public_only()),
              options_for(Alg::ES256));
}
BENCHMARK(BM_Es256VerifyJwt);

void BM_Hs256VerifyJwt(benchmark::State& state) {
  const Key key = Key::hmac(std::string(32, 'k'));
  const std::string token = sign_jwt(key, Alg::HS256, keycloak_claims(), "signing-kid");
  verify_loop(state, token, key_set(key, Alg::HS256, Key::hmac(std::string(32, 'o'))),
              options_for(Alg::HS256));
}
BENCHMARK(BM_Hs256VerifyJwt);

}  // namespace
