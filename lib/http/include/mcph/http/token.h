#pragma once
// RFC 9110 §5.6.2's token, the grammar of methods and field names, for whoever checks one.
#include <string_view>

namespace mcph::http {

bool is_token(std::string_view word);

}  // namespace mcph::http
