// DPoP proofs (RFC 9449): creating one, and the server's checks of §4.3 in the RFC's order.
#include "mcph/jose/dpop.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"
#include "mcph/openssl/crypto.h"
#include "mcph/text/ascii_case.h"
#include "message_text.h"
#include "proof_keys.h"

namespace mcph::jose {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kProofType = "dpop+jwt";

[[noreturn]] void fail(DpopCheck check, const std::string& message) {
  throw DpopError(check, "DPoP proof: " + message);
}

Json parse_object(const std::string& text, const char* what) {
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) fail(DpopCheck::malformed, std::string(what) + " is not a JSON object");
  return json;
}

// A string member: absent → missing_member, another type → malformed.
std::string required_string(const Json& object, const char* name, const char* where) {
  const auto found = object.find(name);
  if (found == object.end()) fail(DpopCheck::missing_member, std::string(where) + " has no '" + name + "'");
  if (!found->is_string()) fail(DpopCheck::malformed, std::string(where) + " '" + name + "' must be a string");
  return found->get<std::string>();
}

std::int64_t current_time(const DpopVerifyOptions& options) {
  if (options.now) return *options.now;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// alg none under refuse_unsigned = false (sabotage): the algorithm the jwk's key type signs with.
std::optional<Alg> unsigned_alg(const Json& header) {
  const auto jwk = header.find("jwk");
  if (jwk == header.end() || !jwk->is_object()) return std::nullopt;
  const std::string kty = jwk->value("kty", "");
  if (kty == "EC") return Alg::ES256;
  if (kty == "RSA") return Alg::RS256;
  return std::nullopt;
}

Alg read_alg(const Json& header, const DpopVerifyOptions& options) {
  const std::string name = required_string(header, "alg", "header");
  if (name == "none" && !options.refuse_unsigned) {
    if (const auto alg = unsigned_alg(header)) return *alg;
  }
  const std::optional<Alg> alg = alg_from_string(name);
  if (!alg) fail(DpopCheck::unsupported_algorithm, "alg " + detail::quote_untrusted(name) + " is not supported");
  // A proof shows possession of a private key: a shared secret proves nothing (§4.3 step 5).
  if (*alg == Alg::HS256) fail(DpopCheck::unsupported_algorithm, "alg HS256 is symmetric");
  if (std::find(options.allowed_algs.begin(), options.allowed_algs.end(), *alg) == options.allowed_algs.end()) {
    fail(DpopCheck::unsupported_algorithm, "alg " + std::string(to_string(*alg)) + " is not in the allowed list");
  }
  return *alg;
}

// The jwk header as a public key, with its thumbprint (built once per distinct jwk:
// proof_keys.h). Private members are looked for in the JSON itself, since the key parser would
// take them as a private key.
detail::ProofKey read_jwk(const Json& header, Alg alg) {
  const auto found = header.find("jwk");
  if (found == header.end()) fail(DpopCheck::missing_member, "header has no 'jwk'");
  if (!found->is_object()) fail(DpopCheck::bad_jwk, "header 'jwk' is not a JSON object");
  const std::string jwk_json = found->dump();
  detail::ProofKey proof_key = [&] {
    try {
      return detail::proof_keys().key_of(jwk_json, [&] { return Jwk::from_json(jwk_json).key; });
    } catch (const JoseError& error) {
      fail(DpopCheck::bad_jwk, std::string("header 'jwk': ") + error.what());
    }
  }();
  if (proof_key.key.type() == KeyType::oct) fail(DpopCheck::private_key_in_jwk, "header 'jwk' is a symmetric key");
  if (!alg_fits_key(alg, proof_key.key.type())) {
    fail(DpopCheck::unsupported_algorithm, "alg " + std::string(to_string(alg)) + " does not fit the jwk's key type");
  }
  return proof_key;
}

bool has_private_members(const Json& jwk) {
  for (const char* name : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (jwk.contains(name)) return true;
  }
  return false;
}

std::int64_t read_iat(const Json& payload) {
  const auto found = payload.find("iat");
  if (found == payload.end()) fail(DpopCheck::missing_member, "payload has no 'iat'");
  if (found->is_number_integer()) {
    if (found->is_number_unsigned() && found->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      fail(DpopCheck::malformed, "payload 'iat' is out of range");
    }
    return found->get<std::int64_t>();
  }
  if (found->is_number_float()) {
    const double value = found->get<double>();
    if (!(value > -1e15 && value < 1e15)) fail(DpopCheck::malformed, "payload 'iat' is out of range");
    return static_cast<std::int64_t>(value);
  }
  fail(DpopCheck::malformed, "payload 'iat' must be a number");
}

}  // namespace

