#pragma once
// The state of one connection of the keep-alive load driver: where its user's session setup
// is, the call in flight, and the bytes still to write.
#include <cstdint>
#include <map>
#include <string>

#include "mcph/harness/load/load_driver.h"
#include "mcph/harness/load/response_parser.h"
#include "mcph/http/message.h"

namespace mcph::harness::load {

// An answer larger than this is a failed call, not a buffer that grows without bound.
inline constexpr std::size_t kMaxResponseBytes = 4 * 1024 * 1024;

enum class Phase { connecting, initializing, notifying, ready, in_call, done };

// A user's MCP session on a connection (Streamable HTTP).
struct Session {
  std::string id;
  std::string protocol_version;
};

struct Connection {
  std::size_t index = 0;
  int fd = -1;
  Phase phase = Phase::connecting;
  std::string authorization;     // the connection's own user
  bool set_up = false;           // its first session is ready: later sessions are a call's
  std::map<std::string, Session> sessions;  // by Authorization value
  std::string active;            // the Authorization of the request in flight
  http::Fields call_headers;     // the call in flight's own headers
  std::uint64_t call_tag = 0;
  ToolCall pending;              // the call waiting for its user's session
  bool has_pending = false;
  Clock::time_point session_start{};
  int session_answers = 0;
  int session_status = 0;           // of the session's last answer
  std::string session_retry_after;  // of the session's last answer
  std::string out;               // bytes still to write
  std::size_t out_offset = 0;
  bool watching_write = false;
  ResponseParser parser{kMaxResponseBytes};
  Clock::time_point setup_start{};
  Clock::time_point request_start{};
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point next_due{};  // when the next call may start (paced loads)
  std::size_t calls_done = 0;
  std::uint64_t rpc_id = 0;
};

}  // namespace mcph::harness::load
