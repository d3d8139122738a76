#pragma once
// The server's sessions: created at initialize, found by Mcp-Session-Id, bounded in number
// (the least recently used one is ended to make room), ended by DELETE.
#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "mcph/mcp/protocol.h"

namespace mcph::mcp::detail {

struct Session {
  std::string id;
  std::string protocol_version;  // negotiated at initialize
  std::string subject;           // the principal that created it
  std::atomic<LogLevel> log_level{LogLevel::debug};
};

class SessionStore {
 public:
  explicit SessionStore(std::size_t max_sessions);

  std::shared_ptr<Session> create(std::string protocol_version, std::string subject);
  // nullptr when unknown or ended; marks the session as recently used.
  std::shared_ptr<Session> find(const std::string& id);
  bool erase(const std::string& id);
  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<Session> session;
    std::list<std::string>::iterator lru_position;
  };
  std::size_t max_sessions_;
  mutable std::mutex mutex_;
  std::list<std::string> lru_;  // most recently used first
  std::unordered_map<std::string, Entry> sessions_;
};

// 128 random bits from the OS CSPRNG as 32 hex digits (visible ASCII, as the spec requires).
std::string new_session_id();

}  // namespace mcph::mcp::detail
