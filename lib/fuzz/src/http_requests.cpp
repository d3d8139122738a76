#include "mcph/fuzz/http_requests.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "mcph/fuzz/input_parts.h"
#include "mcph/http/url.h"

namespace mcph::fuzz {
namespace {

// The methods cpp-httplib hands to the router (any other gets 400 before routing).
constexpr std::array<std::string_view, 7> kRoutedMethods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

bool routed_method(std::string_view method) {
  for (auto known : kRoutedMethods) {
    if (method == known) return true;
  }
  return false;
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

// cpp-httplib leaves a malformed escape as it is.
std::string decoded(std::string_view text, bool plus_is_space) {
  return http::percent_decode(text, plus_is_space).value_or(std::string(text));
}

http::Fields parse_query(std::string_view query) {
  http::Fields fields;
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    query.remove_prefix(end == std::string_view::npos ? query.size() : end + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    fields.emplace_back(decoded(pair.substr(0, eq), true),
                        eq == std::string_view::npos ? "" : decoded(pair.substr(eq + 1), true));
  }
  return fields;
}

bool parse_one(std::string_view record, http::Request& request) {
  const std::string_view request_line = take_line(record);
  const auto space = request_line.find(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view method = request_line.substr(0, space);
  const std::string_view target = trim(request_line.substr(space + 1));
  if (!routed_method(method) || target.empty() || target.front() != '/') return false;
  request.method = std::string(method);
  const auto question = target.find('?');
  request.path = decoded(target.substr(0, question), false);
  if (question != std::string_view::npos) request.query = parse_query(target.substr(question + 1));
  while (!record.empty()) {
    const std::string_view line = take_line(record);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // cpp-httplib would refuse it
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
