#include "mcph/postgres_mcp/role_database.h"

#include <cstdio>
#include <thread>

#include <pqxx/pqxx>

#include "mcph/mcp/tool.h"

namespace mcph::postgres_mcp {
namespace {

using Json = nlohmann::json;

// PostgreSQL answers a dropped or expired role with the same words as a wrong password.
bool login_refused(const pqxx::broken_connection& e) {
  return std::string(e.what()).find("password authentication failed") != std::string::npos;
}

// A login that failed for another reason than the credential: the caller learns only that the
// database is unavailable (libpq's words name hosts and roles); the server's log keeps why,
// which libpq writes without the password.
void log_login_failure(const pqxx::broken_connection& e) {
  std::fprintf(stderr, "[postgres-mcp] cannot log in to PostgreSQL: %s\n", e.what());
}

[[noreturn]] void login_failed(const pqxx::broken_connection& e) {
  if (login_refused(e)) throw StaleCredential("the database refused this user's role");
  log_login_failure(e);
  throw mcp::ToolError("database_unavailable: cannot connect to PostgreSQL as this user's role");
}

}  // namespace

RoleDatabase::RoleDatabase(DatabaseAddress address, PoolLimits limits, int statement_timeout_ms)
    : pool_(std::move(address), limits,
            "-c default_transaction_read_only=on -c statement_timeout=" + std::to_string(statement_timeout_ms) + "ms") {}

Json RoleDatabase::run(pqxx::connection& connection, const std::string& sql, const std::optional<std::string>& parameter) {
  // Each statement is a read-only transaction of its own (the session's default): nothing to
  // roll back, so a failed query leaves the connection as clean as a good one.
  pqxx::nontransaction tx(connection);
  // Whether the session's role is still a live credential. The statement is valid for any live
  // role, so an error here (e.g. "invalid role OID" once the role is dropped) says it is gone.
  pqxx::result live;
  try {
    live = tx.exec("SELECT r.rolcanlogin AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now()) "
                   "FROM pg_roles r WHERE r.rolname = current_user");
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error&) {
    throw StaleCredential("the database no longer knows this user's role");
  }
  if (live.empty() || live[0][0].is_null() || !live[0][0].as<bool>()) {
    throw StaleCredential("this user's role may no longer log in");
  }
  const pqxx::result result = parameter ? tx.exec_params(sql, *parameter) : tx.exec(sql);
  Json rows = Json::array();
  for (const auto& row : result) {
    Json object = Json::object();
    for (const auto& field : row) object[field.name()] = field.is_null() ? Json(nullptr) : Json(field.c_str());
    rows.push_back(std::move(object));
  }
  return rows;
}

// A login that fails for a passing reason (a backend slow to start on a loaded machine, a
// connection slot taken a moment) is tried once more after a short pause; a refused credential
// or a second failure is the call's answer.
RoleConnectionPool::Lease RoleDatabase::borrow(const RoleCredentials& credentials) {
  for (bool retried = false;; retried = true) {
    try {
      return pool_.borrow(credentials.subject, credentials.username, credentials.password);
    } catch (const pqxx::broken_connection& e) {
      if (retried || login_refused(e)) login_failed(e);
      log_login_failure(e);
    } catch (const PoolExhausted& e) {
      throw mcp::ToolError(std::string("database_unavailable: ") + e.what());
    }
    std::this_thread::sleep_for(kLoginRetryPause);
  }
}

Json RoleDatabase::query(const RoleCredentials& credentials, const std::string& sql,
                         const std::optional<std::string>& parameter) {
  RoleConnectionPool::Lease lease = borrow(credentials);
  for (bool retried = false;; retried = true) {
    try {
      Json rows = run(*lease, sql, parameter);
      lease.give_back();
      return rows;
    } catch (const StaleCredential&) {
      pool_.drop_role(credentials.username);
      throw;
    } catch (const pqxx::broken_connection&) {
      if (!lease.reused() || retried) {
        throw mcp::ToolError("database_unavailable: lost the connection to PostgreSQL");
      }
      // A pooled connection that died while it waited (PostgreSQL restarted, the backend was
      // terminated): log in afresh, once.
      try {
        lease.reconnect();
      } catch (const pqxx::broken_connection& e) {
        login_failed(e);
      }
    } catch (const pqxx::sql_error& e) {
      lease.give_back();  // the query failed, not the session
      // The server's message names the problem (syntax, permission); it holds no credential.
      throw mcp::ToolError(std::string("query_failed: ") + e.what());
    }
  }
}

}  // namespace mcph::postgres_mcp
