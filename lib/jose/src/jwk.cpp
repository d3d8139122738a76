// JWK and JWK Set (RFC 7517) with the key members of RFC 7518 §6.
#include "mcph/jose/jwk.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "key_internal.h"
#include "mcph/codec/base64.h"
#include "message_text.h"

namespace mcph::jose {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::size_t kMaxJwkJsonBytes = 1024 * 1024;

[[noreturn]] void throw_member_error(const char* name, const char* problem) {
  throw JoseError(ErrorKind::malformed, std::string("JWK member '") + name + "' " + problem);
}

// The member's string value; nullopt when absent; malformed when not a string.
std::optional<std::string> string_member(const Json& jwk, const char* name) {
  const auto found = jwk.find(name);
  if (found == jwk.end()) {
    return std::nullopt;
  }
  if (!found->is_string()) {
    throw_member_error(name, "must be a string");
  }
  return found->get<std::string>();
}

// The base64url-decoded bytes of a member; empty when absent and not required.
std::string bytes_member(const Json& jwk, const char* name, bool required) {
  const auto text = string_member(jwk, name);
  if (!text) {
    if (required) {
      throw_member_error(name, "is missing");
    }
    return {};
  }
  auto bytes = codec::base64url_decode(*text);
  if (!bytes) {
    throw_member_error(name, "is not base64url");
  }
  if (bytes->empty()) {
    throw_member_error(name, "is empty");
  }
  return std::move(*bytes);
}

Key rsa_key_from_jwk(const Json& jwk) {
  if (jwk.contains("oth")) {
    throw_member_error("oth", "(multi-prime RSA) is not supported");
  }
  detail::RsaComponents numbers;
  numbers.n = bytes_member(jwk, "n", true);
  numbers.e = bytes_member(jwk, "e", true);
  numbers.d = bytes_member(jwk, "d", false);
  const char* const crt_names[] = {"p", "q", "dp", "dq", "qi"};
  std::string* const crt_values[] = {&numbers.p, &numbers.q, &numbers.dp, &numbers.dq, &numbers.qi};
  const bool any_crt = std::any_of(std::begin(crt_names), std::end(crt_names),
                                   [&](const char* name) { return jwk.contains(name); });
  if (any_crt) {
    if (numbers.d.empty()) {
      throw_member_error("d", "is missing while other private RSA members are present");
    }
    // RFC 7518 §6.3.2: with any of them, all of p, q, dp, dq and qi must be present.
    for (std::size_t i = 0; i < std::size(crt_names); ++i) {
      *crt_values[i] = bytes_member(jwk, crt_names[i], true);
    }
  }
  return detail::rsa_key_from_components(numbers);
}

Key ec_key_from_jwk(const Json& jwk) {
  detail::EcComponents numbers;
  numbers.x = bytes_member(jwk, "x", true);
  numbers.y = bytes_member(jwk, "y", true);
  numbers.d = bytes_member(jwk, "d", false);
  // RFC 7518 §6.2.1.2 and §6.2.2.1: full-size fields, no leading zeros dropped.
  if (numbers.x.size() != detail::kP256CoordinateBytes) {
    throw_member_error("x", "must be 32 bytes for P-256");
  }
  if (numbers.y.size() != detail::kP256CoordinateBytes) {
    throw_member_error("y", "must be 32 bytes for P-256");
  }
  if (!numbers.d.empty() && numbers.d.size() != detail::kP256CoordinateBytes) {
    throw_member_error("d", "must be 32 bytes for P-256");
  }
  return detail::ec_key_from_components(numbers);
}

// Parses one JWK object. With skip_unsupported (inside a set), a key of a type, curve or alg
// this library does not do gives nullopt instead of an error.
std::optional<Jwk> parse_jwk(const Json& jwk, bool skip_unsupported) {
  if (!jwk.is_object()) {
    throw JoseError(ErrorKind::malformed, "JWK is not a JSON object");
  }
  const auto kty = string_member(jwk, "kty");
  if (!kty) {
    throw_member_error("kty", "is missing");
  }
  const auto crv = string_member(jwk, "crv");
  const auto alg_name = string_member(jwk, "alg");
  const std::optional<Alg> alg = alg_name ? alg_from_string(*alg_name) : std::nullopt;

  const bool kty_supported = *kty == "RSA" || *kty == "EC" || *kty == "oct";
  const bool crv_supported = *kty != "EC" || (crv && *crv == "P-256");
  if (skip_unsupported && (!kty_supported || !crv_supported || (alg_name && !alg))) {
    return std::nullopt;
  }
  if (!kty_supported) {
    throw JoseError(ErrorKind::malformed, "JWK kty " + detail::quote_untrusted(*kty) +
                                              " is not supported (RSA, EC or oct)");
  }
  if (!crv) {
    if (*kty == "EC") {
      throw_member_error("crv", "is missing");
    }
  } else if (!crv_supported) {
    throw JoseError(ErrorKind::malformed,
                    "JWK crv " + detail::quote_untrusted(*crv) + " is not supported (P-256 only)");
  }

  std::optional<Key> key;
  if (*kty == "RSA") {
    key = rsa_key_from_jwk(jwk);
  } else if (*kty == "EC") {
    key = ec_key_from_jwk(jwk);
  } else {
    key = Key::hmac(bytes_member(jwk, "k", true));
  }
  if (alg && !alg_fits_key(*alg, key->type())) {
    throw JoseError(ErrorKind::malformed,
                    "JWK alg " + std::string(to_string(*alg)) + " does not fit kty " + *kty);
  }
  return Jwk{*std::move(key), string_member(jwk, "kid").value_or(""), alg,
             string_member(jwk, "use").value_or("")};
}

Json parse_json(std::string_view text, const char* what) {
  if (text.size() > kMaxJwkJsonBytes) {
    throw JoseError(ErrorKind::malformed, std::string(what) + " is over 1 MiB");
  }
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded()) {
    throw JoseError(ErrorKind::malformed, std::string(what) + " is not valid JSON");
  }
  return json;
}

