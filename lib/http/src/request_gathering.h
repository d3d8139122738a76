#pragma once
// Whether the bytes a connection has received hold a request a worker can serve without waiting
// for the client: the reactor gathers a request's head and body itself, reading what arrives
// as it arrives, and takes a worker only for a whole request. So a client that trickles its
// head or its body holds no worker, however many such clients there are; each is bounded by
// its request deadline instead.
//
// Gathering keeps its place: each look at a connection's bytes goes on from where the last one
// stopped (the head's search for its end, the chunked body's parse), so a request that trickles
// in costs time linear in its size. It also says how far the reactor may read: the request,
// once its size is known, and at most kMaxReadAheadBytes beyond it.
#include <cstddef>
#include <optional>
#include <string_view>

#include "request_body.h"
#include "request_head.h"

namespace mcph::http::detail {

// What a connection reads beyond the request it is gathering or serving, at most: the start of
// the requests a client pipelines after it. Beyond, the bytes wait in the kernel's socket
// buffer, and the client's sends wait in turn (back-pressure), until a request is served.
constexpr std::size_t kMaxReadAheadBytes = 64 * 1024;

enum class Gathering {
  whole,      // a whole request, or bytes the server answers without more (a refused head, a
              // body over the limit, a head over its limit)
  need_more,  // the head or the body has not all arrived
  // The head asks for "100 Continue" before its body: the server sends it, then gathers the body.
  need_more_after_continue,
};

class RequestGathering {
 public:
  explicit RequestGathering(std::size_t max_body) : max_body_(max_body) {}

  // `bytes`: what the connection received of this request so far, from its first byte (and
  // maybe the start of the next ones after it): each call the same bytes, and maybe more.
  Gathering advance(std::string_view bytes);
  // How many bytes the connection may hold now that it holds `held` of them (from the request's
  // first byte): the request and kMaxReadAheadBytes beyond it once its size is known; while it
  // is not, what it holds and kMaxReadAheadBytes more, all of which may be the request's; for a
  // request answered without more of it (refused), what it holds.
  std::size_t read_limit(std::size_t held) const;
  // The request was served: the next one starts at the connection's next byte.
  void restart() { *this = RequestGathering(max_body_); }

 private:
  Gathering settle(std::optional<std::size_t> request_bytes);
  Gathering pending_body(std::size_t body_received) const;

  std::size_t max_body_;
  std::size_t searched_ = 0;    // how far the head has been searched for its end
  std::size_t head_bytes_ = 0;  // once the head has all arrived
  RequestHead head_;
  std::optional<ChunkedDecoder> chunked_;
  bool settled_ = false;  // whole: nothing more changes
  std::optional<std::size_t> request_bytes_;  // the request's size, once known
};

// Whether `bytes` hold a whole request, in one look.
Gathering gathering_state(std::string_view bytes, std::size_t max_body);

}  // namespace mcph::http::detail
