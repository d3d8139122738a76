#include "mcph/postgres_mcp/role_database.h"

#include <cstdio>
#include <thread>

#include "first_keyword.h"
#include "mcph/mcp/tool.h"

namespace mcph::postgres_mcp {
namespace {

using Json = nlohmann::json;

// PostgreSQL answers a dropped or expired role with the same words as a wrong password, and a
// locked one (NOLOGIN) with its own.
bool login_refused(const LoginFailed& e) {
  const std::string why = e.what();
  return why.find("password authentication failed") != std::string::npos ||
         why.find("is not permitted to log in") != std::string::npos;
}

// A login that failed for another reason than the credential: the caller learns only that the
// database is unavailable (libpq's words name hosts and roles); the server's log keeps why,
// which libpq writes without the password.
void log_login_failure(const LoginFailed& e) {
  std::fprintf(stderr, "[postgres-mcp] cannot log in to PostgreSQL: %s\n", e.what());
}

[[noreturn]] void login_failed(const LoginFailed& e) {
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
  } catch (const LoginFailed& e) {
    login_failed(e);
  }
}

// Every query is sent behind one check, in the same pipeline (one round trip): is the session's
// role still a live credential, and is the session still as it started, read-only with the
// statement timeout the server set ($1)? When not, the check fails, and PostgreSQL skips the
// query behind it. Plain SQL raises an error by a failed cast, so the check casts its verdict
// to boolean: 'true' passes, a reason fails and is named in PostgreSQL's message. The session
// keeps it prepared, as it keeps the queries; every name in it is qualified, so nothing in the
// session's search path can stand in for it, and the time is the statement's own.
constexpr const char* kRoleNotLive = "mcph_role_not_live";
constexpr const char* kSessionChanged = "mcph_session_changed";
const std::string kSessionCheckSql =
    std::string("SELECT CAST(CASE WHEN NOT COALESCE((SELECT r.rolcanlogin AND (r.rolvaliduntil IS NULL OR "
                "r.rolvaliduntil > pg_catalog.statement_timestamp()) "
                "FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER), false) THEN '") +
    kRoleNotLive +
    "' WHEN pg_catalog.current_setting('transaction_read_only') <> 'on' "
    "OR CAST(pg_catalog.current_setting('statement_timeout') AS pg_catalog.interval) <> "
    "CAST($1 AS pg_catalog.interval) THEN '" +
    kSessionChanged + "' ELSE 'true' END AS pg_catalog.bool)";

// What a rollback does not end: session-level advisory locks (released after every call) and
// statements prepared in SQL (a session that has one is not reused: its name could be taken
// by the next call's statements, and it is the user's state carried over).
constexpr const char* kUnlockAndLeftoverCheckSql =
    "SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_prepared_statements WHERE from_sql) "
    "AND NOT EXISTS (SELECT FROM pg_catalog.pg_cursors WHERE is_holdable) "
    "AND NOT EXISTS (SELECT FROM pg_catalog.pg_listening_channels()) AS clean "
    "FROM (SELECT pg_catalog.pg_advisory_unlock_all()) AS unlocked";

// The rollback, the unlock and the leftover check all came through, and the session is as
// clean as a new one.
bool left_clean(const std::vector<StatementResult>& afterwards) {
  for (const auto& statement : afterwards) {
    if (statement.status() != StatementResult::Status::rows) return false;
  }
  const char* clean = afterwards.back().value(0, 0);
  return clean && std::string_view(clean) == "t";
}

// What the check's failure says: the session changed (an earlier query of the same role set the
// read-only default or the statement timeout otherwise), else the role is gone, locked or
// expired (the check's own verdict, or PostgreSQL's "invalid role OID" once the role is dropped).
[[noreturn]] void check_failed(const StatementResult& check) {
  if (check.message().find(kSessionChanged) != std::string::npos) {
    throw SessionChanged("the session is no longer read-only with the server's statement timeout");
  }
  if (check.message().find(kRoleNotLive) != std::string::npos) {
    throw StaleCredential("this user's role may no longer log in");
  }
  throw StaleCredential("the database no longer knows this user's role");
}

Json rows_of(const StatementResult& result) {
  Json rows = Json::array();
  for (int row = 0; row < result.row_count(); ++row) {
    Json object = Json::object();
    for (int column = 0; column < result.column_count(); ++column) {
      const char* value = result.value(row, column);
      object[result.column_name(column)] = value ? Json(value) : Json(nullptr);
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

// The query failed, not the session (syntax, permission, timeout): the server's message names
// the problem and holds no credential.
struct QueryFailed {
  std::string message;
};

// A statement PostgreSQL cancels at the statement timeout is answered a moment later; a call
// that has no answer by this much after it is not going to get one.
constexpr std::chrono::milliseconds kAnswerMargin{500};

DatabaseAddress answering_within(DatabaseAddress address, int statement_timeout_ms) {
  address.answer_timeout = std::chrono::milliseconds(statement_timeout_ms) + kAnswerMargin;
  return address;
}

}  // namespace

RoleDatabase::RoleDatabase(DatabaseAddress address, PoolLimits limits, int statement_timeout_ms, Isolation isolation)
    : statement_timeout_(std::to_string(statement_timeout_ms) + "ms"),
      isolation_(isolation),
      pool_(answering_within(std::move(address), statement_timeout_ms), limits,
            "-c default_transaction_read_only=on -c statement_timeout=" + statement_timeout_) {}

Json RoleDatabase::run(RoleSession& session, const std::string& sql, const std::optional<std::string>& parameter) {
  // The extended protocol, with or without a parameter: one statement, never a list of them.
  // Check and query run in an explicit read-only transaction block, and the block is rolled
  // back whatever became of them (in the same round trip, or in a second when one failed):
  // nothing a query writes survives it, and a COMMIT inside a DO block or a procedure fails, as
  // PostgreSQL refuses transaction control inside a block. The block's own statements, the check
  // and the leftover check are kept prepared, as are the queries: a user's calls repeat them (a
  // client's tools, a dashboard's polls).
  const bool block = isolation_ == Isolation::rolled_back_block;
  std::vector<RoleSession::Statement> pipeline;
  if (block) pipeline.push_back({"BEGIN READ ONLY", {}, true});
  pipeline.push_back({kSessionCheckSql.c_str(), {statement_timeout_.c_str()}, true});
  pipeline.push_back({sql.c_str(), {}, true});
  if (parameter) pipeline.back().parameters.push_back(parameter->c_str());
  std::vector<RoleSession::Statement> afterwards;
  if (block) afterwards = {{"ROLLBACK", {}, true}, {kUnlockAndLeftoverCheckSql, {}, true}};
  const auto results = session.run(pipeline, afterwards);
  const auto& check = results.statements[pipeline.size() - 2];
  const auto& query = results.statements.back();
  if (check.status() == StatementResult::Status::failed) check_failed(check);
  // The call's answer stands; its session is closed instead of pooled.
  if (block && !left_clean(results.afterwards)) session.retire();
  if (query.status() == StatementResult::Status::failed) throw QueryFailed{query.message()};
  return rows_of(query);
}

// A login that fails for a passing reason (a backend slow to start on a loaded machine, a
// connection slot taken a moment) is tried once more after a short pause; a refused credential
// or a second failure is the call's answer.
RoleConnectionPool::Lease RoleDatabase::borrow(const RoleCredentials& credentials) {
  for (bool retried = false;; retried = true) {
    try {
      return pool_.borrow(credentials.subject, credentials.username, credentials.password);
    } catch (const LoginFailed& e) {
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
    } catch (const NoAnswer& e) {
      // PostgreSQL is silent (stopped, or a network that drops everything): a new login would
      // wait as long again.
      throw mcp::ToolError(std::string("database_unavailable: ") + e.what());
    } catch (const SessionBroken&) {
      // A pooled connection that died while it waited (PostgreSQL restarted, the backend was
      // terminated).
      replace_once(lease, retried, "database_unavailable: lost the connection to PostgreSQL");
    } catch (const SessionChanged&) {
      // An earlier query of the role changed its session, or a table changed under a kept plan.
      replace_once(lease, retried,
                   "database_unavailable: a new session to PostgreSQL did not start read-only with the server's "
                   "statement timeout");
    } catch (const QueryFailed& e) {
      lease.give_back();  // closed instead, if the query left the session unusable (a COPY)
      throw mcp::ToolError("query_failed: " + e.message);
    }
  }
}

}  // namespace mcph::postgres_mcp
