// postgres-mcp: an MCP server whose tools query PostgreSQL as a dynamic role that Vault created
// for the calling user alone (database/creds/<entity>).
#include <nlohmann/json.hpp>

#include "mcph/mcp/json.h"
#include "mcph/servers/runtime.h"
#include "mcph/postgres_mcp/role_database.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;
using postgres_mcp::StaleCredential;

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("postgres-mcp", "MCP server for PostgreSQL; each user queries as a dynamic role of their own.");
  servers::Runtime::declare_flags(flags);
  flags.option("db-host", "127.0.0.1", "PostgreSQL host", "PGHOST")
      .required("db-port", "PostgreSQL port", "PGPORT")
      .option("db-name", "mcp_demo", "database name", "PGDATABASE")
      .option("db-max-connections", std::to_string(postgres_mcp::PoolLimits{}.max_open),
              "connections to PostgreSQL at most, over every user's role; a user beyond them whose role has "
              "none logs in anew, closing another role's idle one (keep it under the server's max_connections)")
      .toggle("no-rollback", "UNSAFE, for the harness's sabotage tests: run each query in its pipeline's implicit "
                             "transaction, not in a read-only block rolled back after it (a COMMIT inside a DO "
                             "block then ends the read-only transaction)");
  flags.parse(argc, argv);

  servers::Runtime runtime("postgres-mcp", flags);
  const int timeout_s = std::max(1, flags.get_int("vault-timeout-ms") / 1000);
  const int max_connections = flags.get_int("db-max-connections");
  if (max_connections < 1) cli::exit_with_usage_error("postgres-mcp", "--db-max-connections must be positive");
  postgres_mcp::PoolLimits limits;
  limits.max_open = static_cast<std::size_t>(max_connections);
  postgres_mcp::RoleDatabase database({flags.get("db-host"), flags.get("db-port"), flags.get("db-name"), timeout_s},
                                      limits, timeout_s * 1000,
                                      flags.on("no-rollback") ? postgres_mcp::RoleDatabase::Isolation::implicit_transaction
                                                              : postgres_mcp::RoleDatabase::Isolation::rolled_back_block);
  auto& broker = runtime.broker();
  // Runs a tool body with the caller's database credentials. When the database refuses a cached
  // role (its lease was revoked), the lease is dropped and the body runs once more with a new one.
  auto with_database = [&](mcp::ToolContext& context, auto&& body) {
    return servers::with_broker([&] {
      const auto& who = servers::caller(context);
      auto credentials = [&] {
        const vault::DatabaseCredentials lease = broker.database_credentials(who);
        return postgres_mcp::RoleCredentials{who.subject, lease.username, lease.password};
      };
      try {
        return body(credentials());
      } catch (const StaleCredential&) {
        broker.forget(who.subject);
      }
      try {
        return body(credentials());
      } catch (const StaleCredential&) {
        throw mcp::ToolError("database_unavailable: PostgreSQL refused this user's new role as well");
      }
    });
  };

  runtime.mcp().add_tool(servers::tool("execute_query", "Run one read-only SQL statement as your own database role.",
       R"({"type":"object","properties":{"query":{"type":"string"}},"required":["query"]})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_database(context, [&](const postgres_mcp::RoleCredentials& credentials) {
          return mcp::structured_result(Json{{"rows", database.query(credentials, *args.get_string("query"))}});
        });
      });
  runtime.mcp().add_tool(servers::tool("list_tables", "List the tables of the public schema.", R"({"type":"object","properties":{}})"),
      [&](const mcp::Arguments&, mcp::ToolContext& context) {
        return with_database(context, [&](const postgres_mcp::RoleCredentials& credentials) {
          return mcp::structured_result(Json{
              {"tables", database.query(credentials,
                                        "SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'public' ORDER BY table_name")}});
        });
      });
  runtime.mcp().add_tool(servers::tool("describe_table", "Describe the columns of a table.",
       R"({"type":"object","properties":{"table_name":{"type":"string"}},"required":["table_name"]})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_database(context, [&](const postgres_mcp::RoleCredentials& credentials) {
          Json columns = database.query(credentials,
                                        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                                        "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                                        args.get_string("table_name"));
          if (columns.empty()) throw mcp::ToolError("not_found: table " + *args.get_string("table_name") + " does not exist");
          return mcp::structured_result(Json{{"columns", columns}});
        });
      });

  runtime.set_credential_trace([&](const broker::Principal& who) {
    servers::CredentialTrace trace;
    trace.vault_path = broker.config().database_mount + "/creds/" + broker.session(who).entity_name;
    const auto credentials = broker.database_credentials(who);
    trace.secret_exists = true;
    trace.masked_credential = credentials.username + " (password not shown)";
    return trace;
  });
  return runtime.run();
}
