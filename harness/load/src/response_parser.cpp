#include "mcph/harness/load/response_parser.h"

#include <charconv>

namespace mcph::harness::load {
namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxChunkLine = 1024;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (http::iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

ResponseParser::State ResponseParser::fail(std::string message) {
  error_ = std::move(message);
  return State::error;
}

ResponseParser::State ResponseParser::feed(std::string_view bytes) {
  if (!error_.empty()) return State::error;
  buffer_.append(bytes);
  return step();
}

ResponseParser::State ResponseParser::finish() {
  if (!error_.empty()) return State::error;
  if (phase_ == Phase::body_to_close) {
    response_.body.append(buffer_, scan_, std::string::npos);
    scan_ = buffer_.size();
    phase_ = Phase::done;
    return State::complete;
  }
  if (phase_ == Phase::done) return State::complete;
  return fail(phase_ == Phase::head && scan_ == buffer_.size() ? "connection closed before a response"
                                                                  : "connection closed in the middle of a response");
}

ParsedResponse ResponseParser::take() {
  ParsedResponse out = std::move(response_);
  response_ = {};
  buffer_.erase(0, scan_);
  scan_ = 0;
  phase_ = Phase::head;
  no_body_ = false;
  return out;
}

bool ResponseParser::parse_head(std::string_view head) {
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  // HTTP/1.x SP 3DIGIT [SP reason]
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') return false;
  int status = 0;
  const char* digits = status_line.data() + 9;
  if (std::from_chars(digits, digits + 3, status).ptr != digits + 3 || status < 100 || status > 599) return false;
  response_.status = status;
  const bool http10 = status_line[7] == '0';
  response_.headers.clear();
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    response_.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
  }
  const std::string connection = response_.header("Connection");
  response_.close = contains_token(connection, "close") || (http10 && !contains_token(connection, "keep-alive"));
  return true;
}

bool ResponseParser::take_body_bytes() {
  const std::size_t take = std::min(remaining_, buffer_.size() - scan_);
  response_.body.append(buffer_, scan_, take);
  scan_ += take;
  remaining_ -= take;
  return remaining_ == 0;
}

ResponseParser::State ResponseParser::step() {
  for (;;) {
    switch (phase_) {
      case Phase::head: {
        const auto end = buffer_.find("\r\n\r\n", scan_);
        if (end == std::string::npos) {
          if (buffer_.size() - scan_ > kMaxHead) return fail("response head over 64 KiB");
          return State::incomplete;
        }
        if (end - scan_ > kMaxHead) return fail("response head over 64 KiB");
        if (!parse_head(std::string_view(buffer_).substr(scan_, end - scan_))) {
          return fail("malformed response head");
        }
        scan_ = end + 4;
        const int status = response_.status;
        if (status < 200) {  // 100 Continue and friends: skip, the real answer follows
          continue;
        }
        const std::string encoding = response_.header("Transfer-Encoding");
        const auto length = http::find_field(response_.headers, "Content-Length");
        if (no_body_ || status == 204 || status == 304) {
          phase_ = Phase::done;
        } else if (!encoding.empty()) {
          if (!contains_token(encoding, "chunked")) return fail("unsupported Transfer-Encoding " + encoding);
          phase_ = Phase::chunk_size;
        } else if (length) {
          std::size_t value = 0;
          const char* first = length->data();
          const char* last = first + length->size();
          if (length->empty() || std::from_chars(first, last, value).ptr != last) {
            return fail("malformed Content-Length");
          }
          if (value > max_body_) return fail("response body over the limit");
          remaining_ = value;
          phase_ = Phase::fixed_body;
        } else {
          phase_ = Phase::body_to_close;  // RFC 9112 §6.3: no framing, the body ends with the connection
        }
        break;
      }
      case Phase::fixed_body:
        if (!take_body_bytes()) return State::incomplete;
        phase_ = Phase::done;
        break;
      case Phase::chunk_size: {
        const auto end = buffer_.find("\r\n", scan_);
        if (end == std::string::npos) {
          if (buffer_.size() - scan_ > kMaxChunkLine) return fail("chunk size line too long");
          return State::incomplete;
        }
        std::string_view line = std::string_view(buffer_).substr(scan_, end - scan_);
        line = trim(line.substr(0, line.find(';')));  // chunk extensions are ignored
        std::size_t size = 0;
        if (line.empty() || std::from_chars(line.data(), line.data() + line.size(), size, 16).ptr !=
                                line.data() + line.size()) {
          return fail("malformed chunk size");
        }
        if (size > max_body_ - std::min(max_body_, response_.body.size())) return fail("response body over the limit");
        scan_ = end + 2;
        remaining_ = size;
        phase_ = size == 0 ? Phase::trailers : Phase::chunk_data;
        break;
      }
      case Phase::chunk_data:
        if (!take_body_bytes()) return State::incomplete;
        phase_ = Phase::chunk_data_end;
        break;
      case Phase::chunk_data_end: {
        if (buffer_.size() - scan_ < 2) return State::incomplete;
        if (buffer_.compare(scan_, 2, "\r\n") != 0) return fail("chunk not followed by CRLF");
        scan_ += 2;
        phase_ = Phase::chunk_size;
        break;
      }
      case Phase::trailers: {
        const auto end = buffer_.find("\r\n", scan_);
        if (end == std::string::npos) {
          if (buffer_.size() - scan_ > kMaxHead) return fail("trailers over 64 KiB");
          return State::incomplete;
        }
        const bool last = end == scan_;
        scan_ = end + 2;
        if (last) phase_ = Phase::done;
        break;
      }
      case Phase::body_to_close:
        if (buffer_.size() - scan_ > max_body_) return fail("response body over the limit");
        return State::incomplete;
      case Phase::done:
        return State::complete;
    }
  }
}

}  // namespace mcph::harness::load
