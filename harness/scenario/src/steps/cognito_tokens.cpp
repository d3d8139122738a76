#include "cognito_tokens.h"

#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/openssl/crypto.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

const stack::StackFile& cognito_stack(StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  // These actions act on the stack's own user pool: a stack of another provider has none.
  if (!stack.find_service(std::string(stack::kCognitoService))) {
    throw std::runtime_error("token " + to_string(run.step.get<TokenStep>().action) +
                             " needs a Cognito stack (mcp-harness up --idp cognito); this stack's identity provider is " +
                             to_string(stack.idp));
  }
  return stack;
}

oidc::CognitoApp new_client(oidc::CognitoClient& api, const std::string& pool_id, const std::string& name, bool secret) {
  const Json made = api.call("CreateUserPoolClient",
                             {{"UserPoolId", pool_id},
                              {"ClientName", name},
                              {"GenerateSecret", secret},
                              {"ExplicitAuthFlows", Json::array({"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"})}});
  return {made["UserPoolClient"].value("ClientId", ""), made["UserPoolClient"].value("ClientSecret", "")};
}

// The caller, signed in to a pool of their own making (the same username and password): what an
// attacker with their own pool on the same Cognito, or a second pool of the same account, holds.
oidc::TokenResponse other_pool_tokens(oidc::CognitoClient& api, const std::string& user, const std::string& password) {
  const std::string pool_id =
      api.call("CreateUserPool", {{"PoolName", "other-pool-" + openssl::random_text("abcdef0123456789", 8)},
                                  {"Policies", oidc::cognito_length_only_policies()}})["UserPool"]
          .value("Id", "");
  const oidc::CognitoApp app = new_client(api, pool_id, "other-pool-app", true);
  api.call("AdminCreateUser", {{"UserPoolId", pool_id}, {"Username", user}, {"MessageAction", "SUPPRESS"}});
  api.call("AdminSetUserPassword", {{"UserPoolId", pool_id}, {"Username", user}, {"Password", password}, {"Permanent", true}});
  return api.sign_in(app, user, password);
}

}  // namespace

bool is_cognito_token_action(TokenAction action) { return action >= TokenAction::other_pool; }

void run_cognito_token(const TokenStep& step, StepRun& run) {
  const stack::StackFile& stack = cognito_stack(run);
  StepOutcome& out = run.out;
  oidc::CognitoClient api(stack::cognito_url(stack));
  const oidc::CognitoApp app = stack::cognito_app(stack);
  const std::string password = run.executor.users().fixture(out.caller).password;
  const std::string name = run.step.token_name.empty() ? out.caller + "-" + to_string(step.action) : run.step.token_name;
  try {
    if (step.action == TokenAction::sign_out) {
      HeldToken* held = run.executor.held_or_login(step.from.empty() ? out.caller : step.from, out.caller, run.state,
                                                   run.record);
      if (!held) throw std::runtime_error("no token \"" + step.from + "\" to sign out with yet");
      api.global_sign_out(held->value);
      run.record.flow(out.caller, "GlobalSignOut", "with " + Recorder::masked(held->value) +
                                                       ": the sign-in's refresh token is revoked; its access token "
                                                       "still verifies against the pool's keys until it expires");
    } else if (step.action == TokenAction::wrong_password) {
      api.sign_in(app, out.caller, password + "-wrong");
    } else if (step.action == TokenAction::wrong_secret_hash) {
      api.sign_in(app, out.caller, password, oidc::cognito_secret_hash(app.client_secret + "-wrong", out.caller, app.client_id));
    } else {
      const std::string pool_id = stack.service(std::string(stack::kCognitoService)).idp.pool_id;
      const oidc::TokenResponse tokens = step.action == TokenAction::other_pool
                                             ? other_pool_tokens(api, out.caller, password)
                                             : api.sign_in(new_client(api, pool_id, "other-app", false), out.caller, password);
      run.state.tokens[name] = HeldToken{out.caller, tokens.access_token, tokens.refresh_token, to_string(step.action), std::nullopt};
      run.record.flow(out.caller, "token " + to_string(step.action), name + " → " + Recorder::masked(tokens.access_token));
    }
  } catch (const oidc::CognitoError& e) {
    out.grant.oauth_error = e.error();
    out.http.status = e.status();
    return;
  }
  out.grant.ok = true;
  out.http.status = 200;
}

}  // namespace mcph::harness::scenario
