#pragma once
// Private: untrusted strings (claim values, kid, alg) quoted into error messages safely.
#include <string>
#include <string_view>

namespace mcph::jose::detail {

// 'value' in single quotes, cut to max_chars, with control and non-ASCII bytes shown as '?',
// so a hostile claim can neither forge log lines nor flood them.
inline std::string quote_untrusted(std::string_view value, std::size_t max_chars = 64) {
  std::string text = "'";
  for (std::size_t i = 0; i < value.size() && i < max_chars; ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    text += (byte >= 0x20 && byte < 0x7F) ? static_cast<char>(byte) : '?';
  }
  if (value.size() > max_chars) {
    text += "...";
  }
  return text + "'";
}

}  // namespace mcph::jose::detail
