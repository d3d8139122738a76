#pragma once
// postgres-mcp's connections to PostgreSQL, kept per dynamic role: a call borrows a connection
// logged in as the caller's current role (an idle one of that very role, else a new one) and
// gives it back for the next call of the same role. Logging in costs a TCP connection, SCRAM
// and a backend process — most of a call's time when done per call.
//
// A connection only ever serves the role it logged in as, and a role belongs to one user's
// lease, so nothing a session keeps (prepared statements, advisory locks) reaches another user.
// When a user's lease is replaced (a new role), the old role's idle connections are closed.
//
// Bounded: at most `max_open` connections in all (PostgreSQL refuses clients beyond its own
// max_connections), at most `max_per_role` for one role (one user's concurrent calls share
// them); a call that finds none free waits up to `wait_timeout`, in a queue: places go to the
// waiting calls in their order of arrival, never to a call that came later (under load, a call
// that lost every race for a freed place used to give up while later ones went through). At the
// limit, a role with no connection yet gets one by closing the least recently used idle
// connection of another role.
// No connection stays idle longer than `max_idle_age`.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "mcph/postgres_mcp/role_session.h"

namespace mcph::postgres_mcp {

struct DatabaseAddress {
  std::string host = "127.0.0.1";
  std::string port;
  std::string name = "mcp_demo";
  int connect_timeout_s = 3;
  // How long a call waits for PostgreSQL's answer (RoleSession); longer than the statement
  // timeout, so that a statement PostgreSQL cancels is answered as such.
  std::chrono::milliseconds answer_timeout{10000};
};

struct PoolLimits {
  std::size_t max_open = 48;
  std::size_t max_per_role = 4;
  std::chrono::seconds max_idle_age{30};
  std::chrono::milliseconds wait_timeout{3000};
};

// Every connection is in use and none could be freed within the wait timeout.
class PoolExhausted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RoleConnectionPool {
 public:
  // A borrowed connection. Unless given back, it is closed when the lease ends.
  class Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    RoleSession& operator*() const { return *connection_; }
    bool reused() const { return reused_; }  // it served an earlier call: its role may be gone since
    // Logs in again as the same role (after this connection broke). Throws LoginFailed.
    void reconnect();
    // For the next call of the role (closed instead if the role is no longer its user's current).
    void give_back();

   private:
    friend class RoleConnectionPool;
    Lease(RoleConnectionPool* pool, std::string subject, std::string role, std::string password,
          std::unique_ptr<RoleSession> connection, bool reused);
    RoleConnectionPool* pool_;
    std::string subject_, role_, password_;
    std::unique_ptr<RoleSession> connection_;
    bool reused_;
  };

  // session_options: settings every session starts with, as libpq's `options` ("-c name=value").
  RoleConnectionPool(DatabaseAddress address, PoolLimits limits = {}, std::string session_options = {});
  ~RoleConnectionPool();

  // A connection logged in as `role` for `subject`: an idle one of that role, else a new one.
  // A subject seen with another role before: that role's idle connections are closed.
  // Throws LoginFailed when a new connection cannot log in, PoolExhausted.
  Lease borrow(const std::string& subject, const std::string& role, const std::string& password);
  // Closes the role's idle connections (its lease was revoked).
  void drop_role(const std::string& role);

  std::size_t idle_count() const;
  std::size_t open_count() const;
  std::size_t waiting_count() const;

 private:
  struct Idle {
    std::string role;
    std::unique_ptr<RoleSession> connection;
    std::chrono::steady_clock::time_point since;
  };
  std::unique_ptr<RoleSession> connect(const std::string& role, const std::string& password) const;
  void give_back(const std::string& subject, const std::string& role, std::unique_ptr<RoleSession> connection);
  void release(const std::string& role);  // a borrowed connection of `role` was closed
  void count_closed_locked(const std::string& role);
  void drop_role_locked(const std::string& role);
  void evict_aged_locked();
  bool close_idle_of_another_role_locked(const std::string& role);
  std::unique_ptr<RoleSession> take_idle_locked(const std::string& role);
  bool take_place_locked(const std::string& role);  // counts a new connection of `role` in, if it may
  void serve_waiters_locked();

  // A call waiting in borrow(): served with an idle connection of its role, or a place.
  struct Waiter {
    std::string role;
    bool served = false;
    std::unique_ptr<RoleSession> connection;  // when served with an idle one
    std::condition_variable ready;
  };

  DatabaseAddress address_;
  PoolLimits limits_;
  std::string session_options_;
  mutable std::mutex mutex_;
  std::list<Waiter*> waiters_;  // in order of arrival
  std::list<Idle> idle_;  // most recently returned first
  std::size_t open_ = 0;  // idle and borrowed
  std::unordered_map<std::string, std::size_t> open_by_role_;
  std::unordered_map<std::string, std::string> role_of_subject_;
};

}  // namespace mcph::postgres_mcp
