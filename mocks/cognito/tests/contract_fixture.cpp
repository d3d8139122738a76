#include "contract_fixture.h"

namespace mcph::cognito_test {

void ContractTest::SetUp() {
  cognito_.emplace(CognitoUnderTest::start());
  api_.emplace(cognito_->url());
  pool_id_ = api().ok("CreateUserPool", {{"PoolName", "contract-" + random_suffix()}})["UserPool"]["Id"];
  const auto client = create_client(true, {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"});
  client_id_ = client.at("ClientId");
  secret_ = client.at("ClientSecret");
  create_user("alice", kAlicePassword);
}

nlohmann::json ContractTest::create_client(bool secret, const std::vector<std::string>& flows) {
  return api().ok("CreateUserPoolClient", {{"UserPoolId", pool_id_},
                                           {"ClientName", "app-" + random_suffix()},
                                           {"GenerateSecret", secret},
                                           {"ExplicitAuthFlows", flows}})["UserPoolClient"];
}

void ContractTest::create_user(const std::string& username, const std::optional<std::string>& permanent_password) {
  api().ok("AdminCreateUser", {{"UserPoolId", pool_id_},
                               {"Username", username},
                               {"TemporaryPassword", "Temp-pw-1"},
                               {"MessageAction", "SUPPRESS"},
                               {"UserAttributes",
                                {{{"Name", "email"}, {"Value", username + "@example.com"}},
                                 {{"Name", "email_verified"}, {"Value", "true"}}}}});
  if (permanent_password) {
    api().ok("AdminSetUserPassword", {{"UserPoolId", pool_id_},
                                      {"Username", username},
                                      {"Password", *permanent_password},
                                      {"Permanent", true}});
  }
}

http::ClientResponse ContractTest::try_sign_in(const std::string& username, const std::string& password,
                                               const std::optional<std::string>& hash) {
  nlohmann::json parameters{{"USERNAME", username}, {"PASSWORD", password}};
  const std::string sent = hash.value_or(hash_for(username));
  if (!sent.empty()) parameters["SECRET_HASH"] = sent;
  return api().call("InitiateAuth",
                    {{"AuthFlow", "USER_PASSWORD_AUTH"}, {"ClientId", client_id_}, {"AuthParameters", parameters}});
}

nlohmann::json ContractTest::sign_in(const std::string& username, const std::string& password) {
  const auto response = try_sign_in(username, password);
  if (response.status != 200) throw std::runtime_error("sign-in: " + response.body);
  return json_of(response).at("AuthenticationResult");
}

http::ClientResponse ContractTest::refresh(const std::string& refresh_token, const std::optional<std::string>& hash) {
  nlohmann::json parameters{{"REFRESH_TOKEN", refresh_token}};
  const std::string sent = hash.value_or(hash_for("alice"));
  if (!sent.empty()) parameters["SECRET_HASH"] = sent;
  return api().call("InitiateAuth",
                    {{"AuthFlow", "REFRESH_TOKEN_AUTH"}, {"ClientId", client_id_}, {"AuthParameters", parameters}});
}

}  // namespace mcph::cognito_test
