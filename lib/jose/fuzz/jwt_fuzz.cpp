// Fuzzes JWT compact parsing and verification (verify_jwt, split_compact, unverified_payload)
// against the RFC 7515 keys: the RS256 key of A.2, the ES256 key of A.3 and the HS256 key of
// A.1, so the published tokens verify and their mutations reach every check.
//
// Input: one byte of options, then
//   mode 0 (bit 0 clear): a compact token, verified as it is;
//   mode 1 (bit 0 set):   header JSON, NUL, payload JSON — signed with the HS256 key first, so
//                         that the header and claim checks behind the signature are reached.
// Option bits: 1 issuer "joe" required, 2 audience "mcp" required, 3 exp required, 4-5 the
// allowed algorithms ({RS256}, {RS256, ES256}, {HS256}, all three), 6 a 30 s leeway.
//
// Properties: only JoseError is thrown, its message never holds the token or one of its
// parts; an accepted token satisfies every option (allowed alg, iss, aud, exp/nbf/iat).
#include <algorithm>
#include <cstdint>
#include <string>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "rfc_vectors.h"

namespace {

using namespace mcph;

// The RFC tokens expire at kExampleExp; the clock stands 100 s before.
constexpr std::int64_t kNow = jose::rfc::kExampleExp - 100;

const jose::Jwk& hmac_jwk() {
  static const jose::Jwk jwk = [] {
    auto parsed = jose::Jwk::from_json(jose::rfc::kA1KeyJwk);
    parsed.kid = "hs";
    return parsed;
  }();
  return jwk;
}

const jose::JwkSet& key_set() {
  static const jose::JwkSet keys = [] {
    auto rsa = jose::Jwk::from_json(jose::rfc::kA2KeyJwk);
    rsa.key = rsa.key.public_only();
    rsa.kid = "rsa";
    auto ec = jose::Jwk::from_json(jose::rfc::kA3KeyJwk);
    ec.key = ec.key.public_only();
    ec.kid = "ec";
    return jose::JwkSet({rsa, ec, hmac_jwk()});
  }();
  return keys;
}

jose::VerifyOptions options_from(std::uint8_t bits) {
  jose::VerifyOptions options;
  options.now = kNow;
  if (bits & 0x02) options.issuer = "joe";
  if (bits & 0x04) options.audience = "mcp";
  options.require_exp = (bits & 0x08) != 0;
  switch ((bits >> 4) & 0x03) {
    case 0: options.allowed_algs = {jose::Alg::RS256}; break;
    case 1: options.allowed_algs = {jose::Alg::RS256, jose::Alg::ES256}; break;
    case 2: options.allowed_algs = {jose::Alg::HS256}; break;
    default: options.allowed_algs = {jose::Alg::RS256, jose::Alg::ES256, jose::Alg::HS256}; break;
  }
  if (bits & 0x40) options.leeway = std::chrono::seconds(30);
  return options;
}

void check_accepted(const jose::VerifiedJwt& jwt, const jose::VerifyOptions& options) {
  const auto& algs = options.allowed_algs;
  fuzz::check(std::find(algs.begin(), algs.end(), jwt.alg) != algs.end(), "accepted an algorithm not allowed");
  if (options.issuer) fuzz::check(jwt.iss == *options.issuer, "accepted a wrong issuer");
  if (options.audience) {
    fuzz::check(std::find(jwt.aud.begin(), jwt.aud.end(), *options.audience) != jwt.aud.end(),
                "accepted a token without the audience");
  }
  if (options.require_exp) fuzz::check(jwt.exp.has_value(), "accepted a token without exp");
  const std::int64_t leeway = options.leeway.count();
  if (jwt.exp) fuzz::check(*jwt.exp + leeway > kNow, "accepted an expired token");
  if (jwt.nbf) fuzz::check(*jwt.nbf - leeway <= kNow, "accepted a token before nbf");
  if (jwt.iat) fuzz::check(*jwt.iat - leeway <= kNow, "accepted a token issued in the future");
}

// A rejection names what is wrong, never the token: it may be a live credential. Only
// base64url runs long enough to be a credential are looked for; shorter or spaced text may
// be the message's own words, which the fuzzer learns to put into a token.
bool looks_like_credential(std::string_view part) {
  constexpr std::size_t kShortest = 24;
  return part.size() >= kShortest && part.find_first_not_of(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string_view::npos;
}

void check_message(const std::string& message, std::string_view token) {
  std::size_t start = 0;
  while (start <= token.size()) {
    const auto dot = std::min(token.find('.', start), token.size());
    const auto part = token.substr(start, dot - start);
    if (looks_like_credential(part)) {
      fuzz::check(message.find(part) == std::string::npos, "error shows a part of the token");
    }
    start = dot + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t bits = data[0];
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  std::string token;
  if (bits & 0x01) {
    const auto parts = fuzz::split_parts(rest, std::string_view("\0", 1), 2);
    token = jose::sign_compact(hmac_jwk().key, jose::Alg::HS256, parts[0], fuzz::part_or_empty(parts, 1));
  } else {
    token = std::string(rest);
    (void)jose::unverified_payload(token);  // must not throw, whatever the token
    try {
      (void)jose::split_compact(token);
    } catch (const jose::JoseError& e) {
      check_message(e.what(), token);
    }
  }
  const auto options = options_from(bits);
  try {
    check_accepted(jose::verify_jwt(token, key_set(), options), options);
  } catch (const jose::JoseError& e) {
    check_message(e.what(), token);
  }
  return 0;
}
