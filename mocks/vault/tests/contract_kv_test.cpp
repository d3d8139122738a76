// KV version 2 at secret/: versions, check-and-set, delete/undelete/destroy, metadata.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_support.h"

namespace mcph::mock_vault::contract {
namespace {

class KvV2 : public ::testing::Test {
 protected:
  std::string key_ = "kv-" + random_suffix();
  std::string data_path() const { return "/v1/secret/data/" + key_; }
  Reply write(const Json& data, std::optional<int> cas = std::nullopt) {
    Json body{{"data", data}};
    if (cas) body["options"] = {{"cas", *cas}};
    return vault_.post(data_path(), body);
  }
  VaultUnderTest vault_;
};

TEST_F(KvV2, WritesCreateVersionsAndReadsPickThem) {
  Reply first = write({{"password", "one"}});
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["data"]["version"], 1);
  EXPECT_EQ(first.body["data"]["deletion_time"], "");
  EXPECT_EQ(first.body["data"]["destroyed"], false);
  EXPECT_TRUE(first.body["data"]["custom_metadata"].is_null());
  ASSERT_EQ(write({{"password", "two"}}).body["data"]["version"], 2);

  Reply latest = vault_.get(data_path());
  EXPECT_EQ(latest.body["data"]["data"], (Json{{"password", "two"}}));
  EXPECT_EQ(latest.body["data"]["metadata"]["version"], 2);
  Reply old = vault_.get(data_path() + "?version=1");
  EXPECT_EQ(old.body["data"]["data"], (Json{{"password", "one"}}));
  EXPECT_EQ(vault_.get(data_path() + "?version=7").status, 404);
}

TEST_F(KvV2, CheckAndSet) {
  Reply created = write({{"a", "1"}}, 0);
  ASSERT_EQ(created.status, 200) << "cas 0 creates a new key";
  Reply stale = write({{"a", "2"}}, 0);
  EXPECT_EQ(stale.status, 400);
  EXPECT_EQ(stale.body, (Json{{"errors", {"check-and-set parameter did not match the current version"}}}));
  EXPECT_EQ(write({{"a", "2"}}, 1).status, 200);
  EXPECT_EQ(write({{"a", "3"}}, 1).status, 400);

  ASSERT_EQ(vault_.post("/v1/secret/metadata/" + key_, Json{{"cas_required", true}}).status, 204);
  Reply required = write({{"a", "4"}});
  EXPECT_EQ(required.status, 400);
  EXPECT_EQ(required.error(), "check-and-set parameter required for this call");
  EXPECT_EQ(write({{"a", "4"}}, 2).status, 200);
}

TEST_F(KvV2, MissingDataIsA400) {
  Reply reply = vault_.post(data_path(), Json{{"options", {{"cas", 0}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "no data provided");
}

TEST_F(KvV2, NeverWrittenIs404WithAnEmptyErrorList) {
  Reply reply = vault_.get(data_path());
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, (Json{{"errors", Json::array()}}));
  EXPECT_EQ(vault_.get("/v1/secret/metadata/" + key_).status, 404);
}

TEST_F(KvV2, SoftDeleteUndeleteAndDestroy) {
  ASSERT_EQ(write({{"v", "1"}}).status, 200);
  ASSERT_EQ(write({{"v", "2"}}).status, 200);
  ASSERT_EQ(vault_.del(data_path()).status, 204);

  Reply deleted = vault_.get(data_path());
  EXPECT_EQ(deleted.status, 404);
  EXPECT_TRUE(deleted.body["data"]["data"].is_null()) << deleted.text;
  EXPECT_NE(deleted.body["data"]["metadata"]["deletion_time"], "");
  EXPECT_EQ(deleted.body["data"]["metadata"]["version"], 2);
  EXPECT_EQ(vault_.get(data_path() + "?version=1").body["data"]["data"], (Json{{"v", "1"}}));

  ASSERT_EQ(vault_.post("/v1/secret/undelete/" + key_, Json{{"versions", {2}}}).status, 204);
  EXPECT_EQ(vault_.get(data_path()).body["data"]["data"], (Json{{"v", "2"}}));

  ASSERT_EQ(vault_.post("/v1/secret/destroy/" + key_, Json{{"versions", {1}}}).status, 204);
  Reply destroyed = vault_.get(data_path() + "?version=1");
  EXPECT_EQ(destroyed.status, 404);
  EXPECT_EQ(destroyed.body["data"]["metadata"]["destroyed"], true);
  EXPECT_EQ(vault_.post("/v1/secret/undelete/" + key_, Json{{"versions", {1}}}).status, 204);
  EXPECT_EQ(vault_.get(data_path() + "?version=1").status, 404) << "destroyed is final";

  ASSERT_EQ(vault_.post("/v1/secret/delete/" + key_, Json{{"versions", {2}}}).status, 204);
  EXPECT_EQ(vault_.get(data_path()).status, 404);
  EXPECT_EQ(vault_.post("/v1/secret/delete/" + key_, Json::object()).error(), "No version number provided");
}

TEST_F(KvV2, MetadataListsVersionsAndKeys) {
  ASSERT_EQ(write({{"v", "1"}}).status, 200);
  ASSERT_EQ(write({{"v", "2"}}).status, 200);
  ASSERT_EQ(vault_.post("/v1/secret/data/" + key_ + "/child/leaf", Json{{"data", {{"x", "y"}}}}).status, 200);
  Reply metadata = vault_.get("/v1/secret/metadata/" + key_);
  ASSERT_EQ(metadata.status, 200);
  const Json& data = metadata.body["data"];
  EXPECT_EQ(data["current_version"], 2);
  EXPECT_EQ(data["oldest_version"], 0) << "0 until max_versions drops a version";
  EXPECT_EQ(data["max_versions"], 0);
  EXPECT_EQ(data["cas_required"], false);
  EXPECT_EQ(data["delete_version_after"], "0s");
  EXPECT_EQ(data["versions"].size(), 2u);
  EXPECT_EQ(data["versions"]["1"]["destroyed"], false);

  Reply keys = vault_.list("/v1/secret/metadata/" + key_ + "/");
  ASSERT_EQ(keys.status, 200) << keys.text;
  EXPECT_EQ(keys.body["data"]["keys"], (Json{"child/"}));
  EXPECT_EQ(vault_.list("/v1/secret/metadata/nothing-here-" + key_ + "/").status, 404);

  ASSERT_EQ(vault_.del("/v1/secret/metadata/" + key_).status, 204);
  EXPECT_EQ(vault_.get(data_path()).status, 404);
  EXPECT_EQ(vault_.get(data_path()).body, (Json{{"errors", Json::array()}}));
}

TEST_F(KvV2, MaxVersionsDropsTheOldest) {
  ASSERT_EQ(vault_.post("/v1/secret/metadata/" + key_, Json{{"max_versions", 2}}).status, 204);
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(write({{"v", std::to_string(i)}}).status, 200);
  Reply metadata = vault_.get("/v1/secret/metadata/" + key_);
  EXPECT_EQ(metadata.body["data"]["oldest_version"], 2);
  EXPECT_EQ(vault_.get(data_path() + "?version=1").status, 404);
}

}  // namespace
}  // namespace mcph::mock_vault::contract
