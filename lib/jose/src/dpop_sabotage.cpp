#include "mcph/jose/dpop_sabotage.h"

namespace mcph::jose {
namespace {

constexpr DpopSabotageSwitch kSwitches[] = {
    {"unsafe-dpop-no-htm-check", "a DPoP proof made for another method", &DpopSabotage::no_htm},
    {"unsafe-dpop-no-htu-check", "a DPoP proof made for another URL", &DpopSabotage::no_htu},
    {"unsafe-dpop-no-iat-check", "a DPoP proof of any age", &DpopSabotage::no_iat},
    {"unsafe-dpop-no-ath-check", "a DPoP proof without the presented token's hash, or with another's", &DpopSabotage::no_ath},
    {"unsafe-dpop-no-typ-check", "a DPoP proof whatever its typ", &DpopSabotage::no_typ},
    {"unsafe-dpop-unsigned", "an unsigned DPoP proof (alg none)", &DpopSabotage::unsigned_alg},
    {"unsafe-dpop-private-jwk", "a DPoP proof whose jwk holds the private key", &DpopSabotage::private_jwk},
    {"unsafe-no-jkt-check", "a DPoP proof by a key the token is not bound to (cnf.jkt not compared)", &DpopSabotage::no_jkt},
    {"unsafe-no-replay-check", "a DPoP proof's jti used again", &DpopSabotage::no_replay},
    {"unsafe-dpop-no-proof", "a DPoP-bound token with the DPoP scheme and no proof", &DpopSabotage::no_proof},
    {"unsafe-dpop-as-bearer", "a DPoP-bound token as Bearer, without a proof", &DpopSabotage::as_bearer},
};

}  // namespace

void DpopSabotage::apply(DpopVerifyOptions& options) const {
  options.check_htm = options.check_htm && !no_htm;
  options.check_htu = options.check_htu && !no_htu;
  options.check_iat = options.check_iat && !no_iat;
  options.check_ath = options.check_ath && !no_ath;
  options.check_typ = options.check_typ && !no_typ;
  options.refuse_unsigned = options.refuse_unsigned && !unsigned_alg;
  options.refuse_private_jwk = options.refuse_private_jwk && !private_jwk;
  if (no_jkt) options.expected_jkt.reset();
}

std::span<const DpopSabotageSwitch> dpop_sabotage_switches() { return kSwitches; }

}  // namespace mcph::jose
