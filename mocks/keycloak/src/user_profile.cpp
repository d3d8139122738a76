#include "user_profile.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "json_fields.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

// The code points of UTF-8 text (an invalid byte stands for itself, as U+FFFD would).
std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const int extra = byte < 0x80 ? 0 : byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
    char32_t point = extra == 0 ? byte : byte & (0x3F >> extra);
    std::size_t next = i + 1;
    for (int k = 0; k < extra && next < text.size(); ++k, ++next) {
      point = (point << 6) | (static_cast<unsigned char>(text[next]) & 0x3F);
    }
    out.push_back(point);
    i = next;
  }
  return out;
}

// Java's String.length(): UTF-16 code units.
std::size_t java_length(std::string_view text) {
  std::size_t units = 0;
  for (const char32_t point : code_points(text)) units += point > 0xFFFF ? 2 : 1;
  return units;
}

bool in(char32_t point, std::u32string_view set) { return set.find(point) != std::u32string_view::npos; }

// java.util.regex: \p{Cntrl} (ASCII controls), \v (vertical) and \h (horizontal whitespace).
bool is_control(char32_t c) { return c < 0x20 || c == 0x7F; }
bool is_vertical_space(char32_t c) { return in(c, U"\n\x0B\f\r\x85\u2028\u2029"); }
bool is_horizontal_space(char32_t c) {
  return in(c, U" \t\u00A0\u1680\u180E\u202F\u205F\u3000") || (c >= 0x2000 && c <= 0x200A);
}

// UsernameProhibitedCharactersValidator: ^[^<>&"'\s\v\h$%!#?§,;:*~/\\|^=\[\]{}()`\p{Cntrl}]+$
bool username_character_allowed(char32_t c) {
  return !in(c, U"<>&\"'$%!#?\u00A7,;:*~/\\|^=[]{}()`") && !is_control(c) && !is_vertical_space(c) &&
         !is_horizontal_space(c);
}

// PersonNameProhibitedCharactersValidator: ^[^<>&"\v$%!#?§;*~/\\|^=\[\]{}()\p{Cntrl}]+$
bool person_name_character_allowed(char32_t c) {
  return !in(c, U"<>&\"$%!#?\u00A7;*~/\\|^=[]{}()") && !is_control(c) && !is_vertical_space(c);
}

bool all_allowed(std::string_view text, bool (*allowed)(char32_t)) {
  for (const char32_t c : code_points(text)) {
    if (!allowed(c)) return false;
  }
  return true;
}

bool is_ascii_alnum(char32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// EmailValidationUtil's local part: dot-separated atoms or quoted strings, up to 64 characters.
bool valid_local_part(std::string_view local) {
  if (java_length(local) > 64) return false;
  const auto points = code_points(local);
  auto atom = [](char32_t c) { return is_ascii_alnum(c) || c >= 0x80 || in(c, U"!#$%&'*+/=?^_`{|}~-"); };
  auto quoted = [](char32_t c) { return is_ascii_alnum(c) || c >= 0x80 || in(c, U"!#$%&'*.(),<>[]:; \u00A0@+/=?^_`{|}~-"); };
  std::size_t i = 0;
  while (true) {
    if (i < points.size() && points[i] == '"') {
      std::size_t j = i + 1;
      std::size_t inside = 0;
      while (j < points.size() && points[j] != '"') {
        if (points[j] == '\\' && j + 1 < points.size() && (points[j + 1] == '\\' || points[j + 1] == '"')) {
          j += 2;
        } else if (quoted(points[j])) {
          ++j;
        } else {
          return false;
        }
        ++inside;
      }
      if (j >= points.size() || inside == 0) return false;
      i = j + 1;
    } else {
      const std::size_t start = i;
      while (i < points.size() && atom(points[i])) ++i;
      if (i == start) return false;
    }
    if (i == points.size()) return true;
    if (points[i] != '.') return false;
    ++i;
  }
}

bool valid_ipv4_literal(std::string_view text) {
  int parts = 0;
  std::size_t digits = 0;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else if (c == '.' && digits > 0) {
      ++parts;
      digits = 0;
    } else {
      return false;
    }
  }
  return parts == 3 && digits > 0;
}

// The domain: labels (no leading or trailing dash) or an address literal, up to 255 characters.
bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.back() == '.' || domain.size() > 255) return false;
  if (domain.front() == '[') {
    if (domain.back() != ']') return false;
    const std::string_view inner = domain.substr(1, domain.size() - 2);
    if (inner.rfind("IPv6:", 0) == 0) {
      const std::string_view address = inner.substr(5);
      return !address.empty() && address.find_first_not_of("0123456789abcdefABCDEF:.%") == std::string_view::npos &&
             address.find(':') != std::string_view::npos;
    }
    return valid_ipv4_literal(inner);
  }
  auto label_char = [](char32_t c) { return is_ascii_alnum(c) || c >= 0x80 || in(c, U"!#$%&'*+/=?^`{|}~"); };
  const auto points = code_points(domain);
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= points.size(); ++i) {
    if (i < points.size() && points[i] != '.') {
      if (!label_char(points[i]) && points[i] != '-') return false;
      continue;
    }
    if (i == label_start || points[label_start] == '-' || points[i - 1] == '-') return false;
    label_start = i + 1;
  }
  return true;
}

