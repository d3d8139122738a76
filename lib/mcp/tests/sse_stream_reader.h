#pragma once
// A GET of an HTTP+SSE stream read on its own thread, with every byte kept, for tests that
// must see exactly what a stream carried (and that nothing else did).
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "mcph/http/client.h"
#include "mcph/proc/poll_until.h"

namespace mcph::mcp::testing {

class SseStreamReader {
 public:
  SseStreamReader(const std::string& sse_url, http::Fields headers) : client_(sse_url) {
    headers.emplace_back("Accept", "text/event-stream");
    reader_ = std::thread([this, headers] {
      http::ClientResponse head;
      try {
        head = client_.stream("", headers, [this](std::string_view bytes) {
          std::lock_guard lock(mutex_);
          text_.append(bytes);
          return true;
        });
      } catch (const http::TransportError&) {
      }
      std::lock_guard lock(mutex_);
      status_ = head.status;
      refusal_ = head.body;
      ended_ = true;
    });
  }
  ~SseStreamReader() {
    client_.stop();
    reader_.join();
  }

  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }
  bool ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
  }
  int status() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  // Waits for the endpoint event; its session id ("" when none came within 5 s).
  std::string session_id() const {
    const std::string marker = "?session_id=";
    proc::poll_until([&] { return text().find("\n\n") != std::string::npos || ended(); }, std::chrono::seconds(5));
    const std::string got = text();
    const auto at = got.find(marker);
    if (at == std::string::npos) return "";
    return got.substr(at + marker.size(), got.find('\n', at) - at - marker.size());
  }
  bool wait_for(const std::string& part) const {
    return proc::poll_until([&] { return text().find(part) != std::string::npos; }, std::chrono::seconds(5));
  }

 private:
  http::Client client_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::string text_;
  std::string refusal_;
  int status_ = 0;
  bool ended_ = false;
};

}  // namespace mcph::mcp::testing
