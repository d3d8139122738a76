#pragma once
// Reading requests the way Keycloak's endpoints read them.
#include <optional>
#include <string>
#include <utility>

#include "mcph/http/message.h"

namespace mcph::mock_keycloak {

// True for application/x-www-form-urlencoded (parameters such as charset allowed).
bool is_form(const http::Request& request);
bool is_json(const http::Request& request);
// The form body; a malformed percent escape is 400 invalid_request.
http::Fields read_form(const http::Request& request);
std::optional<std::string> form_value(const http::Fields& form, std::string_view name);
bool has_duplicate_names(const http::Fields& form);
// The token of "Authorization: Bearer <token>" (scheme case-insensitive; one space before the
// token, none in it).
std::optional<std::string> bearer_token(const http::Request& request);
// The token of "Authorization: DPoP <token>" (RFC 9449 §7.1; read as bearer_token reads it).
std::optional<std::string> dpop_token(const http::Request& request);
// client_secret_basic: both halves form-url-decoded, as Keycloak's BasicAuthHelper does.
std::optional<std::pair<std::string, std::string>> basic_credentials(const http::Request& request);
// A query parameter as an int, or fallback when absent or not a number.
int query_int(const http::Request& request, std::string_view name, int fallback);
bool query_bool(const http::Request& request, std::string_view name, bool fallback);

}  // namespace mcph::mock_keycloak
