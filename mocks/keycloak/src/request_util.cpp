#include "request_util.h"

#include <set>

#include "errors.h"
#include "mcph/codec/base64.h"
#include "mcph/http/url.h"
#include "mcph/text/ascii_case.h"
#include "model.h"

namespace mcph::mock_keycloak {
namespace {

std::string media_type(const http::Request& request) {
  std::string type = text::ascii_lower(request.header("Content-Type"));
  const auto semicolon = type.find(';');
  if (semicolon != std::string::npos) type.resize(semicolon);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// What follows "<scheme> " in the Authorization header (the scheme in any case), trailing
// spaces dropped; nullopt for another scheme.
std::optional<std::string> after_scheme(const http::Request& request, std::string_view scheme) {
  const std::string header = request.header("Authorization");
  if (header.size() <= scheme.size() || text::ascii_lower(header.substr(0, scheme.size())) != scheme ||
      header[scheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string value = header.substr(scheme.size() + 1);
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

// Basic credentials: leading spaces are skipped too.
std::optional<std::string> auth_value(const http::Request& request, std::string_view scheme) {
  std::optional<std::string> value = after_scheme(request, scheme);
  if (!value) return std::nullopt;
  value->erase(0, value->find_first_not_of(' '));
  if (value->empty()) return std::nullopt;
  return value;
}

// A token as Keycloak 26.5's AppAuthManager reads it: everything after the first space, which
// must hold no other (26.4 split the header at any run of whitespace).
std::optional<std::string> token_value(const http::Request& request, std::string_view scheme) {
  std::optional<std::string> value = after_scheme(request, scheme);
  if (!value || value->empty() || value->find(' ') != std::string::npos) return std::nullopt;
  return value;
}

}  // namespace

bool is_form(const http::Request& request) {
  return media_type(request) == "application/x-www-form-urlencoded";
}

bool is_json(const http::Request& request) { return media_type(request) == "application/json"; }

http::Fields read_form(const http::Request& request) {
  try {
    return http::parse_form(request.body);
  } catch (const http::HttpError&) {
    throw oauth_error(400, "invalid_request", "Malformed form body");
  }
}

std::optional<std::string> form_value(const http::Fields& form, std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return value;
  }
  return std::nullopt;
}

bool has_duplicate_names(const http::Fields& form) {
  std::set<std::string> seen;
  for (const auto& [key, value] : form) {
    if (!seen.insert(key).second) return true;
  }
  return false;
}

std::optional<std::string> bearer_token(const http::Request& request) {
  return token_value(request, "bearer");
}

std::optional<std::string> dpop_token(const http::Request& request) { return token_value(request, "dpop"); }

std::optional<std::pair<std::string, std::string>> basic_credentials(const http::Request& request) {
  const auto encoded = auth_value(request, "basic");
  if (!encoded) return std::nullopt;
  const auto decoded = codec::base64_decode(*encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto id = http::percent_decode(decoded->substr(0, colon), true);
  auto secret = http::percent_decode(decoded->substr(colon + 1), true);
  if (!id || !secret) return std::nullopt;
  return std::make_pair(*id, *secret);
}

int query_int(const http::Request& request, std::string_view name, int fallback) {
  const auto value = request.query_param(name);
  if (!value) return fallback;
  try {
    std::size_t used = 0;
    const int number = std::stoi(*value, &used);
    return used == value->size() ? number : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

bool query_bool(const http::Request& request, std::string_view name, bool fallback) {
  const auto value = request.query_param(name);
  if (!value) return fallback;
  return text::ascii_iequals(*value, "true");
}

}  // namespace mcph::mock_keycloak