std::string_view to_string(DpopCheck check) {
  switch (check) {
    case DpopCheck::malformed: return "malformed";
    case DpopCheck::missing_member: return "missing_member";
    case DpopCheck::wrong_type: return "wrong_type";
    case DpopCheck::unsupported_algorithm: return "unsupported_algorithm";
    case DpopCheck::bad_jwk: return "bad_jwk";
    case DpopCheck::private_key_in_jwk: return "private_key_in_jwk";
    case DpopCheck::bad_signature: return "bad_signature";
    case DpopCheck::method_mismatch: return "method_mismatch";
    case DpopCheck::uri_mismatch: return "uri_mismatch";
    case DpopCheck::nonce_mismatch: return "nonce_mismatch";
    case DpopCheck::not_active: return "not_active";
    case DpopCheck::replayed: return "replayed";
    case DpopCheck::replay_cache_full: return "replay_cache_full";
    case DpopCheck::missing_ath: return "missing_ath";
    case DpopCheck::ath_mismatch: return "ath_mismatch";
    case DpopCheck::key_mismatch: return "key_mismatch";
  }
  return "unknown";
}

std::string dpop_access_token_hash(std::string_view access_token) {
  return codec::base64url_encode(openssl::sha256(access_token));
}

std::optional<std::vector<Alg>> dpop_algs_from_list(std::string_view list) {
  std::vector<Alg> algs;
  while (true) {
    const auto comma = list.find(',');
    const std::optional<Alg> alg = alg_from_string(list.substr(0, comma));
    if (!alg || *alg == Alg::HS256) return std::nullopt;
    algs.push_back(*alg);
    if (comma == std::string_view::npos) return algs;
    list.remove_prefix(comma + 1);
  }
}

std::string dpop_normalized_uri(std::string_view uri) {
  uri = uri.substr(0, std::min(uri.find('?'), uri.find('#')));
  const std::size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return std::string(uri);
  const std::string scheme = text::ascii_lower(uri.substr(0, scheme_end));
  const std::string_view rest = uri.substr(scheme_end + 3);
  const std::size_t path_start = std::min(rest.find('/'), rest.size());
  std::string authority = text::ascii_lower(rest.substr(0, path_start));
  std::string_view path = rest.substr(path_start);
  if ((scheme == "http" && authority.size() > 3 && authority.compare(authority.size() - 3, 3, ":80") == 0) ||
      (scheme == "https" && authority.size() > 4 && authority.compare(authority.size() - 4, 4, ":443") == 0)) {
    authority.erase(authority.rfind(':'));
  }
  return scheme + "://" + authority + (path.empty() ? std::string("/") : std::string(path));
}

std::string create_dpop_proof(const Key& key, const DpopProofRequest& request) {
  return create_dpop_proof(key, request, DpopProofTampering{});
}

