// Fuzzes ACL path matching and identity templating: a policy is parsed, rendered for an
// identity built from the input and turned into an ACL (build_acl), which then decides a path.
//
// Input: parts separated by a line "--":
//   policy text (HCL or JSON) -- request path -- entity name -- a metadata value -- a group name
// The first byte of the request path part, when it is '!', makes it a list operation.
//
// Properties: rendering never throws and never adds a '*' or '+' the template did not have
// (a value cannot widen a rule); the ACL never grants a capability no rule holds; an exact
// rule decides its own path; allows() agrees with capabilities() and deny.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/mock_vault/acl.h"
#include "mcph/mock_vault/policy.h"
#include "mcph/mock_vault/policy_template.h"

using namespace mcph;
using namespace mcph::mock_vault;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;

TemplateIdentity identity_from(std::string_view name, std::string_view value, std::string_view group) {
  TemplateEntity entity;
  entity.id = "entity-1";
  entity.name = std::string(name);
  entity.metadata = {{"team", std::string(value)}, {"role", "dev"}};
  entity.aliases.push_back(TemplateAlias{"alias-1", std::string(name), "auth_jwt_0d1f",
                                         {{"sub", std::string(value)}}, {{"tier", std::string(value)}}});
  TemplateIdentity identity;
  identity.entity = entity;
  identity.groups.push_back(TemplateGroup{"group-1", std::string(group), {{"floor", std::string(value)}}});
  return identity;
}

std::size_t globs(std::string_view text) {
  return std::count(text.begin(), text.end(), '*') + std::count(text.begin(), text.end(), '+');
}

std::string without_leading_slashes(std::string path) {
  path.erase(0, path.find_first_not_of('/') == std::string::npos ? path.size() : path.find_first_not_of('/'));
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = fuzz::split_parts(fuzz::as_text(data, size), "\n--\n", 5);
  std::string_view path = fuzz::part_or_empty(parts, 1);
  const bool list_operation = !path.empty() && path.front() == '!';
  if (list_operation) path.remove_prefix(1);
  const auto identity = identity_from(fuzz::part_or_empty(parts, 2), fuzz::part_or_empty(parts, 3),
                                      fuzz::part_or_empty(parts, 4));

  // The request path is also a template: rendering any text must be safe.
  (void)template_check(path);
  if (const auto rendered = render_template(path, identity, kNow)) {
    fuzz::check(globs(*rendered) <= globs(path), "rendering added a wildcard");
  }

  ParsedPolicy policy;
  try {
    policy = parse_policy(parts[0]);
  } catch (const PolicyParseError&) {
    return 0;
  }
  // The rules as build_acl should make them, merged per path (deny wins).
  std::map<std::string, std::uint32_t> rules;
  for (const auto& block : policy.paths) {
    std::string rule = block.path;  // the parser already took one leading '/' off
    if (block.templated) {
      const auto rendered = render_template(block.path, identity, kNow);
      if (!rendered) continue;  // unresolvable: the block is dropped
      fuzz::check(globs(*rendered) <= globs(block.path), "rendering widened a rule");
      rule = without_leading_slashes(*rendered);
    }
    auto [it, inserted] = rules.emplace(rule, block.capabilities);
    if (!inserted) it->second = ((it->second | block.capabilities) & kDeny) ? kDeny : (it->second | block.capabilities);
  }

  const Acl acl = build_acl({{"fuzzed", &policy}}, identity, kNow);
  const std::uint32_t decided = acl.capabilities(path, list_operation);
  if (decided != 0) {
    const bool held_by_a_rule = std::any_of(rules.begin(), rules.end(),
                                            [decided](const auto& rule) { return rule.second == decided; });
    fuzz::check(held_by_a_rule, "the ACL granted capabilities no rule holds");
  }
  const auto exact = rules.find(without_leading_slashes(std::string(path)));
  if (exact != rules.end() && globs(exact->first) == 0) {
    fuzz::check(decided == exact->second, "an exact rule did not decide its own path");
  }
  for (std::uint32_t bit = kCreate; bit <= kRecover; bit <<= 1) {
    const bool expected = (decided & kDeny) == 0 && (decided & bit) != 0;
    fuzz::check(acl.allows(path, bit, list_operation) == expected, "allows() disagrees with capabilities()");
  }
  return 0;
}
