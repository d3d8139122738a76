// The identity store: entities and aliases by id and by name, lists, lookups, groups.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_support.h"

namespace mcph::mock_vault::contract {
namespace {

using ::testing::Contains;

class Identity : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_.post("/v1/sys/auth/" + mount_, Json{{"type", "jwt"}});
    accessor_ = vault_.get("/v1/sys/auth").body["data"][mount_ + "/"]["accessor"];
  }
  VaultUnderTest vault_;
  std::string mount_ = "idp-" + random_suffix();
  std::string accessor_;
};

TEST_F(Identity, EntityLifecycleByIdAndByName) {
  const std::string name = "dora-" + random_suffix();
  Reply created = vault_.post("/v1/identity/entity", Json{{"name", name}, {"metadata", {{"team", "blue"}}}, {"policies", {"p1"}}});
  ASSERT_EQ(created.status, 200) << created.text;
  EXPECT_EQ(created.body["data"]["name"], name);
  EXPECT_TRUE(created.body["data"]["aliases"].is_null());
  const std::string id = created.body["data"]["id"];

  EXPECT_EQ(vault_.post("/v1/identity/entity", Json{{"name", name}, {"policies", {"p2"}}}).status, 204)
      << "an existing name is an update";
  Reply by_name = vault_.get("/v1/identity/entity/name/" + name);
  ASSERT_EQ(by_name.status, 200);
  const Json& data = by_name.body["data"];
  EXPECT_EQ(data["id"], id);
  EXPECT_EQ(data["policies"], (Json{"p2"}));
  EXPECT_EQ(data["metadata"], (Json{{"team", "blue"}}));
  EXPECT_EQ(data["disabled"], false);
  EXPECT_EQ(data["namespace_id"], "root");
  for (const char* key : {"creation_time", "last_update_time", "aliases", "direct_group_ids", "group_ids",
                          "inherited_group_ids", "merged_entity_ids"}) {
    EXPECT_TRUE(data.contains(key)) << key;
  }
  EXPECT_EQ(vault_.post("/v1/identity/entity/id/" + id, Json{{"metadata", {{"team", "red"}}}}).status, 204);
  EXPECT_EQ(vault_.get("/v1/identity/entity/id/" + id).body["data"]["metadata"]["team"], "red");

  Reply ids = vault_.list("/v1/identity/entity/id");
  ASSERT_EQ(ids.status, 200);
  EXPECT_THAT(ids.body["data"]["keys"].get<std::vector<std::string>>(), Contains(id));
  EXPECT_EQ(ids.body["data"]["key_info"][id]["name"], name);
  EXPECT_THAT(vault_.list("/v1/identity/entity/name").body["data"]["keys"].get<std::vector<std::string>>(), Contains(name));

  Reply root = vault_.post("/v1/identity/entity", Json{{"name", name}, {"policies", {"root"}}});
  EXPECT_EQ(root.status, 400);
  EXPECT_EQ(root.error(), "policies cannot contain root");

  EXPECT_EQ(vault_.del("/v1/identity/entity/name/" + name).status, 204);
  Reply gone = vault_.get("/v1/identity/entity/id/" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, (Json{{"errors", Json::array()}}));
  EXPECT_EQ(vault_.del("/v1/identity/entity/id/" + id).status, 204) << "deleting nothing succeeds";
}

