#pragma once
// HTTP Basic authentication (RFC 7617): building and reading `Authorization: Basic …`.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mcph::http {

std::string basic_authorization(std::string_view user, std::string_view password);
// user and password of a `Basic` header value; nullopt when it is not one (or not base64).
std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header);

}  // namespace mcph::http
