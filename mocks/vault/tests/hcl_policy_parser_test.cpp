#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/mock_vault/policy.h"

namespace mcph::mock_vault {
namespace {

using ::testing::HasSubstr;

std::string parse_error(std::string_view text) {
  try {
    parse_policy(text);
  } catch (const PolicyParseError& e) {
    return e.what();
  }
  return "(parsed)";
}

TEST(HclPolicyParser, ParsesPathBlocksWithCommentsInAllThreeStyles) {
  const auto policy = parse_policy(R"(
# the demo's policy
path "secret/data/users/{{identity.entity.name}}/*" {
  capabilities = ["read", "list"]  // trailing comment
}
/* a block
   comment */
path "/database/creds/{{identity.entity.name}}" {
  capabilities = ["read"]
}
path "sys/*" { policy = "deny" }
)");
  ASSERT_EQ(policy.paths.size(), 3u);
  EXPECT_EQ(policy.paths[0].path, "secret/data/users/{{identity.entity.name}}/*");
  EXPECT_EQ(policy.paths[0].capabilities, kRead | kList);
  EXPECT_TRUE(policy.paths[0].templated);
  EXPECT_EQ(policy.paths[1].path, "database/creds/{{identity.entity.name}}") << "leading '/' is stripped";
  EXPECT_EQ(policy.paths[2].capabilities, kDeny);
  EXPECT_FALSE(policy.paths[2].templated);
  EXPECT_TRUE(policy.templated);
}

// Vault strips exactly one leading '/' of a path, however many there are.
TEST(HclPolicyParser, OneLeadingSlashIsStripped) {
  const auto policy = parse_policy(R"(path "/a" { capabilities = ["read"] }
path "//b" { capabilities = ["read"] }
path "///c" { capabilities = ["read"] })");
  ASSERT_EQ(policy.paths.size(), 3u);
  EXPECT_EQ(policy.paths[0].path, "a");
  EXPECT_EQ(policy.paths[1].path, "/b");
  EXPECT_EQ(policy.paths[2].path, "//c");
}

TEST(HclPolicyParser, DenyWipesTheOtherCapabilitiesOfItsBlock) {
  const auto policy = parse_policy(R"(path "a" { capabilities = ["read", "deny", "update"] })");
  EXPECT_EQ(policy.paths.at(0).capabilities, kDeny);
}

TEST(HclPolicyParser, LegacyPolicyValuesMapToCapabilities) {
  const auto policy = parse_policy(R"(
path "r" { policy = "read" }
path "w" { policy = "write" }
path "s" { policy = "sudo" }
)");
  EXPECT_EQ(policy.paths[0].capabilities, kRead | kList);
  EXPECT_EQ(policy.paths[1].capabilities, kCreate | kRead | kUpdate | kDelete | kList);
  EXPECT_EQ(policy.paths[2].capabilities, kCreate | kRead | kUpdate | kDelete | kList | kSudo);
}

TEST(HclPolicyParser, JsonDocumentsParseLikeHcl) {
  const auto policy = parse_policy(R"({"path": {"secret/*": {"capabilities": ["read"]},
                                               "sys/+/x": {"capabilities": ["deny"]}}})");
  ASSERT_EQ(policy.paths.size(), 2u);
  EXPECT_EQ(policy.paths[0].path, "secret/*");
  EXPECT_EQ(policy.paths[0].capabilities, kRead);
  EXPECT_EQ(policy.paths[1].capabilities, kDeny);
}

TEST(HclPolicyParser, ErrorsCarryVaultsPrefixAndHclsPosition) {
  EXPECT_EQ(parse_error("not a valid hcl"),
            "failed to parse policy: At 1:17: key 'not a valid hcl' expected start of object ('{') or "
            "assignment ('=')");
  EXPECT_EQ(parse_error("path \"a\" {\n  capabilities = [\"read\"\n}"),
            "failed to parse policy: At 3:1: error parsing list, expected comma or list end, got: RBRACE");
  EXPECT_EQ(parse_error("path \"a\" { capabilities = [\"read\"] } $"), "failed to parse policy: At 1:38: illegal char");
  EXPECT_EQ(parse_error("path \"a { capabilities = [] }"), "failed to parse policy: At 1:30: literal not terminated");
  EXPECT_EQ(parse_error("/* open"), "failed to parse policy: At 1:8: comment not terminated");
}

TEST(HclPolicyParser, UnknownKeysAreRejectedWithTheirLine) {
  EXPECT_EQ(parse_error("pth \"a\" { capabilities = [\"read\"] }"),
            "failed to parse policy: 1 error occurred:\n\t* invalid key \"pth\" on line 0\n\n");
  EXPECT_EQ(parse_error("path \"a\" {\n  capabilites = [\"read\"]\n}"),
            "failed to parse policy: 1 error occurred:\n\t* path \"a\": invalid key \"capabilites\" on line 2\n\n");
}

TEST(HclPolicyParser, InvalidCapabilityAndPolicyAreNamed) {
  EXPECT_EQ(parse_error(R"(path "a" { capabilities = ["reed"] })"),
            "failed to parse policy: path \"a\": invalid capability \"reed\"");
  EXPECT_EQ(parse_error(R"(path "a" { policy = "all" })"), "failed to parse policy: path \"a\": invalid policy \"all\"");
}

TEST(HclPolicyParser, PlusStarAndUnbalancedTemplatesAreRefused) {
  EXPECT_EQ(parse_error(R"(path "a/+*" { capabilities = ["read"] })"),
            "failed to parse policy: path \"a/+*\": invalid use of wildcards ('+*' is forbidden)");
  EXPECT_EQ(parse_error(R"(path "a/{{identity.entity.name" { capabilities = ["read"] })"),
            "failed to parse policy: failed to validate policy templating: unbalanced templating characters");
  EXPECT_EQ(parse_error(R"(path "a/}}x" { capabilities = ["read"] })"),
            "failed to parse policy: failed to validate policy templating: unbalanced templating characters");
}

TEST(HclPolicyParser, AnAttributeSetTwiceIsAnError) {
  EXPECT_THAT(parse_error("path \"a\" {\n capabilities = [\"read\"]\n capabilities = [\"list\"]\n}"),
              HasSubstr("The argument \"capabilities\" at 3:2 was already set. Each argument can only be defined once"));
}

TEST(HclPolicyParser, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string text = "path \"a\" { x = ";
  for (int i = 0; i < 100000; ++i) text += "{ y = [";
  EXPECT_THAT(parse_error(text), HasSubstr("nesting too deep"));
  EXPECT_THAT(parse_error(R"({"path":)" + std::string(5000, '[')), HasSubstr("nested too deeply"));
}

TEST(HclPolicyParser, EmptyDocumentHasNoPaths) {
  EXPECT_TRUE(parse_policy("# nothing\n").paths.empty());
}

TEST(HclPolicyParser, CapabilityNamesFollowVaultsOrder) {
  EXPECT_EQ(capability_names(kCreate | kRead | kSudo), (std::vector<std::string>{"sudo", "read", "create"}));
  EXPECT_EQ(capability_names(0), std::vector<std::string>{"deny"});
  EXPECT_EQ(capability_names(kDeny), std::vector<std::string>{"deny"});
}

}  // namespace
}  // namespace mcph::mock_vault
