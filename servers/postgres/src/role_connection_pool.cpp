#include "mcph/postgres_mcp/role_connection_pool.h"

#include <algorithm>
#include <utility>

#include "mcph/postgres/conninfo.h"

namespace mcph::postgres_mcp {

using Clock = std::chrono::steady_clock;
using postgres::quote_conninfo;

// ---- Lease ------------------------------------------------------------------------------------

RoleConnectionPool::Lease::Lease(RoleConnectionPool* pool, std::string subject, std::string role, std::string password,
                                 std::unique_ptr<RoleSession> connection, bool reused)
    : pool_(pool),
      subject_(std::move(subject)),
      role_(std::move(role)),
      password_(std::move(password)),
      connection_(std::move(connection)),
      reused_(reused) {}

RoleConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      subject_(std::move(other.subject_)),
      role_(std::move(other.role_)),
      password_(std::move(other.password_)),
      connection_(std::move(other.connection_)),
      reused_(other.reused_) {}

RoleConnectionPool::Lease::~Lease() {
  if (!pool_) return;
  connection_.reset();
  pool_->release(role_);
}

void RoleConnectionPool::Lease::reconnect() {
  connection_.reset();
  connection_ = pool_->connect(role_, password_);  // keeps its place in the counts
  reused_ = false;
}

void RoleConnectionPool::Lease::give_back() {
  if (!pool_) return;
  pool_->give_back(subject_, role_, std::move(connection_));
  pool_ = nullptr;
}

// ---- RoleConnectionPool -----------------------------------------------------------------------

RoleConnectionPool::RoleConnectionPool(DatabaseAddress address, PoolLimits limits, std::string session_options)
    : address_(std::move(address)), limits_(limits), session_options_(std::move(session_options)) {}

RoleConnectionPool::~RoleConnectionPool() = default;

std::unique_ptr<RoleSession> RoleConnectionPool::connect(const std::string& role, const std::string& password) const {
  std::string conninfo = "host=" + address_.host + " port=" + address_.port + " dbname=" + quote_conninfo(address_.name) +
                         " user=" + quote_conninfo(role) + " password=" + quote_conninfo(password) +
                         " connect_timeout=" + std::to_string(address_.connect_timeout_s);
  if (!session_options_.empty()) conninfo += " options=" + quote_conninfo(session_options_);
  return std::make_unique<RoleSession>(conninfo, address_.answer_timeout);
}

RoleConnectionPool::Lease RoleConnectionPool::borrow(const std::string& subject, const std::string& role,
                                                     const std::string& password) {
  std::unique_lock lock(mutex_);
  auto& current = role_of_subject_[subject];
  if (!current.empty() && current != role) drop_role_locked(current);  // the lease was replaced
  current = role;
  evict_aged_locked();
  // An idle connection of the role is taken at once, waiters or not: it costs no login and
  // frees nothing a waiter could use for long. A new login is only for a call with nobody
  // waiting before it; otherwise the call queues, and places go to the queue in its order.
  if (auto idle = take_idle_locked(role)) return Lease(this, subject, role, password, std::move(idle), true);
  Waiter waiter;
  waiter.role = role;
  if (!waiters_.empty() || !take_place_locked(role)) {
    waiters_.push_back(&waiter);
    serve_waiters_locked();  // a place those before it cannot use (their role is at its limit)
    const auto deadline = Clock::now() + limits_.wait_timeout;
    if (!waiter.ready.wait_until(lock, deadline, [&] { return waiter.served; })) {
      waiters_.remove(&waiter);
      throw PoolExhausted("all " + std::to_string(limits_.max_open) + " connections to PostgreSQL (" +
                          std::to_string(limits_.max_per_role) + " per user) stayed busy");
    }
    if (waiter.connection) return Lease(this, subject, role, password, std::move(waiter.connection), true);
  }
  lock.unlock();  // the place is taken; logging in takes milliseconds, outside the lock
  try {
    return Lease(this, subject, role, password, connect(role, password), false);
  } catch (...) {
    release(role);
    throw;
  }
}

std::unique_ptr<RoleSession> RoleConnectionPool::take_idle_locked(const std::string& role) {
  const auto it = std::find_if(idle_.begin(), idle_.end(), [&](const Idle& entry) { return entry.role == role; });
  if (it == idle_.end()) return nullptr;
  auto connection = std::move(it->connection);
  idle_.erase(it);
  return connection;
}

// A place for a new connection of `role`: room under both limits, or, for a role with none yet,
// the least recently used idle connection of another role closed (a role that has some waits
// for its own: closing others' to open more would only trade logins back and forth).
bool RoleConnectionPool::take_place_locked(const std::string& role) {
  std::size_t& of_role = open_by_role_[role];
  if ((of_role < limits_.max_per_role && open_ < limits_.max_open) ||
      (of_role == 0 && close_idle_of_another_role_locked(role))) {
    ++open_;
    ++of_role;
    return true;
  }
  if (of_role == 0) open_by_role_.erase(role);
  return false;
}

// First the waiters whose role has an idle connection now (no login), then places in the order
// of arrival.
void RoleConnectionPool::serve_waiters_locked() {
  const auto serve = [this](auto it) {
    (*it)->served = true;
    (*it)->ready.notify_one();
    return waiters_.erase(it);
  };
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    auto idle = take_idle_locked((*it)->role);
    if (!idle) {
      ++it;
      continue;
    }
    (*it)->connection = std::move(idle);
    it = serve(it);
  }
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    it = take_place_locked((*it)->role) ? serve(it) : std::next(it);
  }
}

