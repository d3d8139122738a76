#pragma once
// `run` on a stack it did not start: the configuration the suites depend on (Vault's role,
// policy, entities and aliases, secrets and database roles; Keycloak's realm, clients and users)
// read and compared with what `up` provisions from the fixtures. Every difference is a failure of
// its own suite in the reports, so a stack misconfigured between `up` and `run` is never tested
// as if it were right, and nothing is repaired.
#include <filesystem>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/reports/model.h"

namespace mcph::harness::cli {

inline constexpr const char* kConfigurationSuite = "stack_configuration";

// The suite kConfigurationSuite with one scenario: passed when nothing drifted, failed with
// one failure per drift, skipped saying why when the stack file gives no way to read the
// configuration, an error when a service did not answer.
reports::SuiteResult check_configuration(const stack::StackFile& stack, const std::filesystem::path& fixtures_dir);

}  // namespace mcph::harness::cli