OrderedJson jwk_to_json(const Jwk& jwk, bool include_private) {
  OrderedJson json;
  const Key& key = jwk.key;
  switch (key.type()) {
    case KeyType::rsa: json["kty"] = "RSA"; break;
    case KeyType::ec_p256: json["kty"] = "EC"; break;
    case KeyType::oct: json["kty"] = "oct"; break;
  }
  if (!jwk.kid.empty()) {
    json["kid"] = jwk.kid;
  }
  if (!jwk.use.empty()) {
    json["use"] = jwk.use;
  }
  if (jwk.alg) {
    json["alg"] = to_string(*jwk.alg);
  }
  switch (key.type()) {
    case KeyType::rsa: {
      const auto numbers = detail::rsa_components(key, include_private);
      json["n"] = codec::base64url_encode(numbers.n);
      json["e"] = codec::base64url_encode(numbers.e);
      if (!numbers.d.empty()) {
        json["d"] = codec::base64url_encode(numbers.d);
      }
      if (!numbers.p.empty()) {
        json["p"] = codec::base64url_encode(numbers.p);
        json["q"] = codec::base64url_encode(numbers.q);
        json["dp"] = codec::base64url_encode(numbers.dp);
        json["dq"] = codec::base64url_encode(numbers.dq);
        json["qi"] = codec::base64url_encode(numbers.qi);
      }
      break;
    }
    case KeyType::ec_p256: {
      const auto numbers = detail::ec_components(key, include_private);
      json["crv"] = "P-256";
      json["x"] = codec::base64url_encode(numbers.x);
      json["y"] = codec::base64url_encode(numbers.y);
      if (!numbers.d.empty()) {
        json["d"] = codec::base64url_encode(numbers.d);
      }
      break;
    }
    case KeyType::oct:
      if (include_private) {
        json["k"] = codec::base64url_encode(key.secret());
      }
      break;
  }
  return json;
}

}  // namespace

std::string Jwk::to_public_json() const { return jwk_to_json(*this, false).dump(); }

std::string Jwk::to_private_json() const { return jwk_to_json(*this, true).dump(); }

Jwk Jwk::from_json(std::string_view json) { return *parse_jwk(parse_json(json, "JWK"), false); }

JwkSet JwkSet::from_json(std::string_view json) {
  const Json set = parse_json(json, "JWK Set");
  if (!set.is_object()) {
    throw JoseError(ErrorKind::malformed, "JWK Set is not a JSON object");
  }
  const auto keys = set.find("keys");
  if (keys == set.end() || !keys->is_array()) {
    throw JoseError(ErrorKind::malformed, "JWK Set has no \"keys\" array");
  }
  JwkSet result;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    try {
      if (auto jwk = parse_jwk((*keys)[i], true)) {
        result.add(*std::move(jwk));
      }
    } catch (const JoseError& error) {
      throw JoseError(error.kind(),
                      "JWK Set key #" + std::to_string(i) + ": " + std::string(error.what()));
    }
  }
  return result;
}

std::string JwkSet::to_json() const {
  OrderedJson keys = OrderedJson::array();
  for (const Jwk& jwk : keys_) {
    keys.push_back(jwk_to_json(jwk, false));
  }
  return OrderedJson{{"keys", std::move(keys)}}.dump();
}

const Jwk* JwkSet::find(std::string_view kid) const {
  for (const Jwk& jwk : keys_) {
    if (jwk.kid == kid) {
      return &jwk;
    }
  }
  return nullptr;
}

}  // namespace mcph::jose
