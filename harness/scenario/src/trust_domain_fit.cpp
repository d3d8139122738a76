#include "trust_domain_fit.h"

namespace mcph::harness::scenario {

std::optional<std::string> trust_domain_cannot(const Scenario& scenario, const stack::StackFile& stack) {
  const stack::ServiceEntry* spiffe = stack.find_service("spiffe");
  if (!spiffe || spiffe->implementation != "native") return std::nullopt;
  for (const Step& step : scenario.steps) {
    const auto* svid = step.get_if<SvidTokenStep>();
    if (!svid || svid->sign != SvidSigner::trust_domain || !svid->svid.empty()) continue;
    if (!svid->sub.empty() && spiffe->spire_signing_keys.empty()) {
      return "not applicable: it needs the trust domain to sign an SVID for another trust domain's SPIFFE ID, which "
             "the real SPIRE never mints, and the stack's spiffe entry names no spire_signing_keys (the server's "
             "disk key manager file) to sign one with";
    }
    if (svid->ttl > 60) {
      return "not applicable: it needs an SVID living " + std::to_string(svid->ttl) +
             " s, and the real SPIRE's Workload API takes no lifetime (this stack's entries give 60 s; an entry "
             "giving more would have the agent hand that SVID to every later scenario for half its life)";
    }
  }
  return std::nullopt;
}

}  // namespace mcph::harness::scenario
