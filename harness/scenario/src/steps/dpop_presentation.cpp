#include "dpop_presentation.h"

#include <chrono>

#include "mcph/jose/dpop.h"
#include "mcph/sync/unix_time.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

}  // namespace

const std::set<std::string>& dpop_presentation_keys() {
  static const std::set<std::string> keys = {"scheme", "proof", "proof_key", "htm", "htu", "iat_offset",
                                             "ath", "typ", "alg", "private_jwk"};
  return keys;
}

DpopPresentation read_dpop_presentation(const Reader& reader, const YAML::Node& value, const std::string& here) {
  DpopPresentation dpop;
  if (value["scheme"].IsDefined()) {
    dpop.scheme = read_choice<DpopScheme>(reader, value["scheme"], Reader::join(here, "scheme"), kDpopSchemes, "scheme");
  }
  if (value["proof"].IsDefined()) {
    dpop.proof = read_choice<DpopProof>(reader, value["proof"], Reader::join(here, "proof"), kDpopProofs, "proof");
  }
  const std::string key = reader.text_or(value, "proof_key", here, "own");
  if (key != "own" && key != "agent" && key != "stranger") {
    reader.fail(value["proof_key"], Reader::join(here, "proof_key"), "expected own (or agent) or stranger");
  }
  dpop.proof_by_stranger = key == "stranger";
  dpop.htm = reader.text_or(value, "htm", here);
  dpop.htu = reader.text_or(value, "htu", here);
  if (value["iat_offset"].IsDefined()) {
    dpop.iat_offset = static_cast<int>(bounded_integer(reader, value["iat_offset"], Reader::join(here, "iat_offset"), -86400, 86400));
  }
  if (value["ath"].IsDefined()) dpop.ath = read_choice<DpopAth>(reader, value["ath"], Reader::join(here, "ath"), kDpopAths, "ath");
  if (value["typ"].IsDefined()) dpop.typ = reader.text(value["typ"], Reader::join(here, "typ"));
  if (value["alg"].IsDefined()) dpop.alg = reader.text(value["alg"], Reader::join(here, "alg"));
  if (value["private_jwk"].IsDefined()) {
    const Json flag = reader.json(value["private_jwk"], Reader::join(here, "private_jwk"));
    if (!flag.is_boolean()) reader.fail(value["private_jwk"], Reader::join(here, "private_jwk"), "expected true or false");
    dpop.private_jwk = flag.get<bool>();
  }
  return dpop;
}

std::optional<DpopPresentation> read_dpop_field(const Reader& reader, const YAML::Node& step_value, const std::string& here) {
  const YAML::Node node = step_value["dpop"];
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = Reader::join(here, "dpop");
  if (node.IsMap()) {
    reader.only_keys(node, field, dpop_presentation_keys());
    return read_dpop_presentation(reader, node, field);
  }
  const Json flag = reader.json(node, field);
  if (!flag.is_boolean() || !flag.get<bool>()) reader.fail(node, field, "expected true or a mapping of how the proof is bent");
  return DpopPresentation{};
}

DpopPresenter::DpopPresenter(DpopPresentation presentation, jose::Key key, std::string token)
    : presentation_(std::move(presentation)), key_(std::move(key)), stranger_(jose::Key::generate_ec_p256()),
      token_(std::move(token)) {}

std::string DpopPresenter::proof(const std::string& method, const std::string& url) const {
  const DpopPresentation& bent = presentation_;
  jose::DpopProofRequest request;
  request.htm = bent.htm.empty() ? method : bent.htm;
  request.htu = bent.htu.empty() ? url : bent.htu;
  request.iat = sync::unix_seconds() + bent.iat_offset;
  if (bent.ath != DpopAth::omit) request.access_token = token_;
  jose::DpopProofTampering tampering;
  tampering.typ = bent.typ;
  tampering.alg = bent.alg;
  tampering.private_jwk = bent.private_jwk;
  if (bent.ath == DpopAth::wrong) tampering.ath = jose::dpop_access_token_hash(token_ + "-another");
  return jose::create_dpop_proof(bent.proof_by_stranger ? stranger_ : key_, request, tampering);
}

http::Fields DpopPresenter::headers(const std::string& method, const std::string& url) const {
  http::Fields headers;
  if (presentation_.scheme != DpopScheme::none) headers.emplace_back("Authorization", to_string(presentation_.scheme) + " " + token_);
  if (presentation_.proof != DpopProof::none) headers.emplace_back("DPoP", proof(method, url));
  return headers;
}

}  // namespace mcph::harness::scenario
