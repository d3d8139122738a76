#include <gtest/gtest.h>

#include "mcph/mock_vault/policy_template.h"

namespace mcph::mock_vault {
namespace {

TemplateIdentity alice() {
  TemplateIdentity identity;
  TemplateEntity entity;
  entity.id = "e-1";
  entity.name = "alice";
  entity.metadata = {{"team", "blue"}};
  entity.aliases.push_back(TemplateAlias{"a-1", "0b5c-uuid", "auth_jwt_1234abcd", {{"role", "user"}}, {}});
  identity.entity = entity;
  identity.groups.push_back(TemplateGroup{"g-1", "engineers", {{"floor", "3"}}});
  return identity;
}

TEST(PolicyTemplate, RendersEntityAliasAndGroupDirectives) {
  const auto identity = alice();
  EXPECT_EQ(render_template("secret/data/users/{{identity.entity.name}}/*", identity, 0),
            "secret/data/users/alice/*");
  EXPECT_EQ(render_template("k/{{ identity.entity.id }}", identity, 0), "k/e-1");
  EXPECT_EQ(render_template("k/{{identity.entity.metadata.team}}", identity, 0), "k/blue");
  EXPECT_EQ(render_template("k/{{identity.entity.aliases.auth_jwt_1234abcd.name}}", identity, 0), "k/0b5c-uuid");
  EXPECT_EQ(render_template("k/{{identity.entity.aliases.auth_jwt_1234abcd.metadata.role}}", identity, 0), "k/user");
  EXPECT_EQ(render_template("k/{{identity.groups.names.engineers.id}}", identity, 0), "k/g-1");
  EXPECT_EQ(render_template("k/{{identity.groups.ids.g-1.metadata.floor}}", identity, 0), "k/3");
  EXPECT_EQ(render_template("plain/path", identity, 0), "plain/path");
  EXPECT_EQ(render_template("t/{{time.now.plus.1h}}", identity, 100), "t/3700");
}

TEST(PolicyTemplate, UnresolvableDirectivesGiveNothing) {
  const auto identity = alice();
  EXPECT_FALSE(render_template("k/{{identity.entity.metadata.missing}}", identity, 0));
  EXPECT_FALSE(render_template("k/{{identity.entity.aliases.auth_other_1.name}}", identity, 0));
  EXPECT_FALSE(render_template("k/{{identity.groups.names.admins.id}}", identity, 0));
  EXPECT_FALSE(render_template("k/{{identity.entity.groups.names}}", identity, 0)) << "lists are unusable";
  EXPECT_FALSE(render_template("k/{{identity.entity.bogus}}", identity, 0));
  EXPECT_FALSE(render_template("k/{{identity.entity.name}}", TemplateIdentity{}, 0)) << "no entity";
}

TEST(PolicyTemplate, ValuesWithGlobsAreRefusedSoARuleCannotWiden) {
  auto identity = alice();
  identity.entity->name = "*";
  EXPECT_FALSE(render_template("secret/data/users/{{identity.entity.name}}/*", identity, 0));
  identity.entity->name = "a+b";
  EXPECT_FALSE(render_template("secret/data/users/{{identity.entity.name}}/*", identity, 0));
}

TEST(PolicyTemplate, BalanceCheck) {
  EXPECT_EQ(template_check("a/b"), TemplateCheck::plain);
  EXPECT_EQ(template_check("a/{{x}}/{{y}}"), TemplateCheck::templated);
  EXPECT_EQ(template_check("a/{{x"), TemplateCheck::unbalanced);
  EXPECT_EQ(template_check("a/x}}"), TemplateCheck::unbalanced);
  EXPECT_EQ(template_check("a/{{x}}}}"), TemplateCheck::unbalanced);
}

}  // namespace
}  // namespace mcph::mock_vault
