// postgres-mcp: an MCP server whose tools query PostgreSQL as a dynamic role that Vault created
// for the calling user alone (database/creds/<entity>).
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <pqxx/pqxx>

#include "mcph/mcp/json.h"
#include "mcph/secrets/mask.h"
#include "mcph/servers/runtime.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;

std::string quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The caller's dynamic role was refused at login: its lease was revoked (or expired) behind our
// back. The broker's cached lease is then stale and a fresh one should be fetched.
class StaleCredential : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database {
 public:
  Database(std::string host, std::string port, std::string name, int timeout_ms)
      : host_(std::move(host)), port_(std::move(port)), name_(std::move(name)), timeout_s_(std::max(1, timeout_ms / 1000)) {}

  // Runs `query` read-only as the caller's dynamic role; rows come back as JSON objects.
  Json query(const vault::DatabaseCredentials& credentials, const std::string& sql,
             const std::optional<std::string>& parameter = std::nullopt) const {
    try {
      pqxx::connection connection("host=" + host_ + " port=" + port_ + " dbname=" + quote(name_) +
                                  " user=" + quote(credentials.username) + " password=" + quote(credentials.password) +
                                  " connect_timeout=" + std::to_string(timeout_s_));
      pqxx::read_transaction tx(connection);
      tx.exec0("SET LOCAL statement_timeout = '" + std::to_string(timeout_s_ * 1000) + "ms'");
      const pqxx::result result = parameter ? tx.exec_params(sql, *parameter) : tx.exec(sql);
      Json rows = Json::array();
      for (const auto& row : result) {
        Json object = Json::object();
        for (const auto& field : row) object[field.name()] = field.is_null() ? Json(nullptr) : Json(field.c_str());
        rows.push_back(std::move(object));
      }
      return rows;
    } catch (const pqxx::broken_connection& e) {
      // PostgreSQL answers a dropped role with the same words as a wrong password.
      if (std::string(e.what()).find("password authentication failed") != std::string::npos) {
        throw StaleCredential("the database refused this user's role");
      }
      throw mcp::ToolError("database_unavailable: cannot connect to PostgreSQL as this user's role");
    } catch (const pqxx::sql_error& e) {
      // The server's message names the problem (syntax, permission); it holds no credential.
      throw mcp::ToolError(std::string("query_failed: ") + e.what());
    }
  }

 private:
  std::string host_, port_, name_;
  int timeout_s_;
};

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("postgres-mcp", "MCP server for PostgreSQL; each user queries as a dynamic role of their own.");
  servers::Runtime::declare_flags(flags);
  flags.option("db-host", "127.0.0.1", "PostgreSQL host", "PGHOST")
      .required("db-port", "PostgreSQL port", "PGPORT")
      .option("db-name", "mcp_demo", "database name", "PGDATABASE");
  flags.parse(argc, argv);

  servers::Runtime runtime("postgres-mcp", flags);
  const Database database(flags.get("db-host"), flags.get("db-port"), flags.get("db-name"),
                          flags.get_int("vault-timeout-ms"));
  auto& broker = runtime.broker();
  // Runs a tool body with the caller's database credentials. When the database refuses a cached
  // role (its lease was revoked), the lease is dropped and the body runs once more with a new one.
  auto with_database = [&](mcp::ToolContext& context, auto&& body) {
    return servers::with_broker([&] {
      const auto& who = servers::caller(context);
      try {
        return body(broker.database_credentials(who));
      } catch (const StaleCredential&) {
        broker.forget(who.subject);
      }
      try {
        return body(broker.database_credentials(who));
      } catch (const StaleCredential&) {
        throw mcp::ToolError("database_unavailable: PostgreSQL refused this user's new role as well");
      }
    });
  };

  runtime.mcp().add_tool(servers::tool("execute_query", "Run a read-only SQL query as your own database role.",
       R"({"type":"object","properties":{"query":{"type":"string"}},"required":["query"]})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_database(context, [&](const vault::DatabaseCredentials& credentials) {
          return mcp::structured_result(Json{{"rows", database.query(credentials, *args.get_string("query"))}});
        });
      });
  runtime.mcp().add_tool(servers::tool("list_tables", "List the tables of the public schema.", R"({"type":"object","properties":{}})"),
      [&](const mcp::Arguments&, mcp::ToolContext& context) {
        return with_database(context, [&](const vault::DatabaseCredentials& credentials) {
          return mcp::structured_result(Json{
              {"tables", database.query(credentials,
                                        "SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'public' ORDER BY table_name")}});
        });
      });
  runtime.mcp().add_tool(servers::tool("describe_table", "Describe the columns of a table.",
       R"({"type":"object","properties":{"table_name":{"type":"string"}},"required":["table_name"]})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_database(context, [&](const vault::DatabaseCredentials& credentials) {
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
    trace.masked_credential = credentials.username + " / " + secrets::mask(credentials.password);
    return trace;
  });
  return runtime.run();
}
