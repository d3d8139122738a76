#pragma once
// A DPoP-bound token presented as a step bends it (DpopPresentation): the workload step's
// agents' tokens, and the users' tokens a token step got with `dpop: true` at an http or call
// step. One place makes the proofs, reads the fields and documents them.
#include <set>
#include <string>

#include "../yaml_reader.h"
#include "mcph/harness/scenario/scenario.h"
#include "mcph/http/message.h"
#include "mcph/jose/key.h"

namespace mcph::harness::scenario {

// The fields of a presentation as a step writes them.
const std::set<std::string>& dpop_presentation_keys();
// Reads those of `value`'s keys that are a presentation's (the caller checks the others).
DpopPresentation read_dpop_presentation(const Reader& reader, const YAML::Node& value, const std::string& here);
// `dpop:` of an http or call step: `true` (the honest presentation) or a mapping of its fields.
std::optional<DpopPresentation> read_dpop_field(const Reader& reader, const YAML::Node& step_value, const std::string& here);
// The documentation row of an http or call step's `dpop:`.
inline constexpr std::string_view kDpopFieldMeaning =
    "present the held token (a `token:` step's with `dpop: true`) as DPoP-bound, with a proof of its key made for "
    "each request: `true`, or a mapping of the workload step's `scheme`, `proof`, `proof_key`, `htm`, `htu`, "
    "`iat_offset`, `ath`, `typ`, `alg`, `private_jwk` to bend it";

// Presents `token`, bound to `key`, as `presentation` says.
class DpopPresenter {
 public:
  DpopPresenter(DpopPresentation presentation, jose::Key key, std::string token);
  // A proof for `method` at `url` (query and fragment are dropped), as bent.
  std::string proof(const std::string& method, const std::string& url) const;
  // The Authorization header (none for scheme none) and, unless proof is none, a DPoP header.
  http::Fields headers(const std::string& method, const std::string& url) const;
  const DpopPresentation& presentation() const { return presentation_; }
  bool replays() const { return presentation_.proof == DpopProof::replayed; }

 private:
  DpopPresentation presentation_;
  jose::Key key_;
  jose::Key stranger_;  // a key no token is bound to, for proof_key: stranger
  std::string token_;
};

}  // namespace mcph::harness::scenario
