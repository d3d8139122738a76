#include "session_store.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace mcph::mcp::detail {

std::string new_session_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("cannot generate a session id: no randomness available");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0x0F]);
  }
  return id;
}

SessionStore::SessionStore(std::size_t max_sessions) : max_sessions_(max_sessions == 0 ? 1 : max_sessions) {}

std::shared_ptr<Session> SessionStore::create(std::string protocol_version, std::string subject) {
  auto session = std::make_shared<Session>();
  session->id = new_session_id();
  session->protocol_version = std::move(protocol_version);
  session->subject = std::move(subject);
  std::lock_guard lock(mutex_);
  while (sessions_.size() >= max_sessions_ && !lru_.empty()) {
    sessions_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(session->id);
  sessions_.emplace(session->id, Entry{session, lru_.begin()});
  return session;
}

std::shared_ptr<Session> SessionStore::find(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru_position);
  return it->second.session;
}

bool SessionStore::erase(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  lru_.erase(it->second.lru_position);
  sessions_.erase(it);
  return true;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace mcph::mcp::detail
