#include <gtest/gtest.h>

#include "mcph/mock_vault/acl.h"

namespace mcph::mock_vault {
namespace {

Acl acl_of(std::vector<AclRule> rules) { return Acl(rules); }

TEST(Acl, ExactRuleMatchesOnlyItsPath) {
  const auto acl = acl_of({{"secret/data/a", kRead}});
  EXPECT_TRUE(acl.allows("secret/data/a", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/a", kUpdate, false));
  EXPECT_FALSE(acl.allows("secret/data/ab", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data", kRead, false));
}

TEST(Acl, TrailingStarIsAPrefixGlobAndOnlyThere) {
  const auto acl = acl_of({{"secret/data/users/alice/*", kRead}, {"a*b", kRead}});
  EXPECT_TRUE(acl.allows("secret/data/users/alice/jira", kRead, false));
  EXPECT_TRUE(acl.allows("secret/data/users/alice/deep/er", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/users/alicex/jira", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/users/bob/jira", kRead, false));
  EXPECT_TRUE(acl.allows("a*b", kRead, false)) << "'*' not at the end is a literal";
  EXPECT_FALSE(acl.allows("axxb", kRead, false));
}

TEST(Acl, PlusMatchesExactlyOneSegment) {
  const auto acl = acl_of({{"secret/+/team", kRead}, {"kv/+/x/*", kList}});
  EXPECT_TRUE(acl.allows("secret/a/team", kRead, false));
  EXPECT_FALSE(acl.allows("secret/a/b/team", kRead, false));
  EXPECT_FALSE(acl.allows("secret/team", kRead, false));
  EXPECT_FALSE(acl.allows("secret/a/team/more", kRead, false));
  EXPECT_TRUE(acl.allows("kv/q/x/anything/below", kList, false));
  EXPECT_FALSE(acl.allows("kv/q/y/anything", kList, false));
}

TEST(Acl, DenyWinsWhenPoliciesShareAPath) {
  const auto acl = acl_of({{"secret/*", kRead | kList}, {"secret/*", kDeny}, {"secret/*", kUpdate}});
  EXPECT_FALSE(acl.allows("secret/x", kRead, false));
  EXPECT_EQ(acl.capabilities("secret/x", false), kDeny);
}

TEST(Acl, SamePathCapabilitiesAreMerged) {
  const auto acl = acl_of({{"secret/x", kRead}, {"secret/x", kUpdate}});
  EXPECT_EQ(acl.capabilities("secret/x", false), kRead | kUpdate);
}

TEST(Acl, ExactRuleBeatsAnyGlobAndOnlyOneRuleDecides) {
  // The exact rule grants only read; the broader glob's update does not add to it.
  const auto acl = acl_of({{"secret/data/a", kRead}, {"secret/*", kRead | kUpdate}});
  EXPECT_TRUE(acl.allows("secret/data/a", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/a", kUpdate, false));
  EXPECT_TRUE(acl.allows("secret/data/b", kUpdate, false));
}

TEST(Acl, ExactDenyBeatsGlobGrant) {
  const auto acl = acl_of({{"secret/data/admin", kDeny}, {"secret/data/*", kRead}});
  EXPECT_FALSE(acl.allows("secret/data/admin", kRead, false));
  EXPECT_TRUE(acl.allows("secret/data/admin2", kRead, false));
}

TEST(Acl, LongestPrefixWins) {
  const auto acl = acl_of({{"secret/*", kRead}, {"secret/data/private/*", kDeny}});
  EXPECT_TRUE(acl.allows("secret/data/public", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/private/x", kRead, false));
}

TEST(Acl, WildcardPriorityFollowsVault) {
  // Later first wildcard wins: foo/bar/+/baz over foo/+/bar/baz.
  auto acl = acl_of({{"foo/+/bar/baz", kRead}, {"foo/bar/+/baz", kUpdate}});
  EXPECT_EQ(acl.capabilities("foo/bar/bar/baz", false), kUpdate);
  // A non-glob '+' rule beats a prefix rule at the same position: foo/+ over foo/*.
  acl = acl_of({{"foo/*", kRead}, {"foo/+", kUpdate}});
  EXPECT_EQ(acl.capabilities("foo/x", false), kUpdate);
  EXPECT_EQ(acl.capabilities("foo/x/y", false), kRead);
  // Fewer '+' segments win: foo/bar/+/baz over foo/+/+/baz... with the same first '+'.
  acl = acl_of({{"foo/+/+/baz", kRead}, {"foo/+/x/baz", kUpdate}});
  EXPECT_EQ(acl.capabilities("foo/a/x/baz", false), kUpdate);
  // Longer pattern wins: foo/+/bar/ba* over foo/+/bar/b*.
  acl = acl_of({{"foo/+/bar/b*", kRead}, {"foo/+/bar/ba*", kUpdate}});
  EXPECT_EQ(acl.capabilities("foo/q/bar/bazz", false), kUpdate);
  // A glob whose '*' comes after the first '+' of another rule wins: foo/a* over foo/+.
  acl = acl_of({{"foo/+", kRead}, {"foo/a*", kUpdate}});
  EXPECT_EQ(acl.capabilities("foo/abc", false), kUpdate);
}

TEST(Acl, ListAlsoTriesThePathWithoutTrailingSlash) {
  const auto acl = acl_of({{"secret/metadata/users", kList}});
  EXPECT_TRUE(acl.allows("secret/metadata/users/", kList, true));
  EXPECT_FALSE(acl.allows("secret/metadata/users/", kList, false));
}

TEST(Acl, NoMatchingRuleDenies) {
  const auto acl = acl_of({{"a/*", kRead}});
  EXPECT_EQ(acl.capabilities("b", false), 0u);
  EXPECT_FALSE(acl.allows("b", kRead, false));
}

TEST(Acl, RootAllowsEverything) {
  EXPECT_TRUE(Acl::root().allows("sys/anything", kSudo, false));
}

TEST(Acl, BuildDropsTemplatedBlocksThatCannotResolveButKeepsTheRest) {
  const ParsedPolicy policy = parse_policy(R"(
path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read"] }
path "secret/data/team/{{identity.entity.metadata.team}}/*" { capabilities = ["read"] }
path "secret/data/shared/*" { capabilities = ["read"] }
)");
  TemplateIdentity identity;
  identity.entity = TemplateEntity{"e-1", "alice", {}, {}};
  const Acl acl = build_acl({{"user-secrets", &policy}}, identity, 0);
  EXPECT_TRUE(acl.allows("secret/data/users/alice/jira", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/users/bob/jira", kRead, false));
  EXPECT_FALSE(acl.allows("secret/data/team/x/y", kRead, false)) << "no metadata: block dropped, not widened";
  EXPECT_FALSE(acl.allows("secret/data/team//y", kRead, false));
  EXPECT_TRUE(acl.allows("secret/data/shared/doc", kRead, false));

  const Acl no_entity = build_acl({{"user-secrets", &policy}}, TemplateIdentity{}, 0);
  EXPECT_FALSE(no_entity.allows("secret/data/users//x", kRead, false));
  EXPECT_TRUE(no_entity.allows("secret/data/shared/doc", kRead, false));
}

TEST(Acl, RootPolicyMakesARootAcl) {
  EXPECT_TRUE(build_acl({{"root", nullptr}}, TemplateIdentity{}, 0).is_root());
}

}  // namespace
}  // namespace mcph::mock_vault
