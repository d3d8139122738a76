#include "mcph/fuzz/http_requests.h"

#include <cstdio>
#include <cstdlib>

#include "mcph/fuzz/input_parts.h"
#include "mcph/http/url.h"

namespace mcph::fuzz {
namespace {

// An upper-case word: RFC 9110's methods and extension ones such as Vault's LIST, which
// http::Server hands to the routes of a server that declares it. One no route takes is answered
// 405 or 404 by dispatch (a real connection to a server without extension methods gets 400
// first); either way no handler sees it.
bool method_word(std::string_view method) {
  if (method.empty()) return false;
  for (const char c : method) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::string_view take_line(std::string_view& text) {
  const auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool parse_one(std::string_view record, http::Request& request) {
  const std::string_view request_line = take_line(record);
  const auto space = request_line.find(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view method = request_line.substr(0, space);
  const std::string_view target = trim(request_line.substr(space + 1));
  if (!method_word(method) || target.empty() || target.front() != '/') return false;
  request.method = std::string(method);
  // As http::Server: a path that does not decode, or decodes to a NUL, is refused before
  // routing; the query is split and decoded by the server's own parse_query.
  const auto question = target.find('?');
  auto path = http::percent_decode(target.substr(0, question), false);
  if (!path || path->find('\0') != std::string::npos) return false;
  request.path = std::move(*path);
  if (question != std::string_view::npos) request.query = http::parse_query(target.substr(question + 1));
  while (!record.empty()) {
    const std::string_view line = take_line(record);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // the server would refuse it
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
  }
  request.body = std::string(record);
  request.remote_addr = "127.0.0.1";
  return true;
}

}  // namespace

std::vector<http::Request> parse_requests(std::string_view input, std::size_t max_requests) {
  std::vector<http::Request> requests;
  for (auto record : split_parts(input, kRequestSeparator, max_requests)) {
    http::Request request;
    if (parse_one(record, request)) requests.push_back(std::move(request));
  }
  return requests;
}

void trace_exchange(const http::Request& request, const http::Response& response) {
  static const bool enabled = std::getenv("MCPH_FUZZ_TRACE") != nullptr;
  if (!enabled) return;
  const std::string_view body = std::string_view(response.body).substr(0, 300);
  std::fprintf(stderr, "%s %s -> %d %.*s\n", request.method.c_str(), request.path.c_str(), response.status,
               static_cast<int>(body.size()), body.data());
}

}  // namespace mcph::fuzz
