#pragma once
// How a Cognito stack's user pool differs from what provisioning made of it, found by reading
// alone (DescribeUserPool, DescribeUserPoolClient, AdminGetUser): the pool, its app client (the
// flows users sign in with, the secret the stack file holds) and each fixture user (there,
// enabled, with a permanent password).
#include <vector>

#include "mcph/harness/idp/identity_provider.h"

namespace mcph::harness::idp {

// Fills the id of each user found with its sub, for the check of Vault's aliases. Never a
// secret's value in a difference. Throws std::runtime_error when Cognito refuses the reads.
std::vector<provision::Drift> check_cognito_pool(const IdentityProviderSite& site, std::vector<provision::ProvisionedUser>& users);

}  // namespace mcph::harness::idp
