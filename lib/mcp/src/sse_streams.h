#pragma once
// The open streams of the HTTP+SSE transport (protocol 2024-11-05): each GET of the SSE path
// reserves one for the caller, within a bound per subject and one overall, under a new session
// id; the stream attaches once the server has sent its head, and is released when it closes
// (the client left or fell behind, the server stopped). A session belongs to the subject that
// opened it.
//
// Never write to a stream while holding this object's lock: a write that fails closes the
// stream, whose callback takes the lock to release it. find() hands out a reference instead.
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "mcph/http/message.h"
#include "mcph/mcp/auth.h"
#include "session_store.h"

namespace mcph::mcp::detail {

struct SseStream {
  std::shared_ptr<Session> session;              // id, subject, protocol version, log level
  std::shared_ptr<http::ResponseStream> stream;  // null until the head has gone out
  Principal opener;                              // who opened the stream, as its GET was admitted
};

class SseStreams {
 public:
  SseStreams(std::size_t max_streams, std::size_t max_streams_per_subject);

  enum class Refusal { none, subject_full, server_full };
  struct Reservation {
    Refusal refusal = Refusal::none;
    std::shared_ptr<Session> session;  // when none
  };
  Reservation reserve(const Principal& opener);
  // The stream of a reserved session; releases it when the stream closes (at once when it is
  // closed already).
  void attach(const std::string& id, std::shared_ptr<http::ResponseStream> stream);
  void release(const std::string& id);

  // The open stream of session `id` whoever it belongs to, or nullopt (unknown, not open yet,
  // or closed).
  std::optional<SseStream> find(const std::string& id) const;
  std::size_t open_for(const std::string& subject) const;
  std::size_t size() const;

  std::size_t max_streams() const { return max_streams_; }
  std::size_t max_streams_per_subject() const { return max_per_subject_; }

 private:
  const std::size_t max_streams_;
  const std::size_t max_per_subject_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, SseStream> streams_;        // by session id
  std::unordered_map<std::string, std::size_t> per_subject_;  // streams reserved or open
};

}  // namespace mcph::mcp::detail
