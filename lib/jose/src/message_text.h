#pragma once
// Private: untrusted strings (claim values, kid, alg) quoted into error messages safely.
#include <string>
#include <string_view>

#include "mcph/secrets/mask.h"

namespace mcph::jose::detail {

// A run of base64url characters this long may be (a piece of) a credential — a token segment
// put into a claim or a header field — and is shown masked, as every secret is.
inline constexpr std::size_t kCredentialLikeRun = 24;

// 'value' in single quotes, cut to max_chars, with control and non-ASCII bytes shown as '?',
// so a hostile claim can neither forge log lines nor flood them, and credential-like runs
// masked (secrets::mask), so that no error echoes a token.
inline std::string quote_untrusted(std::string_view value, std::size_t max_chars = 64) {
  const auto base64url = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  };
  std::string text = "'";
  std::size_t i = 0;
  while (i < value.size() && i < max_chars) {
    std::size_t run = i;
    while (run < value.size() && base64url(value[run])) ++run;
    if (run - i >= kCredentialLikeRun) {
      text += secrets::mask(value.substr(i, run - i));
      i = run;
      continue;
    }
    const auto byte = static_cast<unsigned char>(value[i]);
    text += (byte >= 0x20 && byte < 0x7F) ? static_cast<char>(byte) : '?';
    ++i;
  }
  if (i < value.size()) {
    text += "...";
  }
  return text + "'";
}

}  // namespace mcph::jose::detail
