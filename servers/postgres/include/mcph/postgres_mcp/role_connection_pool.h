#pragma once
// postgres-mcp's connections to PostgreSQL, kept per dynamic role: a call borrows a connection
// logged in as the caller's current role (an idle one of that very role, else a new one) and
// gives it back for the next call of the same role. Logging in costs a TCP connection, SCRAM
// and a backend process — most of a call's time when done per call.
//
// A connection only ever serves the role it logged in as, and a role belongs to one user's
// lease, so nothing a session keeps (prepared statements, advisory locks) reaches another user.
// When a user's lease is replaced (a new role), the old role's idle connections are closed.
// Bounded: at most `max_idle` idle connections in all (the least recently used goes first),
// none kept idle longer than `max_idle_age`.
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <pqxx/connection>

namespace mcph::postgres_mcp {

struct DatabaseAddress {
  std::string host = "127.0.0.1";
  std::string port;
  std::string name = "mcp_demo";
  int connect_timeout_s = 3;
};

struct PoolLimits {
  std::size_t max_idle = 32;  // PostgreSQL's max_connections is 100 by default
  std::chrono::seconds max_idle_age{30};
};

// A connection out of the pool; give it back with RoleConnectionPool::give_back.
struct BorrowedConnection {
  std::unique_ptr<pqxx::connection> connection;
  std::string role;
  bool reused = false;  // it served an earlier call (its role may have been revoked since)
};

class RoleConnectionPool {
 public:
  RoleConnectionPool(DatabaseAddress address, PoolLimits limits = {});
  ~RoleConnectionPool();

  // A connection logged in as `role` for `subject`: an idle one of that role, else a new one.
  // A subject seen with another role before: that role's idle connections are closed.
  // Throws pqxx::broken_connection when a new connection cannot log in.
  BorrowedConnection borrow(const std::string& subject, const std::string& role, const std::string& password);
  // A new connection, never an idle one (after a reused one turned out broken).
  BorrowedConnection connect(const std::string& role, const std::string& password) const;
  // Keeps the connection for the next call of its role, unless that role is no longer the
  // subject's current one.
  void give_back(const std::string& subject, BorrowedConnection borrowed);
  // Closes the role's idle connections (its lease was revoked).
  void drop_role(const std::string& role);

  std::size_t idle_count() const;

 private:
  struct Idle {
    std::string role;
    std::unique_ptr<pqxx::connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  void drop_role_locked(const std::string& role);
  void evict_locked();

  DatabaseAddress address_;
  PoolLimits limits_;
  mutable std::mutex mutex_;
  std::list<Idle> idle_;  // most recently returned first
  std::unordered_map<std::string, std::string> role_of_subject_;
};

}  // namespace mcph::postgres_mcp
