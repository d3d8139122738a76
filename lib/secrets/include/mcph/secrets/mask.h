#pragma once
// How the project shows a secret anywhere a person may read it (logs, errors, traces,
// reports): never in clear, at most its last 4 characters.
#include <string>
#include <string_view>

namespace mcph::secrets {

// "****" followed by the last 4 characters, or only "****" for secrets of 8 characters or
// fewer (where 4 characters would give away half of it).
std::string mask(std::string_view secret);

// The URL with the password of its user info replaced by ****
// (postgresql://postgres:****@127.0.0.1:5432/db); any other URL unchanged.
std::string mask_url_password(std::string_view url);

}  // namespace mcph::secrets
