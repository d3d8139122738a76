#include "response_wire.h"

namespace mcph::http::detail {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

namespace {

// The fields the framing below writes itself.
bool framing_field(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection") ||
         iequals(name, "Keep-Alive");
}

// The status line and the response's own header fields.
void append_head(const Response& response, std::string& out) {
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (framing_field(name)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

}  // namespace

std::string wire_stream_head(const Response& response) {
  std::string out;
  append_head(response, out);
  out += "Content-Type: ";
  out += response.content_type;
  out += "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  return out;
}

std::string wire_chunk(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string size;
  for (std::size_t n = bytes.size(); n > 0 || size.empty(); n /= 16) size.insert(size.begin(), kHex[n % 16]);
  std::string out;
  out.reserve(size.size() + bytes.size() + 4);
  out.append(size).append("\r\n").append(bytes).append("\r\n");
  return out;
}

std::string wire_response(const Response& response, const AnswerFraming& framing) {
  const bool no_content = response.status < 200 || response.status == 204 || response.status == 304;
  std::string out;
  out.reserve(160 + response.body.size());
  append_head(response, out);
  if (!response.body.empty() && !no_content) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  if (!no_content) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  if (framing.close) {
    out += "Connection: close\r\n";
  } else {
    out += "Connection: keep-alive\r\nKeep-Alive: timeout=";
    out += std::to_string(framing.keep_alive_timeout.count());
    out += ", max=";
    out += std::to_string(framing.keep_alive_max);
    out += "\r\n";
  }
  out += "\r\n";
  if (framing.with_body && !no_content) out += response.body;
  return out;
}

}  // namespace mcph::http::detail
