#pragma once
// The expectations of an `oauth` step (the authorization-server family), on what it saw
// (oauth_outcome.h). Each says what it found wrong, never a secret.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "expectation_kinds.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

// The words of a space-separated scope ("read list" → read, list).
std::vector<std::string> scope_words(const std::string& scope);

// token_error: CODE or [CODE, …] — RFC 6749 §5.2: a JSON body with this `error` (one of them),
// `Cache-Control: no-store`, 400; for invalid_client 401 with a `WWW-Authenticate` challenge when
// the client used Basic (400 or 401 otherwise, a 401 always with a challenge).
reports::Check check_token_error(const nlohmann::json& want, const StepOutcome& outcome);
// token_claims: [iss, client, aud, exp, iat, jti, lifetime, scope] — the issued token's.
reports::Check check_token_claims(const nlohmann::json& want, const StepOutcome& outcome);
// scope_within_client: true — invalid_scope, or a token whose scope is within the client's.
reports::Check check_scope_within_client(const nlohmann::json& want, const StepOutcome& outcome);
// jwks_public_only: true — a non-empty JWKS of public keys alone.
reports::Check check_jwks_public_only(const nlohmann::json& want, const StepOutcome& outcome);
// metadata_consistent: true — the metadata names the issuer it was fetched under, the token
// endpoint the profile uses, a jwks_uri that resolves, and the OpenID configuration agrees.
reports::Check check_metadata_consistent(const nlohmann::json& want, const StepOutcome& outcome);
// auth_methods_work: true — every advertised method the harness can present got a token.
reports::Check check_auth_methods_work(const nlohmann::json& want, const StepOutcome& outcome);
// forged_tokens_refused: true — the target refused every forged token (401 or 403).
reports::Check check_forged_tokens_refused(const nlohmann::json& want, const StepOutcome& outcome);

}  // namespace mcph::harness::scenario
