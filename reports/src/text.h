#pragma once
// Turning the model's free text into something safe to put in a report file. Internal to the
// writers.
#include <cstddef>
#include <string>
#include <string_view>

namespace mcph::reports::detail {

// Longest free-text field a report shows; longer ones (a huge response body) are cut, with a
// note saying how long they were.
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;

// Replaces invalid UTF-8 and the characters XML 1.0 forbids (controls other than tab, newline
// and carriage return, DEL and C1 controls, surrogates, U+FFFE/U+FFFF) with U+FFFD.
std::string valid_text(std::string_view text);

// Cuts `text` to at most `max_bytes` (not in the middle of a UTF-8 character).
std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

// Scrubbed (scrub.h), capped at kMaxFieldBytes, valid: what every free-text field goes through.
std::string clean(std::string_view raw);

// clean(), then escaped for element content (& < > " ' and carriage return).
std::string markup_text(std::string_view raw);
// clean(), then escaped for an attribute value (also tab and newline, which attribute-value
// normalisation would otherwise turn into spaces).
std::string markup_attribute(std::string_view raw);
// Escapes text that is already clean.
std::string escape(std::string_view clean_text, bool attribute);

// Seconds with millisecond precision and a '.' whatever the locale: "1.234"; 0 for negative,
// NaN or infinite values.
std::string seconds_text(double seconds);

}  // namespace mcph::reports::detail
