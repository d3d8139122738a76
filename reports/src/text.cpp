#include "text.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "mcph/secrets/scrub.h"

namespace mcph::reports::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at text[i] and its code point, or 0 when the bytes
// there are not one (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t decode(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char first = byte(0);
  std::size_t length;
  char32_t min;
  if (first < 0x80) {
    code_point = first;
    return 1;
  } else if (first >= 0xC2 && first <= 0xDF) {
    length = 2, code_point = first & 0x1F, min = 0x80;
  } else if (first >= 0xE0 && first <= 0xEF) {
    length = 3, code_point = first & 0x0F, min = 0x800;
  } else if (first >= 0xF0 && first <= 0xF4) {
    length = 4, code_point = first & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(k) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

bool allowed_in_xml(char32_t c) {
  if (c == 0x9 || c == 0xA || c == 0xD) return true;
  if (c < 0x20) return false;
  if (c >= 0x7F && c <= 0x9F) return false;  // allowed by XML 1.0 but "discouraged"; HTML too
  if (c == 0xFFFE || c == 0xFFFF) return false;
  return true;
}

}  // namespace

std::string valid_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = decode(text, i, code_point);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (allowed_in_xml(code_point)) {
      out.append(text.substr(i, length));
    } else {
      out += kReplacement;
    }
    i += length;
  }
  return out;
}

std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes to the start of the character that would be split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string clean(std::string_view raw) {
  const std::string scrubbed = secrets::scrub(raw);
  if (scrubbed.size() <= kMaxFieldBytes) return valid_text(scrubbed);
  std::string cut = valid_text(truncate_utf8(scrubbed, kMaxFieldBytes));
  cut += "\n… [cut: " + std::to_string(scrubbed.size()) + " bytes in all]";
  return cut;
}

std::string escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\r': out += "&#13;"; break;  // a literal CR would be normalised away
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markup_text(std::string_view raw) { return escape(clean(raw), false); }
std::string markup_attribute(std::string_view raw) { return escape(clean(raw), true); }

std::string seconds_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, seconds, std::chars_format::fixed, 3);
  if (result.ec != std::errc{}) return "0.000";
  return std::string(buffer, result.ptr);
}

}  // namespace mcph::reports::detail
