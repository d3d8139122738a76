#include "mcph/postgres_mcp/role_connection_pool.h"

#include <algorithm>

#include "mcph/postgres/conninfo.h"

namespace mcph::postgres_mcp {

using postgres::quote_conninfo;

RoleConnectionPool::RoleConnectionPool(DatabaseAddress address, PoolLimits limits)
    : address_(std::move(address)), limits_(limits) {}

RoleConnectionPool::~RoleConnectionPool() = default;

BorrowedConnection RoleConnectionPool::connect(const std::string& role, const std::string& password) const {
  BorrowedConnection borrowed;
  borrowed.role = role;
  borrowed.connection = std::make_unique<pqxx::connection>(
      "host=" + address_.host + " port=" + address_.port + " dbname=" + quote_conninfo(address_.name) +
      " user=" + quote_conninfo(role) + " password=" + quote_conninfo(password) +
      " connect_timeout=" + std::to_string(address_.connect_timeout_s));
  return borrowed;
}

BorrowedConnection RoleConnectionPool::borrow(const std::string& subject, const std::string& role,
                                              const std::string& password) {
  std::unique_ptr<pqxx::connection> idle;
  {
    std::lock_guard lock(mutex_);
    auto& current = role_of_subject_[subject];
    if (!current.empty() && current != role) drop_role_locked(current);  // the lease was replaced
    current = role;
    evict_locked();
    const auto it = std::find_if(idle_.begin(), idle_.end(), [&](const Idle& entry) { return entry.role == role; });
    if (it != idle_.end()) {
      idle = std::move(it->connection);
      idle_.erase(it);
    }
  }
  if (idle) return BorrowedConnection{std::move(idle), role, true};
  return connect(role, password);  // outside the lock: logging in takes milliseconds
}

void RoleConnectionPool::give_back(const std::string& subject, BorrowedConnection borrowed) {
  if (!borrowed.connection || !borrowed.connection->is_open()) return;
  std::lock_guard lock(mutex_);
  const auto current = role_of_subject_.find(subject);
  if (current == role_of_subject_.end() || current->second != borrowed.role) return;  // closed here
  idle_.push_front(Idle{borrowed.role, std::move(borrowed.connection), std::chrono::steady_clock::now()});
  evict_locked();
}

void RoleConnectionPool::drop_role(const std::string& role) {
  std::lock_guard lock(mutex_);
  drop_role_locked(role);
}

void RoleConnectionPool::drop_role_locked(const std::string& role) {
  idle_.remove_if([&](const Idle& entry) { return entry.role == role; });
}

void RoleConnectionPool::evict_locked() {
  const auto oldest_allowed = std::chrono::steady_clock::now() - limits_.max_idle_age;
  while (!idle_.empty() && (idle_.size() > limits_.max_idle || idle_.back().since < oldest_allowed)) idle_.pop_back();
  // Subjects whose role has no idle connection left need no entry once there are many.
  if (role_of_subject_.size() > 4 * limits_.max_idle + 64) {
    for (auto it = role_of_subject_.begin(); it != role_of_subject_.end();) {
      const bool has_idle = std::any_of(idle_.begin(), idle_.end(), [&](const Idle& entry) { return entry.role == it->second; });
      it = has_idle ? std::next(it) : role_of_subject_.erase(it);
    }
  }
}

std::size_t RoleConnectionPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace mcph::postgres_mcp