std::string create_dpop_proof(const Key& key, const DpopProofRequest& request, const DpopProofTampering& tampering) {
  if (request.htm.empty() || request.htu.empty()) throw std::invalid_argument("a DPoP proof needs htm and htu");
  if (!key.has_private()) throw std::invalid_argument("a DPoP proof is signed with a private key");
  const Alg alg = key.type() == KeyType::rsa ? Alg::RS256 : Alg::ES256;
  if (key.type() == KeyType::oct) throw JoseError(ErrorKind::unsupported_algorithm, "a DPoP proof needs an asymmetric key");
  // The public JSON of a private key names its public members alone: no public copy to build.
  const Jwk jwk{key, {}, std::nullopt, {}};
  nlohmann::ordered_json header;
  if (!tampering.typ || !tampering.typ->empty()) header["typ"] = tampering.typ.value_or(std::string(kProofType));
  header["alg"] = tampering.alg.value_or(std::string(to_string(alg)));
  header["jwk"] = nlohmann::ordered_json::parse(tampering.private_jwk ? jwk.to_private_json() : jwk.to_public_json());
  nlohmann::ordered_json claims;
  claims["jti"] = request.jti.empty() ? openssl::random_uuid() : request.jti;
  claims["htm"] = request.htm;
  std::string_view htu = request.htu;
  claims["htu"] = htu.substr(0, std::min(htu.find('?'), htu.find('#')));
  claims["iat"] = request.iat.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  if (tampering.ath) {
    claims["ath"] = *tampering.ath;
  } else if (request.access_token) {
    claims["ath"] = dpop_access_token_hash(*request.access_token);
  }
  if (request.nonce) claims["nonce"] = *request.nonce;
  const std::string header_json = header.dump(), claims_json = claims.dump();
  if (tampering.alg == "none") {
    return codec::base64url_encode(header_json) + "." + codec::base64url_encode(claims_json) + ".";
  }
  if (tampering.alg == "HS256") {
    // Keyed with the public key's own JSON, as an attacker would hope a confused verifier does.
    return sign_compact(Key::hmac(jwk.to_public_json()), Alg::HS256, header_json, claims_json);
  }
  return sign_compact(key, alg, header_json, claims_json);
}

bool DpopReplayCache::remember(const std::string& jkt, const std::string& jti, std::int64_t expires_at,
                               std::int64_t now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  const std::string key = jkt + ' ' + jti;
  if (seen_.count(key) != 0) return false;
  if (seen_.size() >= capacity_) {
    throw DpopError(DpopCheck::replay_cache_full,
                    "DPoP proof: the replay cache holds " + std::to_string(capacity_) + " live proofs");
  }
  seen_.emplace(key, expires_at);
  by_expiry_.emplace(expires_at, key);
  return true;
}

bool DpopReplayCache::contains(const std::string& jkt, const std::string& jti, std::int64_t now) const {
  std::lock_guard lock(mutex_);
  const auto found = seen_.find(jkt + ' ' + jti);
  return found != seen_.end() && found->second >= now;
}

std::int64_t DpopReplayCache::first_expiry() const {
  std::lock_guard lock(mutex_);
  return by_expiry_.empty() ? 0 : by_expiry_.begin()->first;
}

std::size_t DpopReplayCache::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

