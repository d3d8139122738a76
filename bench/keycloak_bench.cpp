// mock-keycloak's token endpoint on loopback: the password grant and the client_credentials
// grant, each request over a kept-alive connection, as the harness issues them. Target: p50
// under 1 ms per grant. Every request is timed on its own; p50/p90/p99 are reported as
// counters (microseconds), and repetitions show how stable they are.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/bench/percentiles.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/mock_keycloak/mock_keycloak.h"

namespace {

using Clock = std::chrono::steady_clock;

// One in-process mock-keycloak with a realm like fixtures/keycloak/realm-mcp-demo.json, made
// through the admin API.
struct Stack {
  std::unique_ptr<mcph::mock_keycloak::MockKeycloak> keycloak;
  std::string url;

  Stack() {
    mcph::mock_keycloak::Options options;
    options.access_log = false;
    keycloak = std::make_unique<mcph::mock_keycloak::MockKeycloak>(options);
    keycloak->start();
    url = keycloak->url();
    mcph::http::Client http(url);
    const auto login = http.post("/realms/master/protocol/openid-connect/token",
                                 mcph::http::form_encode({{"grant_type", "password"},
                                                          {"client_id", "admin-cli"},
                                                          {"username", "admin"},
                                                          {"password", "admin"}}),
                                 "application/x-www-form-urlencoded");
    const auto at = login.body.find("\"access_token\":\"");
    if (login.status != 200 || at == std::string::npos) throw std::runtime_error("admin login failed");
    const auto start = at + 16;
    const mcph::http::Fields auth{
        {"Authorization", "Bearer " + login.body.substr(start, login.body.find('"', start) - start)}};
    auto admin = [&](const std::string& path, const std::string& json) {
      const auto response = http.post("/admin/realms" + path, json, "application/json", auth);
      if (response.status != 201) throw std::runtime_error("setup " + path + ": " + response.body);
    };
    admin("", R"({"realm":"mcp-demo","enabled":true,"accessTokenLifespan":300})");
    admin("/mcp-demo/clients", R"({"clientId":"mcp-client","secret":"mcp-client-secret",
      "directAccessGrantsEnabled":true,"serviceAccountsEnabled":true,
      "protocolMappers":[{"name":"aud","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
        "config":{"included.client.audience":"mcp-client","access.token.claim":"true"}}]})");
    admin("/mcp-demo/users", R"({"username":"alice","enabled":true,"email":"alice@example.com",
      "emailVerified":true,"firstName":"Alice","lastName":"Anderson",
      "credentials":[{"type":"password","value":"alice123","temporary":false}]})");
  }
};

Stack& stack() {
  static Stack instance;
  return instance;
}

void run_grant(benchmark::State& state, const std::string& form) {
  mcph::http::Client http(stack().url);
  std::vector<double> micros;
  micros.reserve(100000);
  for (auto _ : state) {
    const auto start = Clock::now();
    const auto response = http.post("/realms/mcp-demo/protocol/openid-connect/token", form,
                                    "application/x-www-form-urlencoded");
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (response.status != 200) {
      state.SkipWithError(("token endpoint answered " + std::to_string(response.status)).c_str());
      break;
    }
    benchmark::DoNotOptimize(response.body.data());
  }
  mcph::bench::report_percentiles(state, micros);
  state.SetItemsProcessed(state.iterations());
}

void BM_PasswordGrant(benchmark::State& state) {
  run_grant(state, mcph::http::form_encode({{"grant_type", "password"},
                                            {"client_id", "mcp-client"},
                                            {"client_secret", "mcp-client-secret"},
                                            {"username", "alice"},
                                            {"password", "alice123"}}));
}

void BM_ClientCredentialsGrant(benchmark::State& state) {
  run_grant(state, mcph::http::form_encode({{"grant_type", "client_credentials"},
                                            {"client_id", "mcp-client"},
                                            {"client_secret", "mcp-client-secret"}}));
}

BENCHMARK(BM_PasswordGrant)->Unit(benchmark::kMicrosecond)->MinTime(1.0)->Repetitions(3)->UseRealTime();
BENCHMARK(BM_ClientCredentialsGrant)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(1.0)
    ->Repetitions(3)
    ->UseRealTime();

}  // namespace
