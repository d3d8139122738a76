#include "configuration_check.h"

#include <chrono>
#include <stdexcept>

#include "mcph/harness/stack/profile_provisioning.h"
#include "mcph/sync/elapsed.h"

namespace mcph::harness::cli {

reports::SuiteResult check_configuration(const stack::StackFile& stack, const std::filesystem::path& fixtures_dir) {
  using Status = reports::ScenarioResult::Status;
  reports::SuiteResult suite;
  suite.name = kConfigurationSuite;
  suite.family = "stack configuration";
  reports::ScenarioResult result;
  result.name = "the stack is configured as its fixtures describe";
  result.description = "Vault's role, policy, entities, aliases, secrets and database roles, Keycloak's realm, clients "
                       "and users (on a Cognito stack: the user pool, its app client and users), read and compared "
                       "with what `mcp-harness up` provisions; nothing is written.";
  const auto started = sync::SteadyClock::now();
  try {
    const stack::ConfigurationCheck check = stack::check_stack_configuration(stack, fixtures_dir);
    if (!check.not_checked.empty()) {
      result.status = Status::skipped;
      result.message = "not checked: " + check.not_checked;
    }
    for (const auto& drift : check.drifts) {
      result.status = Status::failed;
      result.failures.push_back({drift.object, "as the fixtures describe it", drift.difference});
      const std::string server = drift.object.starts_with("Keycloak")  ? "keycloak"
                                 : drift.object.starts_with("Cognito") ? "cognito"
                                 : drift.object.starts_with("OIDC")    ? "oidc"
                                                                       : "vault";
      result.findings.push_back({server, "stack-drifted-from-fixtures", "the stack drifted from its fixtures", drift.object,
                                 drift.object + ": " + drift.difference, {}, {}, {}});
    }
    if (!check.drifts.empty()) {
      result.message = std::to_string(check.drifts.size()) +
                       " difference(s) from the fixtures; `run` repairs nothing (--provision only creates what is "
                       "missing): fix the stack, or bring it up again";
    }
  } catch (const std::runtime_error& e) {
    result.status = Status::error;
    result.message = e.what();
  }
  result.seconds = sync::ms_since(started) / 1000.0;
  suite.scenarios.push_back(std::move(result));
  return suite;
}

}  // namespace mcph::harness::cli
