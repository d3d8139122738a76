#include "cognito_check.h"

#include <algorithm>
#include <stdexcept>

#include "cognito_users.h"
#include "mcph/oidc/cognito_client.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

// The flows provision_cognito_users gives the app client: without them no user signs in.
constexpr const char* kSignInFlows[] = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"};

// The answer to `action`, or null when Cognito says the object (`not_found`) does not exist.
Json read_or_null(oidc::CognitoClient& api, const std::string& action, const Json& request, const std::string& not_found) {
  try {
    return api.call(action, request);
  } catch (const oidc::CognitoError& e) {
    if (e.error() == not_found) return nullptr;
    throw std::runtime_error("Cognito: " + action + ": " + e.error() + ": " + e.description());
  }
}

void check_app_client(oidc::CognitoClient& api, const IdentityProviderFields& pool, std::vector<provision::Drift>& drifts) {
  const std::string object = "Cognito app client " + pool.app_client_id;
  const Json answer = read_or_null(api, "DescribeUserPoolClient",
                                   {{"UserPoolId", pool.pool_id}, {"ClientId", pool.app_client_id}},
                                   "ResourceNotFoundException");
  if (answer.is_null()) return drifts.push_back({object, "missing"});
  const Json& client = answer["UserPoolClient"];
  const Json flows = client.value("ExplicitAuthFlows", Json::array());
  for (const char* flow : kSignInFlows) {
    if (std::find(flows.begin(), flows.end(), flow) == flows.end()) {
      drifts.push_back({object, std::string("ExplicitAuthFlows lacks ") + flow + " (found " + flows.dump() + ")"});
    }
  }
  if (client.value("ClientSecret", "") != pool.app_client_secret) {
    drifts.push_back({object, "its secret differs from the stack file's (values not shown)"});
  }
}

void check_user(oidc::CognitoClient& api, const IdentityProviderFields& pool, provision::ProvisionedUser& user, std::vector<provision::Drift>& drifts) {
  const std::string object = "Cognito user " + user.fixture.username;
  const Json found = read_or_null(api, "AdminGetUser", {{"UserPoolId", pool.pool_id}, {"Username", user.fixture.username}},
                                  "UserNotFoundException");
  if (found.is_null()) return drifts.push_back({object, "missing"});
  user.id = cognito_attribute(found.value("UserAttributes", Json::array()), "sub");
  if (!found.value("Enabled", true)) drifts.push_back({object, "disabled"});
  const std::string status = found.value("UserStatus", "");
  if (status != "CONFIRMED") {
    drifts.push_back({object, "UserStatus " + status + " (CONFIRMED expected: a permanent password, or no sign-in works)"});
  }
}

}  // namespace

std::vector<provision::Drift> check_cognito_pool(const IdentityProviderSite& site, std::vector<provision::ProvisionedUser>& users) {
  std::vector<provision::Drift> drifts;
  const IdentityProviderFields& pool = site.fields;
  if (pool.pool_id.empty()) return {{"Cognito user pool", "missing (the stack file names none)"}};
  oidc::CognitoClient api(site.url);
  const Json described = read_or_null(api, "DescribeUserPool", {{"UserPoolId", pool.pool_id}}, "ResourceNotFoundException");
  if (described.is_null()) return {{"Cognito user pool " + pool.pool_id, "missing"}};
  check_app_client(api, pool, drifts);
  for (auto& user : users) check_user(api, pool, user, drifts);
  return drifts;
}

}  // namespace mcph::harness::idp
