#pragma once
// The client side of the HTTP+SSE transport (protocol 2024-11-05): one GET of the SSE URL
// kept open on a reader thread, whose first event, `endpoint`, names the URL to POST messages
// to (on the stream's origin: another origin is refused); every later event's data is a
// JSON-RPC message, queued until a caller takes it.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mcph/http/client.h"

namespace mcph::mcp::detail {

class SseChannel {
 public:
  // sse_url: the stream's URL (…/sse). The stream's reads wait up to idle_timeout each.
  SseChannel(std::string sse_url, http::ClientOptions options, std::chrono::milliseconds idle_timeout);
  ~SseChannel();  // ends the stream and joins its reader
  SseChannel(const SseChannel&) = delete;
  SseChannel& operator=(const SseChannel&) = delete;

  // Opens the stream with `headers` and waits up to `timeout` for its endpoint event. nullopt
  // once open; the server's answer when it refused the GET (not 2xx). Throws
  // http::TransportError when the stream cannot be opened, ends or sends no endpoint in time.
  std::optional<http::ClientResponse> open(const http::Fields& headers, std::chrono::milliseconds timeout);
  bool is_open() const;
  void close();  // ends the stream; is_open() is false afterwards

  // The session id of the messages endpoint's query (its session_id, or sessionId as the
  // TypeScript SDK names it).
  const std::string& session_id() const { return session_id_; }
  // The messages endpoint's path and query on the stream's origin, as the server named it, but
  // with `session_id` in place of the server's (none when empty): tests of foreign or missing
  // session ids.
  std::string endpoint_target(const std::string& session_id) const;

  // The messages received, in order, up to and including the first that `done` accepts,
  // waiting up to `timeout` for it. Throws http::TransportError when the stream ends or the
  // time passes first (the messages taken so far are lost with it).
  std::vector<std::string> receive_until(const std::function<bool(const std::string&)>& done,
                                         std::chrono::milliseconds timeout);
  // Every message received and not yet taken, waiting up to `timeout` for the first; empty
  // when none came (or the stream ended without one).
  std::vector<std::string> take_messages(std::chrono::milliseconds timeout);

 private:
  void read_stream(http::Fields headers);
  void take(std::string_view bytes);  // under the lock: complete events out of the buffer

  const std::string url_;
  const http::ClientOptions options_;  // the stream's (its read timeout the idle timeout)
  std::unique_ptr<http::Client> stream_client_;  // one a stream, used by its reader
  std::thread reader_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool ended_ = false;  // the stream ended (or never opened): `failure_` says why
  std::string failure_;
  std::optional<http::ClientResponse> refused_;
  std::string buffer_;  // bytes of an event not yet complete
  std::string endpoint_path_;  // empty until the endpoint event
  http::Fields endpoint_query_;
  std::string session_parameter_ = "session_id";
  std::string session_id_;
  std::deque<std::string> messages_;
};

}  // namespace mcph::mcp::detail
