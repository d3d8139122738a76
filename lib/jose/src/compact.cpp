// Compact serialization (RFC 7515 §7.1): building and splitting BASE64URL(header) "."
// BASE64URL(payload) "." BASE64URL(signature).
#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jws.h"

namespace mcph::jose {
namespace {

std::string decode_part(std::string_view part, const char* name) {
  auto bytes = codec::base64url_decode(part);
  if (!bytes) {
    throw JoseError(ErrorKind::malformed, std::string(name) + " part is not base64url");
  }
  return std::move(*bytes);
}

}  // namespace

std::string sign_compact(const Key& key, Alg alg, std::string_view header_json,
                         std::string_view payload_json) {
  std::string token = codec::base64url_encode(header_json) + '.' + codec::base64url_encode(payload_json);
  const std::string signature = sign_bytes(key, alg, token);
  return token + '.' + codec::base64url_encode(signature);
}

std::string sign_jwt(const Key& key, Alg alg, std::string_view payload_json, std::string_view kid) {
  nlohmann::ordered_json header = {{"alg", to_string(alg)}, {"typ", "JWT"}};
  if (!kid.empty()) {
    header["kid"] = kid;
  }
  return sign_compact(key, alg, header.dump(), payload_json);
}

CompactJws split_compact(std::string_view token) {
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    std::size_t parts = 1;
    for (const char c : token) {
      parts += c == '.' ? 1 : 0;
    }
    throw JoseError(ErrorKind::malformed,
                    "a compact JWS has 3 dot-separated parts, this has " + std::to_string(parts));
  }
  const std::string_view header = token.substr(0, first_dot);
  const std::string_view payload = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature = token.substr(second_dot + 1);
  if (header.empty()) {
    throw JoseError(ErrorKind::malformed, "header part is empty");
  }
  CompactJws parts;
  parts.header_json = decode_part(header, "header");
  parts.payload_json = decode_part(payload, "payload");
  parts.signature = decode_part(signature, "signature");
  parts.signing_input = std::string(token.substr(0, second_dot));
  return parts;
}

}  // namespace mcph::jose
