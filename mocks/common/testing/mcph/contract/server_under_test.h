#pragma once
// Which server a stand-in's contract suite runs against. By default the suite spawns the
// stand-in itself. MCPH_STACK_FILE names a stack file instead (the ctest `real` fixture brings up
// the real Keycloak and Vault with `mcp-harness up --mode real` and writes one), and the suite
// runs unchanged against the service it names there. The scenario suites use the skip as well.
#include <map>
#include <optional>
#include <string>

namespace mcph::contract {

struct ServiceUnderTest {
  std::string url;
  std::map<std::string, std::string> fields;  // the stack file's other string keys (token, admin_user, …)
  std::string field(const std::string& key, const std::string& fallback) const;
};

// The entry of `service` in MCPH_STACK_FILE; nullopt when MCPH_STACK_FILE is not set. Throws
// std::runtime_error when the file cannot be read or has no such service.
std::optional<ServiceUnderTest> service_from_stack_file(const std::string& service);

// Registers a GoogleTest environment that skips every test of the program, saying why, when
// MCPH_STACK_FILE names a file that does not exist: the `real` fixture was skipped because the
// real tier is not installed. Call from a static initializer of the suite.
bool skip_all_when_the_stack_file_is_missing();

}  // namespace mcph::contract
