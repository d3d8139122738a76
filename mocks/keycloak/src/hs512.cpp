#include "hs512.h"

#include <nlohmann/json.hpp>

#include "crypto_util.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jws.h"

namespace mcph::mock_keycloak {

std::string sign_hs512(std::string_view secret, std::string_view kid, std::string_view payload_json) {
  const nlohmann::ordered_json header = {{"alg", "HS512"}, {"typ", "JWT"}, {"kid", kid}};
  std::string input = codec::base64url_encode(header.dump()) + "." + codec::base64url_encode(payload_json);
  const std::string mac = hmac_sha512(secret, input);
  return input + "." + codec::base64url_encode(mac);
}

namespace {
std::optional<jose::CompactJws> split(std::string_view token) {
  try {
    return jose::split_compact(token);
  } catch (const jose::JoseError&) {
    return std::nullopt;
  }
}
}  // namespace

std::string jws_alg(std::string_view token) {
  const auto jws = split(token);
  if (!jws) return {};
  const auto header = nlohmann::json::parse(jws->header_json, nullptr, false);
  if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string()) return {};
  return header["alg"].get<std::string>();
}

std::optional<std::string> verify_hs512(
    std::string_view token, const std::function<const std::string*(const std::string& kid)>& secret_for_kid) {
  const auto jws = split(token);
  if (!jws) return std::nullopt;
  const auto header = nlohmann::json::parse(jws->header_json, nullptr, false);
  if (!header.is_object()) return std::nullopt;
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS512") return std::nullopt;
  const auto kid =
      header.contains("kid") && header["kid"].is_string() ? header["kid"].get<std::string>() : "";
  const std::string* secret = secret_for_kid(kid);
  if (secret == nullptr) return std::nullopt;
  if (!constant_time_equals(hmac_sha512(*secret, jws->signing_input), jws->signature)) return std::nullopt;
  return jws->payload_json;
}

}  // namespace mcph::mock_keycloak
