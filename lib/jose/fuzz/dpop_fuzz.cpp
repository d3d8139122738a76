// Fuzzes DPoP proof parsing and verification (verify_dpop_proof, RFC 9449 §4.3).
//
// Input: one byte of options, then
//   mode 0 (bit 0 clear): a proof, verified as it is;
//   mode 1 (bit 0 set):   header JSON, NUL, payload JSON — signed with a fixed EC key first, so
//                         that the checks behind the signature are reached (jwk, htm, htu, iat,
//                         ath, cnf.jkt, replay).
// Option bits: 1 an access token is presented (ath required), 2 the token is bound to the fixed
// key's thumbprint, 3 the server handed out a nonce, 4 a replay cache is used (and the proof
// verified twice).
//
// Properties: only DpopError is thrown and its message never shows the proof's parts; an
// accepted proof is for the request (htm, htu), its iat is in the window, its jkt is the
// thumbprint of a key whose signature verifies; a proof is never accepted twice by one cache.
#include <cstdint>
#include <string>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jwk.h"
#include "rfc_vectors.h"

namespace {

using namespace mcph;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kHtu = "https://idp.example/realms/demo/protocol/openid-connect/token";

const jose::Key& signing_key() {
  // A fixed P-256 key (RFC 7515 A.3's), so that runs are reproducible.
  static const jose::Key key = jose::Jwk::from_json(jose::rfc::kA3KeyJwk).key;
  return key;
}

bool looks_like_credential(std::string_view part) {
  return part.size() >= 24 &&
         part.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
             std::string_view::npos;
}

void check_message(const std::string& message, std::string_view proof) {
  std::size_t start = 0;
  while (start <= proof.size()) {
    const auto dot = std::min(proof.find('.', start), proof.size());
    const auto part = proof.substr(start, dot - start);
    if (looks_like_credential(part)) fuzz::check(message.find(part) == std::string::npos, "error shows a part of the proof");
    start = dot + 1;
  }
}

void check_accepted(const jose::VerifiedDpopProof& proof, const jose::DpopVerifyOptions& options) {
  fuzz::check(proof.htm == options.htm, "accepted a proof for another method");
  fuzz::check(jose::dpop_normalized_uri(proof.htu) == jose::dpop_normalized_uri(options.htu),
              "accepted a proof for another URI");
  fuzz::check(proof.iat <= kNow + options.clock_skew.count() &&
                  proof.iat >= kNow - options.lifetime.count() - options.clock_skew.count(),
              "accepted a proof outside its window");
  fuzz::check(proof.alg != jose::Alg::HS256, "accepted a symmetric proof");
  if (options.expected_jkt) fuzz::check(proof.jkt == *options.expected_jkt, "accepted a proof by an unbound key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t bits = data[0];
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  std::string proof;
  if (bits & 0x01) {
    const auto parts = fuzz::split_parts(rest, std::string_view("\0", 1), 2);
    proof = jose::sign_compact(signing_key(), jose::Alg::ES256, parts[0], fuzz::part_or_empty(parts, 1));
  } else {
    proof = std::string(rest);
  }
  jose::DpopVerifyOptions options;
  options.htm = "POST";
  options.htu = kHtu;
  options.now = kNow;
  if (bits & 0x02) options.access_token = "access-token";
  if (bits & 0x04) options.expected_jkt = signing_key().thumbprint();
  if (bits & 0x08) options.nonce = "server-nonce";
  jose::DpopReplayCache cache(4);
  jose::DpopReplayCache* replay = (bits & 0x10) ? &cache : nullptr;
  bool accepted = false;
  try {
    check_accepted(jose::verify_dpop_proof(proof, options, replay), options);
    accepted = true;
  } catch (const jose::DpopError& e) {
    check_message(e.what(), proof);
  }
  if (accepted && replay != nullptr) {
    try {
      (void)jose::verify_dpop_proof(proof, options, replay);
      fuzz::fail("accepted a replayed proof");
    } catch (const jose::DpopError& e) {
      fuzz::check(e.check() == jose::DpopCheck::replayed, "a replay was refused for another reason");
    }
  }
  return 0;
}