TEST_F(Identity, AliasLifecycle) {
  const std::string entity = vault_.post("/v1/identity/entity", Json{{"name", "eve-" + random_suffix()}}).body["data"]["id"];
  Reply bad = vault_.post("/v1/identity/entity-alias", Json{{"name", "x"}, {"canonical_id", entity}, {"mount_accessor", "auth_jwt_00000000"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error(), "invalid mount accessor \"auth_jwt_00000000\"");

  Reply alias = vault_.post("/v1/identity/entity-alias", Json{{"name", "sub-1"}, {"canonical_id", entity}, {"mount_accessor", accessor_}});
  ASSERT_EQ(alias.status, 200) << alias.text;
  const std::string alias_id = alias.body["data"]["id"];
  EXPECT_EQ(alias.body["data"]["canonical_id"], entity);
  Reply second = vault_.post("/v1/identity/entity-alias", Json{{"name", "sub-2"}, {"canonical_id", entity}, {"mount_accessor", accessor_}});
  EXPECT_EQ(second.status, 400);
  EXPECT_EQ(second.error(), "Alias already exists for requested entity and mount accessor");

  Reply read = vault_.get("/v1/identity/entity-alias/id/" + alias_id);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["data"]["name"], "sub-1");
  EXPECT_EQ(read.body["data"]["mount_path"], "auth/" + mount_ + "/");
  EXPECT_EQ(read.body["data"]["mount_type"], "jwt");

  ASSERT_EQ(vault_.post("/v1/identity/entity-alias/id/" + alias_id, Json{{"name", "sub-renamed"}}).status, 200);
  EXPECT_EQ(vault_.get("/v1/identity/entity-alias/id/" + alias_id).body["data"]["name"], "sub-renamed");
  Reply list = vault_.list("/v1/identity/entity-alias/id");
  EXPECT_EQ(list.body["data"]["key_info"][alias_id]["canonical_id"], entity);

  Reply lookup = vault_.post("/v1/identity/lookup/entity", Json{{"alias_name", "sub-renamed"}, {"alias_mount_accessor", accessor_}});
  ASSERT_EQ(lookup.status, 200) << lookup.text;
  EXPECT_EQ(lookup.body["data"]["id"], entity);
  EXPECT_EQ(vault_.post("/v1/identity/lookup/entity", Json{{"name", "nobody-" + random_suffix()}}).status, 204);

  EXPECT_EQ(vault_.del("/v1/identity/entity-alias/id/" + alias_id).status, 204);
  EXPECT_EQ(vault_.get("/v1/identity/entity-alias/id/" + alias_id).status, 404);
  EXPECT_TRUE(vault_.get("/v1/identity/entity/id/" + entity).body["data"]["aliases"].empty());
}

TEST_F(Identity, GroupsAndGroupAliases) {
  const std::string entity = vault_.post("/v1/identity/entity", Json{{"name", "fay-" + random_suffix()}}).body["data"]["id"];
  const std::string group_name = "team-" + random_suffix();
  Reply group = vault_.post("/v1/identity/group", Json{{"name", group_name}, {"member_entity_ids", {entity}}, {"policies", {"gp"}}});
  ASSERT_EQ(group.status, 200) << group.text;
  const std::string group_id = group.body["data"]["id"];
  EXPECT_THAT(vault_.get("/v1/identity/entity/id/" + entity).body["data"]["direct_group_ids"].get<std::vector<std::string>>(),
              Contains(group_id));
  Reply by_name = vault_.get("/v1/identity/group/name/" + group_name);
  EXPECT_EQ(by_name.body["data"]["type"], "internal");
  EXPECT_EQ(by_name.body["data"]["member_entity_ids"], (Json{entity}));

  Reply internal_alias = vault_.post("/v1/identity/group-alias", Json{{"name", "g"}, {"mount_accessor", accessor_}, {"canonical_id", group_id}});
  EXPECT_EQ(internal_alias.status, 400);
  EXPECT_EQ(internal_alias.error(), "alias can't be set on an internal group");

  const std::string external = vault_.post("/v1/identity/group", Json{{"name", "ext-" + random_suffix()}, {"type", "external"}}).body["data"]["id"];
  Reply alias = vault_.post("/v1/identity/group-alias", Json{{"name", "g"}, {"mount_accessor", accessor_}, {"canonical_id", external}});
  ASSERT_EQ(alias.status, 200) << alias.text;
  EXPECT_EQ(vault_.get("/v1/identity/group/id/" + external).body["data"]["alias"]["name"], "g");
  EXPECT_EQ(vault_.del("/v1/identity/group/id/" + group_id).status, 204);
  EXPECT_EQ(vault_.get("/v1/identity/group/id/" + group_id).status, 404);
}

}  // namespace
}  // namespace mcph::mock_vault::contract
