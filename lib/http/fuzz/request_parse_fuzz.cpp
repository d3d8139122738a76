// Fuzzes what the server reads from a connection before any handler runs (src/request_head.h,
// src/request_body.h): the head of a request and a chunked body after it.
//
// Input: a request as it arrives: a head, then (when it says chunked) its body.
//
// Properties: nothing throws; an accepted head has a token for its method and each field name,
// a target without spaces or controls, field values without CR, LF or NUL, one framing at most,
// and one Host at most (exactly one in HTTP/1.1); a chunked body decoded whole is within the limit and took no more than it was given,
// and a cut of it anywhere before its end is waited for, never refused; fed in two parts, the
// decoder resumes to the answer of one call.
#include <algorithm>
#include <cstdint>
#include <string>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "request_body.h"
#include "request_head.h"

namespace {

using namespace mcph::http::detail;
using mcph::http::is_token;
using mcph::fuzz::check;

constexpr std::size_t kMaxBody = 256;

void check_head(const RequestHead& head) {
  check(is_token(head.method), "an accepted method is a token");
  check(!head.target.empty() && std::none_of(head.target.begin(), head.target.end(),
                                             [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; }),
        "an accepted target has no space or control character");
  for (const auto& [name, value] : head.fields) {
    check(is_token(name), "an accepted field name is a token");
    check(value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos, "an accepted value has no CR, LF or NUL");
  }
  check(!(head.chunked && head.content_length), "one framing at most");
  const auto hosts = std::count_if(head.fields.begin(), head.fields.end(),
                                   [](const auto& field) { return mcph::http::iequals(field.first, "Host"); });
  check(hosts <= 1 && (head.minor_version == 0 || hosts == 1), "one Host at most, and one in HTTP/1.1");
}

void check_chunked(std::string_view bytes) {
  const ChunkedBody whole = parse_chunked(bytes, kMaxBody);
  ChunkedDecoder resumed(kMaxBody);
  resumed.feed(bytes.substr(0, bytes.size() / 2));
  check(resumed.feed(bytes) == whole.state && resumed.consumed() == whole.consumed,
        "a chunked body that arrives in two parts reads as one that arrives whole");
  if (whole.state != ChunkedBody::State::complete) return;
  check(resumed.take_body() == whole.body, "a chunked body that arrives in two parts decodes as one that arrives whole");
  check(whole.body.size() <= kMaxBody, "a decoded body is within the limit");
  check(whole.consumed <= bytes.size() && whole.consumed > 0, "a decoded body took what it was given, no more");
  for (const std::size_t cut : {whole.consumed - 1, whole.consumed / 2, std::size_t{0}}) {
    check(parse_chunked(bytes.substr(0, cut), kMaxBody).state == ChunkedBody::State::incomplete,
          "a chunked body cut before its end is waited for");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = mcph::fuzz::as_text(data, size);
  const std::size_t end = head_end(input);
  if (end == std::string_view::npos) {
    check_chunked(input);  // the body parser on its own, on any bytes
    return 0;
  }
  RequestHead head;
  if (parse_request_head(input.substr(0, end), head)) return 0;
  check_head(head);
  if (head.chunked) check_chunked(input.substr(end));
  return 0;
}
