#pragma once
// The token actions of a Cognito stack (docs/modes.md#the-identity-provider), through the user
// pool API as a client or an attacker with an AWS account would: the caller's tokens from
// another pool or another app client, a sign-out, and sign-ins that must be refused.
#include <string>

#include "../step_executor.h"
#include "step_kind.h"

namespace mcph::harness::scenario {

// Whether `action` is one of the actions below.
bool is_cognito_token_action(TokenAction action);

// `other_pool` (the caller signed in to a new pool of the same Cognito, its own keys and issuer),
// `other_client` (signed in through a new app client of the stack's pool: its client_id is on no
// server's list), `sign_out` (GlobalSignOut with the held token: its refresh token stops
// working, the access token still verifies until it expires), `wrong_password` and
// `wrong_secret_hash` (sign-ins Cognito must refuse: oauth_error is its __type). Throws
// std::runtime_error on a stack whose identity provider is not Cognito.
void run_cognito_token(const TokenStep& step, StepRun& run);

}  // namespace mcph::harness::scenario
