#pragma once
// ACL policy documents: the capabilities and the parsed form of a policy (HCL or JSON), as
// Vault's vault/policy.go reads them. Pure: no I/O, no global state.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mock_vault {

// Capability bits (vault/policy.go). deny wipes every other bit of the same rule.
enum Capability : std::uint32_t {
  kDeny = 1u << 0,
  kCreate = 1u << 1,
  kRead = 1u << 2,
  kUpdate = 1u << 3,
  kDelete = 1u << 4,
  kList = 1u << 5,
  kSudo = 1u << 6,
  kPatch = 1u << 7,
  kSubscribe = 1u << 8,
  kRecover = 1u << 9,
};

std::optional<std::uint32_t> capability_from_name(std::string_view name);
// Names in Vault's display order (sudo, read, list, update, delete, create, patch, ...);
// {"deny"} when the bitmap is empty or denies.
std::vector<std::string> capability_names(std::uint32_t bits);

// One `path "…" { … }` block. `path` is as written (leading '/' removed), so it may still hold
// {{identity…}} directives and a trailing '*'.
struct PathBlock {
  std::string path;
  std::uint32_t capabilities = 0;
  bool templated = false;
};

struct ParsedPolicy {
  std::vector<PathBlock> paths;
  bool templated = false;  // any block uses {{…}}
};

// what() is Vault's complete message, e.g.
//   failed to parse policy: At 2:3: key 'capabilities' expected start of object ('{') or assignment ('=')
class PolicyParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses HCL (the subset Vault policies use: `path "…" { capabilities = [...] }`, the legacy
// `policy = "read"`, comments, `name`) or the equivalent JSON document. Parameter constraints
// (allowed_parameters, …) are accepted and ignored. Throws PolicyParseError.
ParsedPolicy parse_policy(std::string_view text);

}  // namespace mcph::mock_vault
