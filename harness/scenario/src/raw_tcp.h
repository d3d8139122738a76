#pragma once
// Bytes on the wire that an HTTP client library will not send: a request trickled byte by byte,
// a bare CR or a NUL inside a header value. One connection, every wait bounded; what came back
// and when the server closed the connection.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mcph::harness::scenario {

struct RawSend {
  std::string host;
  int port = 0;
  std::vector<std::string> chunks;             // written in order …
  std::chrono::milliseconds delay{0};          // … this far apart
  std::string trickle;                         // then this text, again and again …
  std::chrono::milliseconds trickle_every{0};  // … this far apart …
  int trickle_times = 0;                       // … at most this often, until the server answers or closes
  std::chrono::milliseconds read_for{5000};    // after the last byte sent: how long to wait for the answer
};

struct RawReply {
  std::string received;                  // every byte the server sent
  std::optional<double> closed_after_ms; // from connecting to the server's close (EOF or reset); none: still open
  std::size_t bytes_sent = 0;
};

// Throws std::runtime_error when no connection can be made at all.
RawReply exchange_raw(const RawSend& send);

// A connected TCP socket (its connect and every send bounded by 10 s), for the caller to close.
// Throws std::runtime_error when the host cannot be resolved or reached.
int connect_raw(const std::string& host, int port);

}  // namespace mcph::harness::scenario
