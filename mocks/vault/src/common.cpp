#include "common.h"

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace mcph::mock_vault {

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::int64_t unix_now() { return unix_seconds(Clock::now()); }

namespace {

std::string format_utc(TimePoint t, bool with_fraction) {
  const auto since_epoch = t.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count();
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm parts{};
  gmtime_r(&whole, &parts);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
  std::string text = buffer;
  if (with_fraction && nanos > 0) {
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
    std::string digits = fraction;
    while (digits.back() == '0') digits.pop_back();
    text += digits;
  }
  return text + "Z";
}

}  // namespace

std::string rfc3339_nano(TimePoint t) { return format_utc(t, true); }
std::string rfc3339(TimePoint t) { return format_utc(t, false); }

std::string random_base62(std::size_t length) {
  return openssl::random_text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}

std::string random_hex(std::size_t length) {
  std::string out = hex_encode(random_bytes((length + 1) / 2));
  out.resize(length);
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool json_too_deep(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// ryanuber/go-glob: '*' matches any run of characters.
bool glob_match(const std::string& pattern, const std::string& text) {
  if (pattern == "*") return true;
  const auto first_star = pattern.find('*');
  if (first_star == std::string::npos) return pattern == text;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto star = pattern.find('*', start);
    parts.push_back(pattern.substr(start, star == std::string::npos ? std::string::npos : star - start));
    if (star == std::string::npos) break;
    start = star + 1;
  }
  if (!starts_with(text, parts.front())) return false;
  std::size_t position = parts.front().size();
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    const auto found = text.find(parts[i], position);
    if (found == std::string::npos) return false;
    position = found + parts[i].size();
  }
  const std::string& last = parts.back();
  return text.size() >= position + last.size() && ends_with(text, last);
}

}  // namespace mcph::mock_vault
