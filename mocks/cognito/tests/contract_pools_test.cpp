// Contract tests for reading pools and app clients back: ListUserPools, DescribeUserPool and
// DescribeUserPoolClient, what a provisioner checks an existing stack's configuration with.
#include <set>

#include "contract_fixture.h"

namespace mcph::cognito_test {
namespace {

TEST_F(ContractTest, ListUserPoolsPagesThroughEveryPool) {
  const std::string second = api().ok("CreateUserPool", {{"PoolName", "contract-" + random_suffix()}})["UserPool"]["Id"];
  std::set<std::string> listed;
  std::string next;
  for (int page = 0; page < 100; ++page) {
    nlohmann::json request{{"MaxResults", 1}};
    if (!next.empty()) request["NextToken"] = next;
    const nlohmann::json answer = api().ok("ListUserPools", request);
    ASSERT_LE(answer.at("UserPools").size(), 1u);
    for (const auto& pool : answer.at("UserPools")) {
      listed.insert(pool.at("Id").get<std::string>());
      EXPECT_TRUE(pool.at("Name").is_string());
    }
    if (!answer.contains("NextToken")) break;
    next = answer.at("NextToken");
  }
  EXPECT_TRUE(listed.count(pool_id_));
  EXPECT_TRUE(listed.count(second));
}

TEST_F(ContractTest, DescribeUserPoolAnswersThePool) {
  const nlohmann::json pool = api().ok("DescribeUserPool", {{"UserPoolId", pool_id_}})["UserPool"];
  EXPECT_EQ(pool.at("Id"), pool_id_);
  EXPECT_THAT(pool.at("Arn").get<std::string>(), ::testing::EndsWith(":userpool/" + pool_id_));
  expect_cognito_error(api().call("DescribeUserPool", {{"UserPoolId", "us-east-1_Nope12345"}}),
                       "ResourceNotFoundException");
}

TEST_F(ContractTest, DescribeUserPoolClientAnswersItsFlowsAndSecret) {
  const nlohmann::json client =
      api().ok("DescribeUserPoolClient", {{"UserPoolId", pool_id_}, {"ClientId", client_id_}})["UserPoolClient"];
  EXPECT_EQ(client.at("ClientId"), client_id_);
  EXPECT_EQ(client.at("UserPoolId"), pool_id_);
  EXPECT_EQ(client.at("ClientSecret"), secret_);
  EXPECT_THAT(client.at("ExplicitAuthFlows").get<std::vector<std::string>>(),
              ::testing::UnorderedElementsAre("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"));
  expect_cognito_error(api().call("DescribeUserPoolClient", {{"UserPoolId", pool_id_}, {"ClientId", "nope"}}),
                       "ResourceNotFoundException");
}

}  // namespace
}  // namespace mcph::cognito_test
