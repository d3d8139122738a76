#include "mcph/harness/stack/profile_provisioning.h"

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/harness/provision/provision.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {

provision::ProvisionOptions provision_options_for(const StackFile& stack, const std::filesystem::path& fixtures_dir) {
  provision::ProvisionOptions options;
  options.fixtures_dir = fixtures_dir;
  options.generated_users = stack.generated_users.value_or(0);
  options.caller_token_servers = caller_token_servers(stack);
  return options;
}

provision::ProvisionResult provision_stack(const StackFile& stack, const provision::ProvisionOptions& options) {
  idp::IdentityProviderSite site = stack.identity_provider_site(options.fixtures_dir);
  return stack.identity_provider().provision(site, provision_target(stack), options);
}

void fit_vault_to_target_profiles(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                                  const std::function<void(const std::string&)>& progress) {
  // Only a provider whose tokens name their audiences has a role that depends on the servers.
  const idp::IdentityProvider& provider = stack.identity_provider();
  if (!provider.scopes_per_mcp_server() || !stack.services.count(provider.service()) || !stack.services.count("vault")) return;
  provision::ProvisionOptions options = provision_options_for(stack, fixtures_dir);
  options.progress = progress;
  const provision::ProvisionTarget target = provision_target(stack);
  if (target.vault_token.empty()) {
    if (!options.caller_token_servers.empty() && progress) {
      progress("stack: " + text::join(options.caller_token_servers) + " log in to Vault with the caller's own token (vault_login caller_token), and the "
               "stack file names no Vault token to let Vault's role user take it: bind the audience of the users' "
               "client in that role by hand, or their calls fail");
    }
    return;
  }
  (void)provision::provision_vault_login_role(target, options, provider.vault_binding(stack.identity_provider_site(fixtures_dir), options));
}

ConfigurationCheck check_stack_configuration(const StackFile& stack, const std::filesystem::path& fixtures_dir) {
  const idp::IdentityProvider& provider = stack.identity_provider();
  if (!stack.services.count(provider.service()) || !stack.services.count("vault")) {
    return {{}, "the stack file names no " + std::string(to_string(stack.idp)) + " and vault"};
  }
  const provision::ProvisionTarget target = provision_target(stack);
  if (target.vault_token.empty()) return {{}, "the stack file names no Vault token to read Vault's configuration with"};
  return {provider.check(stack.identity_provider_site(fixtures_dir), target, provision_options_for(stack, fixtures_dir)), {}};
}

}  // namespace mcph::harness::stack
