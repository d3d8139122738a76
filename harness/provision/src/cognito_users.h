#pragma once
// The users of a Cognito stack, made through the user pool API as any provisioning script would
// (CreateUserPool, CreateUserPoolClient, AdminCreateUser, AdminSetUserPassword): the pool and its
// app client when the target names none, then each fixture user with a permanent password.
#include <functional>
#include <string>
#include <vector>

#include "mcph/harness/provision/provision.h"

namespace mcph::harness {

struct CognitoProvisioning {
  CognitoPool pool;
  int changes = 0;
};

// Fills each user's id with its sub. `say` gets one line per object made (never a secret).
// Throws std::runtime_error naming the step and Cognito's error.
CognitoProvisioning provision_cognito_users(const ProvisionTarget& target, std::vector<ProvisionedUser>& users,
                                            const std::function<void(const std::string&)>& say);

}  // namespace mcph::harness