void RoleConnectionPool::give_back(const std::string& subject, const std::string& role,
                                   std::unique_ptr<RoleSession> connection) {
  {
    std::lock_guard lock(mutex_);
    const auto current = role_of_subject_.find(subject);
    if (connection && connection->is_open() && current != role_of_subject_.end() && current->second == role) {
      idle_.push_front(Idle{role, std::move(connection), Clock::now()});
      serve_waiters_locked();
      return;
    }
  }
  connection.reset();  // the role is no longer its user's: closed
  release(role);
}

void RoleConnectionPool::release(const std::string& role) {
  std::lock_guard lock(mutex_);
  count_closed_locked(role);
  serve_waiters_locked();
}

void RoleConnectionPool::count_closed_locked(const std::string& role) {
  --open_;
  if (const auto it = open_by_role_.find(role); it != open_by_role_.end() && --it->second == 0) {
    open_by_role_.erase(it);
  }
}

void RoleConnectionPool::drop_role(const std::string& role) {
  std::lock_guard lock(mutex_);
  drop_role_locked(role);
}

void RoleConnectionPool::drop_role_locked(const std::string& role) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (it->role != role) {
      ++it;
      continue;
    }
    it = idle_.erase(it);
    count_closed_locked(role);
  }
  serve_waiters_locked();
}

void RoleConnectionPool::evict_aged_locked() {
  const auto oldest_allowed = Clock::now() - limits_.max_idle_age;
  while (!idle_.empty() && idle_.back().since < oldest_allowed) {
    const std::string role = idle_.back().role;
    idle_.pop_back();
    count_closed_locked(role);
  }
  if (!waiters_.empty()) serve_waiters_locked();
  // Subjects with nothing open need no entry once there are many of them.
  if (role_of_subject_.size() > 4 * limits_.max_open + 64) {
    for (auto it = role_of_subject_.begin(); it != role_of_subject_.end();) {
      it = open_by_role_.count(it->second) ? std::next(it) : role_of_subject_.erase(it);
    }
  }
}

bool RoleConnectionPool::close_idle_of_another_role_locked(const std::string& role) {
  for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {  // least recently used first
    if (it->role == role) continue;
    const std::string other = it->role;
    idle_.erase(std::next(it).base());
    count_closed_locked(other);
    return true;
  }
  return false;
}

std::size_t RoleConnectionPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t RoleConnectionPool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t RoleConnectionPool::waiting_count() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace mcph::postgres_mcp
