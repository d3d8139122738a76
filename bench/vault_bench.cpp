// mock-vault on loopback, each request over a kept-alive connection as an MCP server issues
// them: JWT login (target p50 under 0.5 ms), KV v2 read (target p50 under 0.2 ms) and database
// credentials (a real PostgreSQL role per request; reported). Every request is timed on its own;
// p50/p90/p99 are reported as counters in microseconds.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/bench/percentiles.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"
#include "mcph/mock_vault/app.h"
#include "mcph/postgres/server.h"

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// In-process: a JWKS endpoint, a PostgreSQL server and mock-vault set up like the demo.
struct Stack {
  mcph::jose::Jwk key{mcph::jose::Key::generate_rsa(2048), "bench", mcph::jose::Alg::RS256, "sig"};
  std::unique_ptr<mcph::http::Server> jwks;
  std::unique_ptr<mcph::postgres::Server> postgres;
  std::unique_ptr<mcph::mock_vault::MockVault> vault;
  std::string url;
  std::string jwt;
  std::string alice_token;

  Stack() {
    mcph::http::ServerOptions jwks_options;
    jwks_options.access_log = false;
    jwks = std::make_unique<mcph::http::Server>(jwks_options);
    const std::string jwks_body =
        mcph::jose::JwkSet({mcph::jose::Jwk{key.key.public_only(), key.kid, key.alg, key.use}}).to_json();
    jwks->route("GET", "/certs", [jwks_body](const mcph::http::Request&, mcph::http::Response& response) {
      response.set_json(200, jwks_body);
    });
    jwks->start();
    postgres = std::make_unique<mcph::postgres::Server>(mcph::postgres::Server::start({}));

    mcph::mock_vault::MockVaultOptions options;
    options.root_token = "root";
    options.access_log = false;
    vault = std::make_unique<mcph::mock_vault::MockVault>(options);
    vault->start();
    url = vault->url();

    mcph::http::Client http(url);
    auto call = [&](const std::string& path, const Json& body, int expected) {
      const auto response = http.post(path, body.dump(), "application/json", {{"X-Vault-Token", "root"}});
      if (response.status != expected) throw std::runtime_error("setup " + path + ": " + response.body);
      return response.body.empty() ? Json() : Json::parse(response.body);
    };
    call("/v1/sys/auth/jwt", {{"type", "jwt"}}, 204);
    call("/v1/auth/jwt/config", {{"jwks_url", jwks->url() + "/certs"}, {"bound_issuer", "https://idp.bench"}}, 204);
    call("/v1/auth/jwt/role/user", {{"role_type", "jwt"}, {"user_claim", "sub"}, {"bound_audiences", "mcp-client"},
                                    {"token_policies", "user-secrets"}, {"token_ttl", "1h"}}, 204);
    call("/v1/sys/policies/acl/user-secrets",
         {{"policy", R"(path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read"] }
path "database/creds/{{identity.entity.name}}" { capabilities = ["read"] })"}},
         204);
    const std::string entity = call("/v1/identity/entity", {{"name", "alice"}}, 200)["data"]["id"];
    const auto auth = Json::parse(http.get("/v1/sys/auth", {{"X-Vault-Token", "root"}}).body);
    call("/v1/identity/entity-alias", {{"name", "alice-sub"}, {"canonical_id", entity},
                                       {"mount_accessor", auth["data"]["jwt/"]["accessor"]}}, 200);
    call("/v1/secret/data/users/alice/jira", {{"data", {{"api_token", "bench-secret"}}}}, 200);
    call("/v1/sys/mounts/database", {{"type", "database"}}, 204);
    call("/v1/database/config/db", {{"plugin_name", "postgresql-database-plugin"},
                                    {"connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:" +
                                                           std::to_string(postgres->port()) + "/mcp_demo"},
                                    {"username", "postgres"}, {"password", "postgres"}, {"allowed_roles", "alice"}},
         204);
    call("/v1/database/roles/alice", {{"db_name", "db"},
                                      {"creation_statements", "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD "
                                                              "'{{password}}' VALID UNTIL '{{expiration}}';"},
                                      {"default_ttl", "1h"}}, 204);

    const long now = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch()).count());
    jwt = mcph::jose::sign_jwt(key.key, mcph::jose::Alg::RS256,
                               Json{{"iss", "https://idp.bench"}, {"sub", "alice-sub"}, {"aud", "mcp-client"},
                                    {"iat", now}, {"exp", now + 3600}}.dump(),
                               key.kid);
    const auto login = http.post("/v1/auth/jwt/login", Json{{"role", "user"}, {"jwt", jwt}}.dump(), "application/json");
    if (login.status != 200) throw std::runtime_error("login: " + login.body);
    alice_token = Json::parse(login.body)["auth"]["client_token"];
  }

  ~Stack() {
    vault->stop();  // revokes the database roles before PostgreSQL goes away
  }
};

Stack& stack() {
  static Stack instance;
  return instance;
}

template <typename Request>
void run(benchmark::State& state, Request&& request) {
  std::vector<double> micros;
  micros.reserve(100000);
  for (auto _ : state) {
    const auto start = Clock::now();
    const auto response = request();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (response.status != 200) {
      state.SkipWithError(("answered " + std::to_string(response.status) + ": " + response.body).c_str());
      break;
    }
    benchmark::DoNotOptimize(response.body.data());
  }
  mcph::bench::report_percentiles(state, micros);
  state.SetItemsProcessed(state.iterations());
}

void BM_JwtLogin(benchmark::State& state) {
  mcph::http::Client http(stack().url);
  const std::string body = Json{{"role", "user"}, {"jwt", stack().jwt}}.dump();
  run(state, [&] { return http.post("/v1/auth/jwt/login", body, "application/json"); });
}

void BM_KvRead(benchmark::State& state) {
  mcph::http::Client http(stack().url);
  const mcph::http::Fields token{{"X-Vault-Token", stack().alice_token}};
  run(state, [&] { return http.get("/v1/secret/data/users/alice/jira", token); });
}

void BM_DatabaseCreds(benchmark::State& state) {
  mcph::http::Client http(stack().url);
  const mcph::http::Fields token{{"X-Vault-Token", stack().alice_token}};
  run(state, [&] { return http.get("/v1/database/creds/alice", token); });
}

BENCHMARK(BM_JwtLogin)->Unit(benchmark::kMicrosecond)->MinTime(1.0)->Repetitions(3)->UseRealTime();
BENCHMARK(BM_KvRead)->Unit(benchmark::kMicrosecond)->MinTime(1.0)->Repetitions(3)->UseRealTime();
// Each iteration creates a real role; bounded so the shutdown revocation stays short.
BENCHMARK(BM_DatabaseCreds)->Unit(benchmark::kMicrosecond)->Iterations(200)->Repetitions(3)->UseRealTime();

}  // namespace
