#pragma once
// An attacker's token: one the realm issued, with its header and claims edited, and signed some
// other way (or not at all) — the raw material of the JWT attack scenarios. Private to the runner.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/forge_signing.h"
#include "mcph/jose/key.h"

namespace mcph::harness::scenario {


struct ForgeSpec {
  nlohmann::json header = nlohmann::json::object();  // fields to set; null removes one
  nlohmann::json claims = nlohmann::json::object();  // claims to set; null removes one
  std::string payload_text;  // the payload's JSON text as written (replaces claims)
  ForgeSigning sign = ForgeSigning::keep;
  std::string realm_key_kid;
  int pad_bytes = 0;         // a "pad" claim this long
  std::string encoding;      // "", padded (base64url with '='), standard (base64 with + / =)
};

// The harness's key for sign: realm_key, made once per process; the realm is given its public
// half (KeycloakAdmin::add_verification_key) before a token is signed with it.
const jose::Key& harness_realm_key();

// The fields of `changes` set on `target` (a JWT's header or claims): null removes one.
void set_fields(nlohmann::json& target, const nlohmann::json& changes);

// Throws std::runtime_error when `token` is not a JWT or the realm's key cannot be had.
// realm_jwks: the realm's JWKS document (for hs256_realm_public).
std::string forge_token(const std::string& token, const ForgeSpec& spec, const std::string& realm_jwks);

}  // namespace mcph::harness::scenario
