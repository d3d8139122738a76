#pragma once
// URL parsing and form/query encoding (application/x-www-form-urlencoded).
#include <optional>
#include <string>
#include <string_view>

#include "mcph/http/message.h"

namespace mcph::http {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  int port = 0;        // defaulted from the scheme when absent
  std::string path;    // "/" when absent; includes the query string if any

  std::string origin() const;     // scheme://host:port
  std::string authority() const;  // host:port
};

// Throws std::invalid_argument with the reason for anything that is not an http(s) URL.
Url parse_url(std::string_view url);

// An IPv4 address in dotted-decimal form (inet_pton's) within 127.0.0.0/8; no name, no IPv6.
bool is_loopback_ipv4(const std::string& address);

std::string percent_encode(std::string_view text);           // RFC 3986 unreserved kept
// Each '/'-separated segment of `path` percent-encoded, the slashes kept: a '?', '#' or '%' in a
// name stays part of the name ("/a b/c?d" → "/a%20b/c%3Fd").
std::string percent_encode_segments(std::string_view path);
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
std::string form_encode(const Fields& fields);               // a=1&b=x%20y
// Throws HttpError(400) for a malformed percent escape.
Fields parse_form(std::string_view body);
// A query string (after the '?'): a pair that does not decode is dropped, as Go's URL.Query()
// does (Vault's reading of queries).
Fields parse_query(std::string_view query);

}  // namespace mcph::http
