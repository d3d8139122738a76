// postgres-mcp's query path alone, against a PostgreSQL of its own: one role's pooled session,
// a warm query (kept prepared), as each call runs it (a read-only block rolled back after the
// query, advisory locks released, the session's leftovers checked) and as the server ran it
// before (the pipeline's implicit transaction). Items are queries; compare items/s.
#include <benchmark/benchmark.h>

#include <pqxx/pqxx>

#include <memory>

#include "mcph/postgres/server.h"
#include "mcph/postgres_mcp/role_database.h"

namespace {

using namespace mcph;
using postgres_mcp::RoleDatabase;

postgres::Server& database_server() {
  static const auto server = [] {
    auto started = std::make_unique<postgres::Server>(postgres::Server::start({}));
    pqxx::connection connection(started->conninfo());
    pqxx::nontransaction tx(connection);
    tx.exec("CREATE TABLE projects (key text, name text); INSERT INTO projects VALUES ('DEMO', 'Demo project'); "
            "CREATE ROLE \"v-bench\" WITH LOGIN PASSWORD 'pw-bench'; GRANT CONNECT ON DATABASE mcp_demo TO \"v-bench\"; "
            "GRANT USAGE ON SCHEMA public TO \"v-bench\"; GRANT SELECT ON projects TO \"v-bench\"");
    return started;
  }();
  return *server;
}

void query_loop(benchmark::State& state, RoleDatabase::Isolation isolation) {
  postgres::Server& server = database_server();
  RoleDatabase database({"127.0.0.1", std::to_string(server.port()), "mcp_demo", 3}, {}, 3000, isolation);
  const postgres_mcp::RoleCredentials who{"bench-sub", "v-bench", "pw-bench"};
  database.query(who, "SELECT key, name FROM projects WHERE key = $1", "DEMO");  // logged in, prepared
  for (auto _ : state) {
    auto rows = database.query(who, "SELECT key, name FROM projects WHERE key = $1", "DEMO");
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_QueryInRolledBackBlock(benchmark::State& state) { query_loop(state, RoleDatabase::Isolation::rolled_back_block); }
void BM_QueryInImplicitTransaction(benchmark::State& state) {
  query_loop(state, RoleDatabase::Isolation::implicit_transaction);
}
BENCHMARK(BM_QueryInRolledBackBlock)->UseRealTime();
BENCHMARK(BM_QueryInImplicitTransaction)->UseRealTime();

}  // namespace
