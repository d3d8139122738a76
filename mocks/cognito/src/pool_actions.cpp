// CreateUserPool and CreateUserPoolClient, and what reads them back: ListUserPools,
// DescribeUserPool and DescribeUserPoolClient.
#include <set>

#include "actions.h"
#include "errors.h"
#include "password_policy.h"
#include "request_fields.h"

namespace mcph::mock_cognito {
namespace {

constexpr const char* kAccountId = "123456789012";

const std::set<std::string, std::less<>> kAuthFlows{
    "ADMIN_NO_SRP_AUTH",        "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",      "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"};

nlohmann::ordered_json pool_json(const Pool& pool) {
  return {{"Id", pool.id},
          {"Name", pool.name},
          {"Policies", {{"PasswordPolicy", pool.password_policy.to_json()}}},
          {"LastModifiedDate", pool.created},
          {"CreationDate", pool.created},
          {"MfaConfiguration", "OFF"},
          {"EstimatedNumberOfUsers", pool.users.size()},
          {"Arn", pool.arn}};
}

nlohmann::ordered_json client_json(const Pool& pool, const AppClient& client) {
  nlohmann::ordered_json rep{{"UserPoolId", pool.id}, {"ClientName", client.name}, {"ClientId", client.id}};
  if (!client.secret.empty()) rep["ClientSecret"] = client.secret;
  rep["LastModifiedDate"] = client.created;
  rep["CreationDate"] = client.created;
  rep["RefreshTokenValidity"] = 30;
  rep["TokenValidityUnits"] = nlohmann::ordered_json::object();
  rep["ExplicitAuthFlows"] = client.explicit_auth_flows;
  rep["AllowedOAuthFlowsUserPoolClient"] = false;
  rep["EnableTokenRevocation"] = true;
  rep["EnablePropagateAdditionalUserContextData"] = false;
  rep["AuthSessionValidity"] = 3;
  return rep;
}

nlohmann::ordered_json create_user_pool(MockCognito::State& state, const nlohmann::json& request) {
  const std::string name = required_string(request, "PoolName");
  auto pool = std::make_unique<Pool>(state.options.region + "_" + random_alnum(9), jose::Key::generate_rsa(2048));
  pool->name = name;
  pool->password_policy = PasswordPolicy::from_request(request);
  pool->arn = "arn:aws:cognito-idp:" + state.options.region + ":" + kAccountId + ":userpool/" + pool->id;
  pool->created = now_seconds();
  const nlohmann::ordered_json out{{"UserPool", pool_json(*pool)}};
  const std::string id = pool->id;
  state.pools.emplace(id, std::move(pool));
  return out;
}

nlohmann::ordered_json create_user_pool_client(MockCognito::State& state, const nlohmann::json& request) {
  Pool& pool = state.pool(required_string(request, "UserPoolId"));
  AppClient client;
  client.name = required_string(request, "ClientName");
  client.id = random_lower_alnum(26);
  if (optional_bool(request, "GenerateSecret", false)) client.secret = random_lower_alnum(51);
  client.explicit_auth_flows = string_list(request, "ExplicitAuthFlows");
  for (const auto& flow : client.explicit_auth_flows) {
    if (!kAuthFlows.count(flow)) {
      throw invalid_parameter("1 validation error detected: Value '[" + flow +
                              "]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy "
                              "constraint: [Member must satisfy enum value set]");
    }
  }
  if (client.explicit_auth_flows.empty()) {
    client.explicit_auth_flows = {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH"};
  }
  client.created = now_seconds();

  nlohmann::ordered_json rep = client_json(pool, client);
  pool.clients.emplace(client.id, std::move(client));
  return {{"UserPoolClient", rep}};
}

// MaxResults (1 to 60) pools at a time, in a stable order; NextToken is where the next page starts.
nlohmann::ordered_json list_user_pools(MockCognito::State& state, const nlohmann::json& request) {
  const auto max = request.find("MaxResults");
  if (max == request.end() || !max->is_number_integer()) {
    throw invalid_parameter("1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: "
                            "Member must not be null");
  }
  const auto count = max->get<long long>();
  if (count < 1 || count > 60) {
    throw invalid_parameter("1 validation error detected: Value '" + std::to_string(count) +
                            "' at 'maxResults' failed to satisfy constraint: Member must have value " +
                            (count < 1 ? "greater than or equal to 1" : "less than or equal to 60"));
  }
  const std::string from = optional_string(request, "NextToken").value_or("");
  nlohmann::ordered_json pools = nlohmann::ordered_json::array();
  nlohmann::ordered_json out;
  for (auto it = state.pools.lower_bound(from); it != state.pools.end(); ++it) {
    if (static_cast<long long>(pools.size()) == count) {
      out["NextToken"] = it->first;
      break;
    }
    const Pool& pool = *it->second;
    pools.push_back({{"Id", pool.id},
                     {"Name", pool.name},
                     {"LambdaConfig", nlohmann::ordered_json::object()},
                     {"LastModifiedDate", pool.created},
                     {"CreationDate", pool.created}});
  }
  out["UserPools"] = std::move(pools);
  return out;
}

nlohmann::ordered_json describe_user_pool(MockCognito::State& state, const nlohmann::json& request) {
  return {{"UserPool", pool_json(state.pool(required_string(request, "UserPoolId")))}};
}

nlohmann::ordered_json describe_user_pool_client(MockCognito::State& state, const nlohmann::json& request) {
  Pool& pool = state.pool(required_string(request, "UserPoolId"));
  const std::string id = required_string(request, "ClientId");
  const auto client = pool.clients.find(id);
  if (client == pool.clients.end()) throw resource_not_found("User pool client " + id + " does not exist.");
  return {{"UserPoolClient", client_json(pool, client->second)}};
}

}  // namespace

void add_pool_actions(ActionTable& table) {
  table.emplace("CreateUserPool", create_user_pool);
  table.emplace("CreateUserPoolClient", create_user_pool_client);
  table.emplace("ListUserPools", list_user_pools);
  table.emplace("DescribeUserPool", describe_user_pool);
  table.emplace("DescribeUserPoolClient", describe_user_pool_client);
}

}  // namespace mcph::mock_cognito
