#include "sse_channel.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "mcph/http/url.h"
#include "mcph/mcp/sse.h"

namespace mcph::mcp::detail {
namespace {

http::ClientOptions with_read_timeout(http::ClientOptions options, std::chrono::milliseconds timeout) {
  options.read_timeout = timeout;
  options.keep_alive = false;
  return options;
}

// Where the last complete event in `buffer` ends (after its blank line), or 0.
std::size_t complete_events_end(const std::string& buffer) {
  std::size_t end = 0;
  for (std::string_view blank : {"\n\n", "\r\n\r\n", "\r\r"}) {
    const auto at = buffer.rfind(blank);
    if (at != std::string::npos) end = std::max(end, at + blank.size());
  }
  return end;
}

}  // namespace

SseChannel::SseChannel(std::string sse_url, http::ClientOptions options, std::chrono::milliseconds idle_timeout)
    : url_(std::move(sse_url)), options_(with_read_timeout(std::move(options), idle_timeout)) {
  http::parse_url(url_);  // a bad URL fails here, with its reason
}

SseChannel::~SseChannel() { close(); }

std::optional<http::ClientResponse> SseChannel::open(const http::Fields& headers, std::chrono::milliseconds timeout) {
  close();
  {
    std::lock_guard lock(mutex_);
    ended_ = false;
    failure_.clear();
    refused_.reset();
    buffer_.clear();
    endpoint_path_.clear();
    endpoint_query_.clear();
    session_parameter_ = "session_id";
    session_id_.clear();
    messages_.clear();
  }
  stream_client_ = std::make_unique<http::Client>(url_, options_);
  reader_ = std::thread([this, headers] { read_stream(headers); });
  std::unique_lock lock(mutex_);
  const bool answered = changed_.wait_for(lock, timeout, [&] { return ended_ || !endpoint_path_.empty(); });
  if (answered && refused_) {
    auto refused = std::move(refused_);
    lock.unlock();
    close();
    return refused;
  }
  if (answered && !endpoint_path_.empty()) return std::nullopt;
  const std::string why = answered ? failure_ : "no endpoint event within " + std::to_string(timeout.count()) + " ms";
  lock.unlock();
  close();
  throw http::TransportError("GET " + url_ + ": " + why);
}

bool SseChannel::is_open() const {
  std::lock_guard lock(mutex_);
  return reader_.joinable() && !ended_ && !endpoint_path_.empty();
}

void SseChannel::close() {
  if (stream_client_) stream_client_->stop();
  if (reader_.joinable()) reader_.join();
  stream_client_.reset();
  std::lock_guard lock(mutex_);
  if (!ended_) {
    ended_ = true;
    failure_ = "the SSE stream was closed by the client";
  }
}

void SseChannel::read_stream(http::Fields headers) {
  headers.emplace_back("Accept", "text/event-stream");
  headers.emplace_back("Cache-Control", "no-store");
  try {
    http::ClientResponse response = stream_client_->stream("", headers, [this](std::string_view bytes) {
      std::lock_guard lock(mutex_);
      if (ended_) return false;
      take(bytes);
      return !ended_;
    });
    std::lock_guard lock(mutex_);
    if (response.status < 200 || response.status >= 300) {
      refused_ = std::move(response);
      ended_ = true;
      failure_ = "the server refused the SSE stream with HTTP " + std::to_string(refused_->status);
    } else if (!ended_) {
      ended_ = true;
      failure_ = "the server ended the SSE stream";
    }
  } catch (const http::TransportError& e) {
    std::lock_guard lock(mutex_);
    if (!ended_) {
      ended_ = true;
      failure_ = std::string("the SSE stream failed: ") + e.what();
    }
  }
  changed_.notify_all();
}

void SseChannel::take(std::string_view bytes) {
  buffer_.append(bytes);
  const std::size_t end = complete_events_end(buffer_);
  if (end == 0) return;
  const auto events = parse_sse(std::string_view(buffer_).substr(0, end));
  buffer_.erase(0, end);
  for (const auto& event : events) {
    if (event.event == "endpoint") {
      if (endpoint_path_.empty()) {
        // A path (absolute, or relative to the stream's), or a URL on the stream's origin.
        std::string target = event.data;
        const http::Url stream_url = http::parse_url(url_);
        if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
          const http::Url named = http::parse_url(target);
          if (named.origin() != stream_url.origin()) {
            ended_ = true;
            failure_ = "the endpoint event names another origin (" + named.origin() + ")";
            break;
          }
          target = named.path;
        } else if (target.empty() || target.front() != '/') {
          const std::string base = stream_url.path.substr(0, stream_url.path.find('?'));
          target = base.substr(0, base.rfind('/') + 1) + target;
        }
        const auto question = target.find('?');
        endpoint_path_ = target.substr(0, question);
        if (question != std::string::npos) {
          endpoint_query_ = http::parse_query(std::string_view(target).substr(question + 1));
          for (const auto& [name, value] : endpoint_query_) {
            if (name == "session_id" || name == "sessionId") {
              session_parameter_ = name;
              session_id_ = value;
            }
          }
        }
      }
    } else if (event.event == "message" || event.event.empty()) {
      messages_.push_back(event.data);
    }
  }
  changed_.notify_all();
}

std::string SseChannel::endpoint_target(const std::string& session_id) const {
  std::lock_guard lock(mutex_);
  http::Fields query;
  for (const auto& field : endpoint_query_) {
    if (field.first != session_parameter_) query.push_back(field);
  }
  if (!session_id.empty()) query.emplace_back(session_parameter_, session_id);
  return query.empty() ? endpoint_path_ : endpoint_path_ + "?" + http::form_encode(query);
}

std::vector<std::string> SseChannel::receive_until(const std::function<bool(const std::string&)>& done,
                                                   std::chrono::milliseconds timeout) {
  std::vector<std::string> taken;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!messages_.empty()) {
      taken.push_back(std::move(messages_.front()));
      messages_.pop_front();
      if (done(taken.back())) return taken;
    }
    if (ended_) throw http::TransportError("POST " + url_ + ": no response: " + failure_);
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && messages_.empty() && !ended_) {
      throw http::TransportError("POST " + url_ + ": no response on the SSE stream within " +
                                 std::to_string(timeout.count()) + " ms");
    }
  }
}

std::vector<std::string> SseChannel::take_messages(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return ended_ || !messages_.empty(); });
  std::vector<std::string> taken(std::make_move_iterator(messages_.begin()), std::make_move_iterator(messages_.end()));
  messages_.clear();
  return taken;
}

}  // namespace mcph::mcp::detail
