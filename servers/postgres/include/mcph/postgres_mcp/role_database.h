#pragma once
// Read-only queries as the caller's own dynamic role, on the role's pooled connections.
//
// Each session starts read-only and with the statement timeout (libpq's `options`, sent with the
// login). Each query runs in a transaction block opened READ ONLY before it and rolled back
// after it in the same round trip, whatever became of it: a COMMIT inside a DO block or a
// procedure fails (PostgreSQL allows no transaction control inside a block), and nothing the
// query changed survives it, not even a setting. What a rollback does not end is ended too:
// advisory locks are released after every call, and a session left with a statement prepared
// in SQL is closed instead of pooled. A query is one statement (the extended protocol), and
// BEGIN and START TRANSACTION are refused with a message that says why.
//
// A pooled connection can outlive its credential: PostgreSQL keeps the session of a role that
// was dropped or locked after it logged in (reads then fail one by one, or quietly return
// nothing). So every query is preceded by a check that the role still exists, may log in and
// has not expired, sent with it in one round trip (RoleSession's pipeline), which PostgreSQL
// runs first and which stops the query when it fails; then the credential is stale
// (StaleCredential: the caller fetches a new lease). The same check finds a session an earlier
// query of the role changed (the read-only default or the statement timeout set otherwise; the
// session finds its kept statements deallocated itself): that session is closed and the call
// runs on a new one, so the server's limits hold for every call. So does a call whose kept
// plan no longer fits its table (a column added under a SELECT *).
// A reused connection that turns out broken (PostgreSQL restarted, backend terminated) is
// replaced by a new one once, transparently; so is a new login that failed for another reason
// than the credential. An answer that does not come within the statement timeout and a margin
// (a stopped server, a silent network) is database_unavailable at once.
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "mcph/postgres_mcp/role_connection_pool.h"

namespace mcph::postgres_mcp {

// The role is no longer a valid credential: refused at login (revoked, expired) or found
// dropped/locked on a pooled connection. The broker's cached lease is then stale.
class StaleCredential : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RoleCredentials {
  std::string subject;   // whose role it is (pooling: a user's new role retires the old one)
  std::string username;  // the dynamic role
  std::string password;
};

class RoleDatabase {
 public:
  // How a query runs: in a read-only block rolled back after it (the default), or, for the
  // harness's sabotage tests only, as the server once ran them: in the implicit transaction of
  // its pipeline, where a COMMIT inside a DO block ends the read-only transaction.
  enum class Isolation { rolled_back_block, implicit_transaction };

  RoleDatabase(DatabaseAddress address, PoolLimits limits, int statement_timeout_ms,
               Isolation isolation = Isolation::rolled_back_block);

  // The rows as JSON objects (column name → text or null). Throws StaleCredential, or
  // mcp::ToolError "database_unavailable: …" / "query_failed: <PostgreSQL's message>".
  nlohmann::json query(const RoleCredentials& credentials, const std::string& sql,
                       const std::optional<std::string>& parameter = std::nullopt);

  RoleConnectionPool& pool() { return pool_; }

  static constexpr std::chrono::milliseconds kLoginRetryPause{100};

 private:
  RoleConnectionPool::Lease borrow(const RoleCredentials& credentials);
  nlohmann::json run(RoleSession& session, const std::string& sql, const std::optional<std::string>& parameter);

  std::string statement_timeout_;  // as the sessions start with it, e.g. "3000ms" (set before pool_)
  Isolation isolation_;
  RoleConnectionPool pool_;
};

}  // namespace mcph::postgres_mcp
