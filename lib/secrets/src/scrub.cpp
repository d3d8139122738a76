#include "mcph/secrets/scrub.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>

#include "mcph/secrets/mask.h"

namespace mcph::secrets {
namespace {

// Where a credential sits in the text: [begin, end) is replaced by its masked form.
struct Secret {
  std::size_t begin;
  std::size_t end;
};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_base64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }
bool is_github_pat(char c) { return is_alnum(c) || c == '_'; }
bool is_atlassian(char c) { return is_base64url(c) || c == '='; }
// RFC 9110 token68, without the trailing '=' padding.
bool is_token68(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}
bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

char at(std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; }

template <typename Predicate>
std::size_t run_end(std::string_view s, std::size_t i, Predicate in_run) {
  while (i < s.size() && in_run(s[i])) ++i;
  return i;
}

bool starts_with_at(std::string_view s, std::size_t i, std::string_view prefix) {
  return s.substr(i, prefix.size()) == prefix;
}

bool iequals_at(std::string_view s, std::size_t i, std::string_view word) {
  if (s.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (lower(s[i + k]) != word[k]) return false;
  }
  return true;
}

// What mcph::secrets::mask produces ("****" plus up to 4 characters): leave it alone, so
// scrubbing twice changes nothing and a runner's masked values stay readable.
bool already_masked(std::string_view value) {
  return value.size() <= 8 && value.substr(0, 4) == "****";
}

// eyJ… . … . … (and the two more segments of a JWE).
std::optional<Secret> jwt_at(std::string_view s, std::size_t i) {
  if (!starts_with_at(s, i, "eyJ")) return std::nullopt;
  std::size_t end = run_end(s, i, is_base64url);
  if (end - i < 4) return std::nullopt;
  int segments = 1;
  while (segments < 5 && at(s, end) == '.') {
    const std::size_t next = run_end(s, end + 1, is_base64url);
    // The payload and the signature may be empty (an `alg: none` token, a JWE with direct
    // encryption has no encrypted key); a JWE's IV, ciphertext and tag may not.
    if (next == end + 1 && segments >= 3) break;
    end = next;
    ++segments;
  }
  if (segments < 3) return std::nullopt;
  return Secret{i, end};
}

std::optional<Secret> vault_token_at(std::string_view s, std::size_t i) {
  static constexpr std::array<std::string_view, 5> kPrefixes{"hvs.", "hvb.", "hvr.", "s.", "b."};
  for (const std::string_view prefix : kPrefixes) {
    if (!starts_with_at(s, i, prefix)) continue;
    std::size_t end = run_end(s, i + prefix.size(), is_base64url);
    if (end - (i + prefix.size()) < 20) return std::nullopt;
    // Tokens of a Vault namespace carry a ".<namespace id>" suffix.
    while (at(s, end) == '.' && is_alnum(at(s, end + 1))) end = run_end(s, end + 1, is_alnum);
    return Secret{i, end};
  }
  return std::nullopt;
}

std::optional<Secret> vendor_token_at(std::string_view s, std::size_t i) {
  static constexpr std::array<std::string_view, 5> kGithub{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
  for (const std::string_view prefix : kGithub) {
    if (!starts_with_at(s, i, prefix)) continue;
    const std::size_t end = run_end(s, i + prefix.size(), is_alnum);
    if (end - (i + prefix.size()) >= 20) return Secret{i, end};
  }
  if (starts_with_at(s, i, "github_pat_")) {
    const std::size_t end = run_end(s, i + 11, is_github_pat);
    if (end - (i + 11) >= 20) return Secret{i, end};
  }
  if (starts_with_at(s, i, "ATATT")) {
    const std::size_t end = run_end(s, i + 5, is_atlassian);
    if (end - (i + 5) >= 20) return Secret{i, end};
  }
  return std::nullopt;
}

// `Bearer <token>` / `Basic <base64>`, but not a challenge's auth-params
// (`Bearer error="invalid_token"`, `Bearer realm=...`) and not prose ("Bearer authentication").
std::optional<Secret> auth_scheme_at(std::string_view s, std::size_t i) {
  std::size_t p;
  if (iequals_at(s, i, "bearer")) {
    p = i + 6;
  } else if (iequals_at(s, i, "basic")) {
    p = i + 5;
  } else {
    return std::nullopt;
  }
  if (!is_blank(at(s, p))) return std::nullopt;
  p = run_end(s, p, is_blank);
  const std::size_t value = p;
  const std::size_t run = run_end(s, value, is_token68);
  if (run == value) return std::nullopt;
  const std::size_t end = run_end(s, run, [](char c) { return c == '='; });
  bool only_words = true;
  bool only_lower_words = true;
  for (std::size_t k = value; k < run; ++k) {
    only_words = only_words && (is_alpha(s[k]) || s[k] == '_');
    only_lower_words = only_lower_words && ((s[k] >= 'a' && s[k] <= 'z') || s[k] == '_');
  }
  if (only_lower_words && end == run + 1) return std::nullopt;    // an auth-param: name=
  if (only_words && end == run && run - value < 20) return std::nullopt;  // a word
  return Secret{value, end};
}

// scheme://user:<password>@host
std::optional<Secret> url_password_at(std::string_view s, std::size_t i) {
  if (!starts_with_at(s, i, "://")) return std::nullopt;
  const std::size_t authority = i + 3;
  std::size_t authority_end = authority;
  std::size_t at_sign = std::string_view::npos;
  for (; authority_end < s.size(); ++authority_end) {
    const char c = s[authority_end];
    if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' ||
        c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      break;
    }
    if (c == '@') at_sign = authority_end;
  }
  if (at_sign == std::string_view::npos) return std::nullopt;
  const std::size_t colon = s.substr(authority, at_sign - authority).find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::size_t value = authority + colon + 1;
  if (value == at_sign || already_masked(s.substr(value, at_sign - value))) return std::nullopt;
  return Secret{value, at_sign};
}

bool ends_with_any(std::string_view key, std::initializer_list<std::string_view> suffixes) {
  for (const std::string_view suffix : suffixes) {
    if (key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix) return true;
  }
  return false;
}

enum class KeyKind { none, weak, strong };

// Strong keys are masked in every form; weak ones ("…token", "…secret") only after '=' or
// as a quoted key, because prose uses them with a colon ("expired token: the next call…").
KeyKind classify_key(std::string_view key) {
  std::string lowered;
  lowered.reserve(key.size());
  for (const char c : key) lowered += lower(c);
  if (ends_with_any(lowered, {"password", "passwd", "pwd", "passphrase", "apikey", "api_key",
                              "api-key", "client_secret", "secret_key", "private_key"})) {
    return KeyKind::strong;
  }
  if (ends_with_any(lowered, {"secret", "token"})) return KeyKind::weak;
  return KeyKind::none;
}

// The end of a value that starts at `p` (just after its opening quote, if any).
std::size_t value_end(std::string_view s, std::size_t p, std::string_view quote) {
  if (quote.empty()) {
    return run_end(s, p, [](char c) {
      return !(static_cast<unsigned char>(c) <= ' ' || c == '&' || c == ',' || c == ';' || c == '}' ||
               c == ']' || c == '"' || c == '\'');
    });
  }
  for (; p < s.size(); ++p) {
    if (s[p] == '\n' || starts_with_at(s, p, quote)) return p;
    if (quote == "\"" && s[p] == '\\') ++p;  // JSON escape: skip the escaped character
  }
  return s.size();
}

// password=…, "password": "…", password: …, PASSWORD '…', client_secret=…, "token":"…"
std::optional<Secret> key_value_at(std::string_view s, std::size_t i) {
  const std::size_t key_end = run_end(s, i, is_key_char);
  if (key_end == i) return std::nullopt;
  const KeyKind kind = classify_key(s.substr(i, key_end - i));
  if (kind == KeyKind::none) return std::nullopt;

  std::size_t p = key_end;
  const bool opened = i > 0 && (s[i - 1] == '"' || s[i - 1] == '\'');
  bool closed = false;
  if (at(s, p) == '\\' && at(s, p + 1) == '"') {  // JSON inside a JSON string: \"password\"
    p += 2;
    closed = true;
  } else if (at(s, p) == '"' || at(s, p) == '\'') {
    ++p;
    closed = true;
  }
  // A quote after the word but none before it: the end of longer quoted text, such as a path
  // ("kv/data/app/secret": HTTP 405), which is evidence, not a key.
  if (closed && !opened) return std::nullopt;
  const bool quoted_key = opened && closed;
  p = run_end(s, p, is_blank);
  const char separator = at(s, p);
  if (separator == '=' || separator == ':') {
    if (at(s, p + 1) == separator) return std::nullopt;  // "password == x", "password::x"
    if (kind == KeyKind::weak && separator == ':' && !quoted_key) return std::nullopt;
    p = run_end(s, p + 1, is_blank);
  } else if (!(kind == KeyKind::strong && p > key_end && separator == '\'')) {
    return std::nullopt;  // only SQL's PASSWORD '…' goes without a separator
  }

  std::string_view quote;
  if (starts_with_at(s, p, "\\\"")) {
    quote = "\\\"";
  } else if (at(s, p) == '"') {
    quote = "\"";
  } else if (at(s, p) == '\'') {
    quote = "'";
  }
  const std::size_t value = p + quote.size();
  // Check for an already masked value first: it is short, so this keeps the scan linear.
  if (s.substr(value, 4) == "****") {
    const std::size_t end = value_end(s.substr(0, std::min(s.size(), value + 9)), value, quote);
    if (end < value + 9 && already_masked(s.substr(value, end - value))) return std::nullopt;
  }
  const std::size_t end = value_end(s, value, quote);
  if (end == value) return std::nullopt;
  return Secret{value, end};
}

std::optional<Secret> secret_at(std::string_view s, std::size_t i) {
  const char c = s[i];
  if (c == ':') return url_password_at(s, i);
  // Every other form starts a word.
  if (i > 0 && is_key_char(s[i - 1])) return std::nullopt;
  if (!is_alpha(c) && c != '_') return std::nullopt;
  if (auto found = jwt_at(s, i)) return found;
  if (auto found = vault_token_at(s, i)) return found;
  if (auto found = vendor_token_at(s, i)) return found;
  if (auto found = auth_scheme_at(s, i)) return found;
  return key_value_at(s, i);
}

std::string masked(std::string_view secret) {
  // mask() counts bytes; for non-ASCII values its last 4 bytes could split a character.
  for (const char c : secret) {
    if (static_cast<unsigned char>(c) >= 0x80) return "****";
  }
  return secrets::mask(secret);
}

}  // namespace

std::string scrub(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::optional<Secret> secret = secret_at(text, i);
    if (!secret) {
      ++i;
      continue;
    }
    out.append(text.substr(copied, secret->begin - copied));
    out += masked(text.substr(secret->begin, secret->end - secret->begin));
    i = copied = secret->end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace mcph::secrets
