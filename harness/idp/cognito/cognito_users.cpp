#include "cognito_users.h"

#include <atomic>
#include <memory>
#include <stdexcept>

#include "mcph/http/client.h"
#include "mcph/oidc/cognito_client.h"
#include "mcph/sync/parallel_for.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kCognitoUsersAtOnce = 8;
// The app client users sign in with: a confidential one, as the MCP clients of a real deployment.
constexpr const char* kAppClientName = "mcp-client";

IdentityProviderFields create_pool(oidc::CognitoClient& api, const std::string& name) {
  IdentityProviderFields pool;
  const Json created = api.call("CreateUserPool", {{"PoolName", name}, {"Policies", oidc::cognito_length_only_policies()}});
  pool.pool_id = created["UserPool"].value("Id", "");
  const Json client = api.call("CreateUserPoolClient",
                               {{"UserPoolId", pool.pool_id},
                                {"ClientName", kAppClientName},
                                {"GenerateSecret", true},
                                {"ExplicitAuthFlows", Json::array({"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"})}});
  pool.app_client_id = client["UserPoolClient"].value("ClientId", "");
  pool.app_client_secret = client["UserPoolClient"].value("ClientSecret", "");
  if (pool.pool_id.empty() || pool.app_client_id.empty() || pool.app_client_secret.empty()) {
    throw std::runtime_error("Cognito: creating the pool and its app client answered no ids");
  }
  return pool;
}

// The issuer as the pool's discovery document names it (what its tokens carry).
std::string issuer_of(const std::string& url, const std::string& pool_id) {
  http::Client client(url);
  const auto response = client.get("/" + pool_id + "/.well-known/openid-configuration");
  const Json document = Json::parse(response.body, nullptr, false);
  if (response.status != 200 || !document.is_object() || !document.contains("issuer")) {
    throw std::runtime_error("Cognito: pool " + pool_id + " has no discovery document (HTTP " +
                             std::to_string(response.status) + ")");
  }
  return document.value("issuer", "");
}

// The user's sub, making the user first when the pool has none of that name.
std::string user_sub(oidc::CognitoClient& api, const std::string& pool_id, const fixtures::UserFixture& user, bool& created) {
  try {
    return cognito_attribute(api.call("AdminGetUser", {{"UserPoolId", pool_id}, {"Username", user.username}})["UserAttributes"],
                     "sub");
  } catch (const oidc::CognitoError& e) {
    if (e.error() != "UserNotFoundException") throw;
  }
  Json attributes = Json::array({{{"Name", "email"}, {"Value", user.email}}, {{"Name", "email_verified"}, {"Value", "true"}}});
  if (!user.first_name.empty()) attributes.push_back({{"Name", "given_name"}, {"Value", user.first_name}});
  if (!user.last_name.empty()) attributes.push_back({{"Name", "family_name"}, {"Value", user.last_name}});
  const Json made = api.call("AdminCreateUser", {{"UserPoolId", pool_id},
                                                 {"Username", user.username},
                                                 {"UserAttributes", attributes},
                                                 {"MessageAction", "SUPPRESS"}});
  api.call("AdminSetUserPassword",
           {{"UserPoolId", pool_id}, {"Username", user.username}, {"Password", user.password}, {"Permanent", true}});
  created = true;
  const std::string sub = cognito_attribute(made["User"].value("Attributes", Json::array()), "sub");
  if (!sub.empty()) return sub;
  return cognito_attribute(api.call("AdminGetUser", {{"UserPoolId", pool_id}, {"Username", user.username}})["UserAttributes"],
                   "sub");
}

}  // namespace

int provision_cognito_users(IdentityProviderSite& site, std::vector<provision::ProvisionedUser>& users,
                            const std::function<void(const std::string&)>& say) {
  IdentityProviderFields& pool = site.fields;
  int changes = 0;
  try {
    oidc::CognitoClient api(site.url);
    if (pool.pool_id.empty()) {
      const IdentityProviderFields made = create_pool(api, site.realm);
      pool.pool_id = made.pool_id;
      pool.app_client_id = made.app_client_id;
      pool.app_client_secret = made.app_client_secret;
      ++changes;
      say("  + Cognito user pool " + pool.pool_id + " with app client " + kAppClientName + " (" +
          pool.app_client_id + ")");
    }
    if (pool.issuer.empty()) pool.issuer = issuer_of(site.url, pool.pool_id);
    std::vector<std::unique_ptr<oidc::CognitoClient>> apis(kCognitoUsersAtOnce);
    std::atomic<int> made{0};
    sync::parallel_for(users.size(), kCognitoUsersAtOnce, [&](std::size_t i, std::size_t worker) {
      if (!apis[worker]) apis[worker] = std::make_unique<oidc::CognitoClient>(site.url);
      bool created = false;
      users[i].id = user_sub(*apis[worker], pool.pool_id, users[i].fixture, created);
      if (users[i].id.empty()) throw std::runtime_error("Cognito: user " + users[i].fixture.username + " has no sub");
      if (created) ++made;
    });
    changes += made;
    say("cognito: " + std::to_string(users.size()) + " users in pool " + pool.pool_id + " (" +
        std::to_string(made.load()) + " new)");
  } catch (const oidc::CognitoError& e) {
    throw std::runtime_error(std::string("Cognito: ") + e.error() + ": " + e.description());
  }
  return changes;
}

std::string cognito_attribute(const Json& attributes, const std::string& name) {
  for (const auto& item : attributes) {
    if (item.value("Name", "") == name) return item.value("Value", "");
  }
  return "";
}

}  // namespace mcph::harness::idp