void DpopReplayCache::drop_expired(std::int64_t now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

VerifiedDpopProof verify_dpop_proof(std::string_view proof, const DpopVerifyOptions& options,
                                    DpopReplayCache* replay_cache) {
  // Step 2: a well-formed JWT.
  if (proof.empty()) fail(DpopCheck::malformed, "it is empty");
  if (proof.size() > options.max_proof_bytes) {
    fail(DpopCheck::malformed, "it is " + std::to_string(proof.size()) + " bytes, over the limit of " +
                                   std::to_string(options.max_proof_bytes));
  }
  CompactJws parts;
  try {
    parts = split_compact(proof);
  } catch (const JoseError& error) {
    fail(DpopCheck::malformed, error.what());
  }
  const Json header = parse_object(parts.header_json, "header");
  const Json payload = parse_object(parts.payload_json, "payload");
  // Steps 3-4: the typ header.
  if (options.check_typ) {
    const std::string typ = required_string(header, "typ", "header");
    if (typ != kProofType) fail(DpopCheck::wrong_type, "typ is " + detail::quote_untrusted(typ) + ", not dpop+jwt");
  }
  // Step 5: an asymmetric, allowed alg that fits the key.
  const Alg alg = read_alg(header, options);
  if (header.contains("crit")) fail(DpopCheck::malformed, "header has 'crit' extensions, none are supported");
  const detail::ProofKey proof_key = read_jwk(header, alg);
  const Key& key = proof_key.key;
  // Step 3 (claims).
  VerifiedDpopProof result;
  result.alg = alg;
  result.jti = required_string(payload, "jti", "payload");
  if (result.jti.empty()) fail(DpopCheck::missing_member, "payload 'jti' is empty");
  result.htm = required_string(payload, "htm", "payload");
  result.htu = required_string(payload, "htu", "payload");
  result.iat = read_iat(payload);
  // Step 6: the signature, by the embedded key.
  const bool unsigned_taken = !options.refuse_unsigned && header.value("alg", "") == "none";
  if (!unsigned_taken && !verify_bytes(key, alg, parts.signing_input, parts.signature)) {
    fail(DpopCheck::bad_signature, "the signature does not verify with the header's jwk");
  }
  // Step 7: no private key.
  if (options.refuse_private_jwk && has_private_members(header["jwk"])) fail(DpopCheck::private_key_in_jwk, "header 'jwk' holds a private key");
  // Steps 8-9: the request it was made for.
  if (options.check_htm && result.htm != options.htm) {
    fail(DpopCheck::method_mismatch, "htm " + detail::quote_untrusted(result.htm) + " is not " + options.htm);
  }
  if (options.check_htu && dpop_normalized_uri(result.htu) != dpop_normalized_uri(options.htu)) {
    fail(DpopCheck::uri_mismatch, "htu " + detail::quote_untrusted(result.htu, 200) + " is not " +
                                      detail::quote_untrusted(dpop_normalized_uri(options.htu), 200));
  }
  // Step 10: the server's nonce.
  if (options.nonce) {
    const auto nonce = payload.find("nonce");
    if (nonce == payload.end() || !nonce->is_string() ||
        !openssl::constant_time_equals(nonce->get<std::string>(), *options.nonce)) {
      fail(DpopCheck::nonce_mismatch, nonce == payload.end() ? "no 'nonce', and the server asked for one"
                                                             : "'nonce' is not the server's");
    }
  }
  // Step 11: iat within the window.
  const std::int64_t now = current_time(options);
  const std::int64_t skew = options.clock_skew.count();
  if (options.check_iat && (result.iat > now + skew || result.iat < now - options.lifetime.count() - skew)) {
    fail(DpopCheck::not_active, "iat is " + std::to_string(result.iat - now) + " s from now, outside [-" +
                                    std::to_string(options.lifetime.count() + skew) + ", " + std::to_string(skew) +
                                    "] s");
  }
  // Step 12: bound to the access token presented with it.
  result.jkt = proof_key.thumbprint;
  if (options.access_token && options.check_ath) {
    const auto ath = payload.find("ath");
    if (ath == payload.end()) fail(DpopCheck::missing_ath, "no 'ath' for the access token presented with it");
    if (!ath->is_string()) fail(DpopCheck::malformed, "payload 'ath' must be a string");
    if (!openssl::constant_time_equals(ath->get<std::string>(), dpop_access_token_hash(*options.access_token))) {
      fail(DpopCheck::ath_mismatch, "'ath' is not the hash of the access token presented with it");
    }
  }
  if (options.expected_jkt && !openssl::constant_time_equals(result.jkt, *options.expected_jkt)) {
    fail(DpopCheck::key_mismatch, "its key is not the one the access token is bound to (cnf.jkt)");
  }
  // Last: remember jti, only for a proof that passed everything else.
  result.replayable_until = result.iat + options.lifetime.count() + skew;
  if (replay_cache != nullptr) remember_dpop_proof(result, *replay_cache, now);
  return result;
}

void remember_dpop_proof(const VerifiedDpopProof& proof, DpopReplayCache& replay_cache, std::int64_t now) {
  if (!replay_cache.remember(proof.jkt, proof.jti, proof.replayable_until, now)) {
    fail(DpopCheck::replayed, "jti " + detail::quote_untrusted(proof.jti) + " was used before");
  }
}

}  // namespace mcph::jose
