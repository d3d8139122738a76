// JWT verification: structure, header, algorithm policy, key choice, signature, then claims.
// The signature is checked before the payload is parsed, so claims are only read from bytes
// the issuer signed.
#include "mcph/jose/jwt.h"

#include <algorithm>
#include <sstream>
#include <nlohmann/json.hpp>

#include "claims.h"
#include "jws_internal.h"
#include "message_text.h"

namespace mcph::jose {
namespace {

using Json = nlohmann::json;

Json parse_object(const std::string& text, const char* what) {
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded()) {
    throw JoseError(ErrorKind::malformed, std::string(what) + " is not valid JSON");
  }
  if (!json.is_object()) {
    throw JoseError(ErrorKind::malformed, std::string(what) + " is not a JSON object");
  }
  return json;
}

struct Header {
  Alg alg;
  std::string kid;
  std::string typ;
};

// A member that is a string, else "" (the claims VerifiedJwt carries for its callers to check).
std::string string_or_empty(const Json& object, const char* name) {
  const auto member = object.find(name);
  return member != object.end() && member->is_string() ? member->get<std::string>() : std::string();
}

// alg must be present, known and allowed; "none" never is (RFC 8725 §3.1).
Header read_header(const Json& header, const VerifyOptions& options) {
  const auto alg_member = header.find("alg");
  if (alg_member == header.end() || !alg_member->is_string()) {
    throw JoseError(ErrorKind::malformed, "header has no string 'alg'");
  }
  const std::string& alg_name = alg_member->get_ref<const std::string&>();
  const std::optional<Alg> alg = alg_from_string(alg_name);
  if (!alg) {
    throw JoseError(ErrorKind::unsupported_algorithm,
                    "alg " + detail::quote_untrusted(alg_name) + " is not supported");
  }
  if (std::find(options.allowed_algs.begin(), options.allowed_algs.end(), *alg) ==
      options.allowed_algs.end()) {
    throw JoseError(ErrorKind::unsupported_algorithm,
                    "alg " + std::string(to_string(*alg)) + " is not in the allowed list");
  }
  // RFC 7515 §4.1.11: extensions listed in crit must be understood; we understand none.
  if (header.contains("crit")) {
    throw JoseError(ErrorKind::malformed, "header has 'crit' extensions, none are supported");
  }
  Header result{*alg, {}, string_or_empty(header, "typ")};
  if (const auto kid = header.find("kid"); kid != header.end()) {
    if (!kid->is_string()) {
      throw JoseError(ErrorKind::malformed, "header 'kid' must be a string");
    }
    result.kid = kid->get<std::string>();
  }
  return result;
}

std::optional<std::string> why_jwk_unusable(const Jwk& jwk, Alg alg) {
  if (auto reason = detail::why_key_unusable(jwk.key, alg)) {
    return reason;  // the key type decides first: this is what stops algorithm confusion
  }
  if (jwk.use == "enc") {
    return std::string("the key is for encryption (use \"enc\")");
  }
  if (jwk.alg && *jwk.alg != alg) {
    return "the key is declared for " + std::string(to_string(*jwk.alg));
  }
  return std::nullopt;
}

// The keys to try: those with the header's kid, or every key when there is no kid; each must
// be usable with alg, or the error says why none is.
std::vector<const Jwk*> candidate_keys(const JwkSet& keys, const Header& header) {
  std::vector<const Jwk*> usable;
  std::optional<std::string> last_reason;
  bool any_with_kid = false;
  for (const Jwk& jwk : keys.keys()) {
    if (!header.kid.empty() && jwk.kid != header.kid) {
      continue;
    }
    any_with_kid = true;
    if (auto reason = why_jwk_unusable(jwk, header.alg)) {
      last_reason = std::move(reason);
    } else {
      usable.push_back(&jwk);
    }
  }
  if (!usable.empty()) {
    return usable;
  }
  if (!header.kid.empty() && !any_with_kid) {
    throw JoseError(ErrorKind::unknown_kid,
                    "kid " + detail::quote_untrusted(header.kid) + " is not in the key set");
  }
  if (keys.empty()) {
    throw JoseError(ErrorKind::unknown_kid, "the key set is empty");
  }
  const std::string which =
      header.kid.empty() ? "no key in the set" : "key " + detail::quote_untrusted(header.kid);
  throw JoseError(ErrorKind::unsupported_algorithm, std::string(to_string(header.alg)) +
                                                        " cannot be verified with " + which +
                                                        (last_reason ? ": " + *last_reason : ""));
}

std::int64_t current_time(const VerifyOptions& options) {
  if (options.now) {
    return *options.now;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

VerifiedJwt verify_jwt(std::string_view token, const JwkSet& keys, const VerifyOptions& options) {
  if (token.empty()) {
    throw JoseError(ErrorKind::malformed, "token is empty");
  }
  if (token.size() > options.max_token_bytes) {
    throw JoseError(ErrorKind::malformed, "token is " + std::to_string(token.size()) +
                                              " bytes, over the limit of " +
                                              std::to_string(options.max_token_bytes));
  }
  CompactJws parts = split_compact(token);
  const Header header = read_header(parse_object(parts.header_json, "header"), options);
  if (parts.payload_json.empty()) {
    throw JoseError(ErrorKind::malformed, "payload part is empty");
  }
  if (parts.signature.empty()) {
    throw JoseError(ErrorKind::malformed, "signature part is empty");
  }
  if (header.alg == Alg::ES256 && parts.signature.size() != 64) {
    throw JoseError(ErrorKind::malformed,
                    "ES256 signature is " + std::to_string(parts.signature.size()) +
                        " bytes; JOSE uses the 64-byte R||S form, not DER (RFC 7518 §3.4)");
  }

  const std::vector<const Jwk*> candidates = candidate_keys(keys, header);
  const bool verified = std::any_of(candidates.begin(), candidates.end(), [&](const Jwk* jwk) {
    return verify_bytes(jwk->key, header.alg, parts.signing_input, parts.signature);
  });
  if (!verified) {
    throw JoseError(
        ErrorKind::bad_signature,
        header.kid.empty()
            ? "signature does not verify with any of the " + std::to_string(candidates.size()) +
                  " " + std::string(to_string(header.alg)) + " keys in the set"
            : "signature does not verify with key " + detail::quote_untrusted(header.kid));
  }

  const Json payload = parse_object(parts.payload_json, "payload");
  const detail::RegisteredClaims claims = detail::read_registered_claims(payload);
  detail::check_registered_claims(claims, options, current_time(options));

  VerifiedJwt result;
  result.alg = header.alg;
  result.kid = header.kid;
  result.typ = header.typ;
  result.azp = string_or_empty(payload, "azp");
  result.preferred_username = string_or_empty(payload, "preferred_username");
  std::istringstream scope(string_or_empty(payload, "scope"));
  for (std::string word; scope >> word;) result.scopes.push_back(std::move(word));
  result.typ_claim = string_or_empty(payload, "typ");
  if (const auto cnf = payload.find("cnf"); cnf != payload.end()) {
    result.has_cnf = true;
    if (cnf->is_object()) result.cnf_jkt = string_or_empty(*cnf, "jkt");
  }
  result.header_json = std::move(parts.header_json);
  result.payload_json = std::move(parts.payload_json);
  result.iss = claims.iss.value_or("");
  result.sub = claims.sub.value_or("");
  result.aud = claims.aud.value_or(std::vector<std::string>{});
  result.exp = claims.exp;
  result.nbf = claims.nbf;
  result.iat = claims.iat;
  return result;
}

bool is_key_bound(const VerifiedJwt& jwt) { return jwt.has_cnf || jwt.typ_claim == "DPoP"; }

void check_time_claims(const VerifiedJwt& jwt, const VerifyOptions& options) {
  detail::RegisteredClaims claims;
  claims.exp = jwt.exp;
  claims.nbf = jwt.nbf;
  claims.iat = jwt.iat;
  VerifyOptions time_only = options;
  time_only.require_exp = false;  // verify_jwt saw to exp, iss and aud when it accepted the token
  time_only.issuer.reset();
  time_only.audience.reset();
  detail::check_registered_claims(claims, time_only, current_time(options));
}

std::optional<std::string> unverified_payload(std::string_view token) {
  try {
    return split_compact(token).payload_json;
  } catch (const JoseError&) {
    return std::nullopt;
  }
}

}  // namespace mcph::jose
