#include "mcph/postgres_mcp/role_database.h"

#include <cstdio>
#include <thread>

#include <pqxx/pqxx>

#include "first_keyword.h"
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

// A call's connection that could not serve it is replaced by a new login, once, when it was a
// pooled one; a new connection that cannot is the call's answer (`failure`).
void replace_once(RoleConnectionPool::Lease& lease, bool retried, const char* failure) {
  if (!lease.reused() || retried) throw mcp::ToolError(failure);
  try {
    lease.reconnect();
  } catch (const pqxx::broken_connection& e) {
    login_failed(e);
  }
}

// Before each query, one prepared statement (parsed and planned once per connection) asks
// whether the session's role is still a live credential and whether the session is still as it
// started: read-only, with the statement timeout the server set ($1). Every name in it is
// qualified, so nothing in the session's search path can stand in for it, and the time is the
// statement's own (now() would be a transaction's, had one been left open).
constexpr const char* kSessionCheck = "mcph_session_check";
constexpr const char* kSessionCheckSql =
    "SELECT (SELECT r.rolcanlogin AND (r.rolvaliduntil IS NULL OR "
    "r.rolvaliduntil > pg_catalog.statement_timestamp()) "
    "FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) AS live, "
    "pg_catalog.current_setting('transaction_read_only') = 'on' "
    "AND CAST(pg_catalog.current_setting('statement_timeout') AS pg_catalog.interval) = "
    "CAST($1 AS pg_catalog.interval) AS untouched";

// A pooled session is no longer as it started: an earlier query of the same role changed the
// read-only default or the statement timeout, or dropped the session check.
struct ChangedSession {};

}  // namespace

RoleDatabase::RoleDatabase(DatabaseAddress address, PoolLimits limits, int statement_timeout_ms)
    : statement_timeout_(std::to_string(statement_timeout_ms) + "ms"),
      pool_(std::move(address), limits,
            "-c default_transaction_read_only=on -c statement_timeout=" + statement_timeout_) {}

Json RoleDatabase::run(pqxx::connection& connection, const std::string& sql, const std::optional<std::string>& parameter) {
  // Each statement is a read-only transaction of its own (the session's default): nothing to
  // roll back, so a failed query leaves the connection as clean as a good one.
  pqxx::nontransaction tx(connection);
  connection.prepare(kSessionCheck, kSessionCheckSql);  // sent with its first use; after that, a lookup
  pqxx::result check;
  try {
    check = tx.exec_prepared(kSessionCheck, statement_timeout_);
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    // 26000: the session dropped the check (DEALLOCATE). Any other error says the role is gone:
    // the statement is valid for any live role ("invalid role OID" once it is dropped).
    if (e.sqlstate() == "26000") throw ChangedSession();
    throw StaleCredential("the database no longer knows this user's role");
  }
  if (check.empty() || check[0][1].is_null() || !check[0][1].as<bool>()) throw ChangedSession();
  if (check[0][0].is_null() || !check[0][0].as<bool>()) {
    throw StaleCredential("this user's role may no longer log in");
  }
  // The extended protocol, with or without a parameter: one statement, never a list of them.
  const pqxx::result result = parameter ? tx.exec_params(sql, *parameter) : tx.exec_params(sql);
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
  // A transaction block would outlive the call, and the next call would run inside it.
  if (const std::string keyword = first_keyword(sql); keyword == "BEGIN" || keyword == "START") {
    throw mcp::ToolError("query_failed: each query runs in a read-only transaction of its own; " + keyword +
                         " is not accepted");
  }
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
      // A pooled connection that died while it waited (PostgreSQL restarted, the backend was
      // terminated).
      replace_once(lease, retried, "database_unavailable: lost the connection to PostgreSQL");
    } catch (const ChangedSession&) {
      // An earlier query of the role changed its session.
      replace_once(lease, retried,
                   "database_unavailable: a new session to PostgreSQL did not start read-only with the server's "
                   "statement timeout");
    } catch (const pqxx::sql_error& e) {
      lease.give_back();  // the query failed, not the session
      // The server's message names the problem (syntax, permission); it holds no credential.
      throw mcp::ToolError(std::string("query_failed: ") + e.what());
    }
  }
}

}  // namespace mcph::postgres_mcp
