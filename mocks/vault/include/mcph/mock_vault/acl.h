#pragma once
// Vault's ACL (vault/acl.go): rules from several policies merged per path string, then exactly
// one rule decides a request — the exact rule, else the best of the prefix ('*') and segment
// wildcard ('+') rules. Pure and unit-testable.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mcph/mock_vault/policy.h"
#include "mcph/mock_vault/policy_template.h"

namespace mcph::mock_vault {

// A path rule after templating: the path as written, '*' and '+' still in it.
struct AclRule {
  std::string path;
  std::uint32_t capabilities = 0;
};

class Acl {
 public:
  Acl() = default;
  static Acl root();
  // Merges rules with the same path string: capabilities OR-ed, deny wins.
  explicit Acl(const std::vector<AclRule>& rules);

  bool is_root() const { return root_; }
  // The capabilities of the one rule deciding `path` (0 when no rule matches). For list
  // operations Vault also tries the path without its trailing '/'.
  std::uint32_t capabilities(std::string_view path, bool list_operation) const;
  // Whether `capability` (one bit) is granted on `path`; deny and no-match are false.
  bool allows(std::string_view path, std::uint32_t capability, bool list_operation) const;

 private:
  struct WildcardRule {
    std::string path;  // with '+' segments, maybe a trailing '*'
    std::uint32_t capabilities = 0;
  };
  std::uint32_t non_exact(std::string_view path, bool& found) const;

  bool root_ = false;
  std::unordered_map<std::string, std::uint32_t> exact_;
  std::vector<std::pair<std::string, std::uint32_t>> prefix_;  // longest first, '*' stripped
  std::vector<WildcardRule> segment_;
};

// Builds the ACL of a caller from its policies: every block's path is rendered for `identity`
// and a block whose template cannot be resolved is dropped (never widened). A policy named
// "root" makes the ACL root.
struct NamedPolicy {
  std::string name;
  const ParsedPolicy* policy = nullptr;
};
Acl build_acl(const std::vector<NamedPolicy>& policies, const TemplateIdentity& identity, std::int64_t now_unix);

}  // namespace mcph::mock_vault
