#pragma once
// Whether the bytes a connection has received hold a request a worker can serve without waiting
// for the client: the reactor gathers a request's head and body itself, reading what arrives
// as it arrives, and takes a worker only for a whole request. So a client that trickles its
// head or its body holds no worker, however many such clients there are; each is bounded by
// its request deadline instead.
#include <cstddef>
#include <string_view>

namespace mcph::http::detail {

enum class Gathering {
  whole,      // a whole request, or bytes the server answers without more (a refused head, a
              // body over the limit, a head over its limit)
  need_more,  // the head or the body has not all arrived
  // The head asks for "100 Continue" before its body: the server sends it, then gathers the body.
  need_more_after_continue,
};

Gathering gathering_state(std::string_view bytes, std::size_t max_body);

}  // namespace mcph::http::detail
