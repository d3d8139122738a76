#pragma once
// The text form of HTTP requests that the handler targets (mock-vault, mock-keycloak, the MCP
// server) read from a fuzz input and route in process through http::Server::dispatch:
//
//   POST /v1/auth/jwt/login?a=1&b=x%20y
//   X-Vault-Token: root
//   Content-Type: application/json
//
//   {"role":"alice"}
//   ~~~
//   GET /v1/sys/health
//
// One request per record, records separated by a line "~~~". The first line is the method and
// the target (path, optional query string, decoded as http::Server decodes them); header lines
// follow up to an empty line; the rest of the record is the body, byte for byte. Only what a
// real connection can deliver to a handler is produced: an upper-case method word, no CR or LF
// inside a header, a path that starts with '/' and decodes cleanly. Records that are not such a
// request are skipped.
#include <cstddef>
#include <string_view>
#include <vector>

#include "mcph/http/message.h"

namespace mcph::fuzz {

inline constexpr std::string_view kRequestSeparator = "\n~~~\n";

std::vector<http::Request> parse_requests(std::string_view input, std::size_t max_requests);

// With MCPH_FUZZ_TRACE set in the environment, prints "METHOD path -> status body" (the body
// cut at 300 bytes) to stderr: to see what a seed or a finding does, request by request.
void trace_exchange(const http::Request& request, const http::Response& response);

}  // namespace mcph::fuzz