nlohmann::json field_error(const std::string& field, const std::string& message, nlohmann::json params) {
  nlohmann::json error = nlohmann::json::object();
  error["field"] = field;
  error["errorMessage"] = message;
  error["params"] = std::move(params);
  return error;
}

// LengthValidator: "error-invalid-length" with both bounds, "…-too-long" with only a maximum.
void check_length(std::vector<nlohmann::json>& errors, const std::string& field, const std::string& value,
                  std::optional<std::size_t> min, std::size_t max) {
  const std::size_t length = java_length(value);
  if ((min && length < *min) || length > max) {
    errors.push_back(min ? field_error(field, "error-invalid-length", {field, *min, max})
                         : field_error(field, "error-invalid-length-too-long", {field, nullptr, max}));
  }
}

}  // namespace

const nlohmann::ordered_json& default_user_profile_metadata() {
  static const nlohmann::ordered_json metadata = [] {
    auto attribute = [](const char* name, bool required, bool read_only, nlohmann::ordered_json validators) {
      return nlohmann::ordered_json{{"name", name},         {"displayName", std::string("${") + name + "}"},
                                    {"required", required}, {"readOnly", read_only},
                                    {"validators", std::move(validators)}, {"multivalued", false}};
    };
    const nlohmann::ordered_json single = {{"max", "1"}};
    const nlohmann::ordered_json ignore_empty = {{"ignore.empty.value", true}};
    const nlohmann::ordered_json up_to_255 = {{"max", 255}, {"ignore.empty.value", true}};
    const nlohmann::ordered_json person_name = {{"person-name-prohibited-characters", ignore_empty},
                                                {"multivalued", single},
                                                {"length", up_to_255}};
    nlohmann::ordered_json out;
    out["attributes"] = {
        attribute("username", true, true,
                  {{"username-prohibited-characters", ignore_empty},
                   {"multivalued", single},
                   {"length", {{"max", 255}, {"ignore.empty.value", true}, {"min", 3}}},
                   {"up-username-not-idn-homograph", ignore_empty}}),
        attribute("email", false, false, {{"multivalued", single}, {"length", up_to_255}, {"email", ignore_empty}}),
        attribute("firstName", false, false, person_name),
        attribute("lastName", false, false, person_name)};
    out["groups"] = {{{"name", "user-metadata"},
                      {"displayHeader", "User metadata"},
                      {"displayDescription", "Attributes, which refer to user metadata"}}};
    return out;
  }();
  return metadata;
}

bool is_valid_email(const std::string& email) {
  const auto at = email.rfind('@');
  if (at == std::string::npos) return false;
  return valid_local_part(std::string_view(email).substr(0, at)) && valid_domain(std::string_view(email).substr(at + 1));
}

std::optional<KeycloakError> user_profile_error(const nlohmann::json& rep, const User* existing) {
  std::vector<nlohmann::json> errors;
  // Empty values are skipped by every validator (ignore.empty.value), as is an absent field.
  if (const auto email = get_string(rep, "email"); email && !email->empty()) {
    check_length(errors, "email", *email, std::nullopt, 255);
    if (!is_valid_email(*email)) errors.push_back(field_error("email", "error-invalid-email", {"email", *email}));
  }
  if (const auto username = get_string(rep, "username"); username && !username->empty()) {
    if (existing != nullptr && text::ascii_lower(*username) != existing->username) {
      errors.push_back(field_error("username", "error-user-attribute-read-only", {"username"}));
    }
    check_length(errors, "username", *username, 3, 255);
    if (!all_allowed(*username, username_character_allowed)) {
      errors.push_back(field_error("username", "error-username-invalid-character", {"username"}));
    }
  }
  for (const char* field : {"lastName", "firstName"}) {
    const auto value = get_string(rep, field);
    if (!value || value->empty()) continue;
    check_length(errors, field, *value, std::nullopt, 255);
    if (!all_allowed(*value, person_name_character_allowed)) {
      errors.push_back(field_error(field, "error-person-name-invalid-character", {field}));
    }
  }
  if (errors.empty()) return std::nullopt;
  if (errors.size() == 1) return KeycloakError(400, errors.front());
  return KeycloakError(400, nlohmann::json{{"errors", errors}});
}

}  // namespace mcph::mock_keycloak
