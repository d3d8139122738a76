#pragma once
#include <string>
#include <string_view>

namespace mcph::broker {

// An auth-param value of a challenge (RFC 6750 §3, RFC 9449 §7.1): a quoted string, kept
// printable and unquoted inside.
std::string auth_param(std::string_view text);

}  // namespace mcph::broker
