#pragma once
// A provisioned stack's Vault made to fit the target profiles its stack file names (`run
// --provision`), and a stack's configuration checked against its fixtures (every `run`): a stack
// brought up for the reference servers, then pointed at a user's own servers
// (docs/target-profiles.md). Vault's role user binds the users' clients' audience exactly while some MCP server
// of the stack file logs in with its caller's own token (vault_login caller_token), and Vault's
// own audience alone otherwise (provision_vault_login_role). Idempotent: one read of the role
// when it fits already.
#include <filesystem>
#include <functional>
#include <string>

#include "mcph/harness/provision/provision.h"
#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {

// What `up` provisions for a stack file: the fixtures, its generated users, and Vault's role as
// the target profiles it names need it.
provision::ProvisionOptions provision_options_for(const StackFile& stack, const std::filesystem::path& fixtures_dir);

// What `up` provisions, done on a stack file's services: its identity provider's users, then
// Vault (IdentityProvider::provision). Throws std::runtime_error naming the step.
provision::ProvisionResult provision_stack(const StackFile& stack, const provision::ProvisionOptions& options);

// Does nothing for a stack file without vault, or whose identity provider's tokens name no
// audience (a Cognito pool's), or that names no entry of it; says (through `progress`) that the
// role must be changed by hand when the file has no Vault root token ("token") and some server
// needs it. Throws std::runtime_error when Vault refuses or does not answer.
void fit_vault_to_target_profiles(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                                  const std::function<void(const std::string&)>& progress);

// The stack's configuration read and compared with what `up` provisions for its fixtures, its
// generated users and the target profiles its stack file names (IdentityProvider::check): the
// drifts, or, in `not_checked`, why it could not be read (no identity provider or Vault in the file, no
// Vault token). Writes nothing. Throws std::runtime_error when a service refuses or is down.
struct ConfigurationCheck {
  std::vector<provision::Drift> drifts;
  std::string not_checked;
};
ConfigurationCheck check_stack_configuration(const StackFile& stack, const std::filesystem::path& fixtures_dir);

}  // namespace mcph::harness::stack
