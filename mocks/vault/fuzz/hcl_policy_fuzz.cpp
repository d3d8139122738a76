// Fuzzes the policy parser: the HCL 1 lexer and parser and the JSON form (parse_policy).
//
// Input: the policy text.
// Properties: only PolicyParseError is thrown, with Vault's "failed to parse policy: " prefix;
// a parsed block never has '+*', a deny rule carries nothing but deny, and the
// templated flags agree with the balance check of each path.
#include <cstdint>
#include <string>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/mock_vault/policy.h"
#include "mcph/mock_vault/policy_template.h"

using namespace mcph;
using namespace mcph::mock_vault;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ParsedPolicy policy;
  try {
    policy = parse_policy(fuzz::as_text(data, size));
  } catch (const PolicyParseError& e) {
    fuzz::check(std::string_view(e.what()).substr(0, 23) == "failed to parse policy:",
                "a parse error without Vault's prefix");
    return 0;
  }
  bool any_templated = false;
  for (const auto& block : policy.paths) {
    // Vault strips exactly one leading '/' (vault/policy.go): "//a" is "/a", and "///a" is "//a",
    // so a parsed path may start with "//" (found by CI's fuzz run; the unit test
    // HclPolicyParser.OneLeadingSlashIsStripped holds the rule).
    fuzz::check(block.path.find("+*") == std::string::npos, "a path with '+*' was accepted");
    fuzz::check((block.capabilities & kDeny) == 0 || block.capabilities == kDeny,
                "a deny rule carries other capabilities");
    const auto balance = template_check(block.path);
    fuzz::check(balance != TemplateCheck::unbalanced, "an unbalanced template was accepted");
    fuzz::check(block.templated == (balance == TemplateCheck::templated), "a wrong templated flag");
    any_templated = any_templated || block.templated;
  }
  fuzz::check(policy.templated == any_templated, "the policy's templated flag disagrees with its blocks");
  return 0;
}
