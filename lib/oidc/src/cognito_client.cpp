#include "mcph/oidc/cognito_client.h"

#include "mcph/codec/base64.h"
#include "mcph/jose/jws.h"

namespace mcph::oidc {

using Json = nlohmann::json;

std::string cognito_secret_hash(const std::string& client_secret, const std::string& username,
                                const std::string& client_id) {
  return codec::base64_encode(jose::sign_bytes(jose::Key::hmac(client_secret), jose::Alg::HS256, username + client_id));
}

const Json& cognito_length_only_policies() {
  static const Json policies = {{"PasswordPolicy",
                                 {{"MinimumLength", 6},
                                  {"RequireUppercase", false},
                                  {"RequireLowercase", false},
                                  {"RequireNumbers", false},
                                  {"RequireSymbols", false}}}};
  return policies;
}

CognitoClient::CognitoClient(std::string url, http::ClientOptions options)
    : url_(std::move(url)), http_(url_, options) {}

Json CognitoClient::call(const std::string& action, const Json& request) {
  // An SDK's header names the region and credentials; the stand-ins do not check them.
  const http::Fields headers{{"X-Amz-Target", "AWSCognitoIdentityProviderService." + action},
                             {"Authorization",
                              "AWS4-HMAC-SHA256 Credential=mcph/20260101/us-east-1/cognito-idp/aws4_request, "
                              "SignedHeaders=host;x-amz-target, Signature=0"}};
  const auto response = http_.post("/", request.dump(), "application/x-amz-json-1.1", headers);
  Json body = Json::parse(response.body, nullptr, false);
  if (response.status == 200) return body.is_discarded() ? Json::object() : body;
  if (body.is_object() && body.contains("__type")) {
    std::string type = body.value("__type", "");
    if (const auto hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
    throw CognitoError(response.status, type, body.value("message", body.value("Message", "")));
  }
  throw CognitoError(response.status, "http_error", "unexpected answer to " + action);
}

TokenResponse CognitoClient::initiate_auth(const CognitoApp& app, const std::string& flow, Json parameters) {
  const Json answer = call("InitiateAuth", {{"AuthFlow", flow}, {"ClientId", app.client_id}, {"AuthParameters", parameters}});
  if (!answer.contains("AuthenticationResult")) {
    throw CognitoError(200, answer.value("ChallengeName", "challenge"), "sign-in answered a challenge, not tokens");
  }
  const Json& result = answer["AuthenticationResult"];
  TokenResponse token;
  token.access_token = result.value("AccessToken", "");
  token.id_token = result.value("IdToken", "");
  token.refresh_token = result.value("RefreshToken", "");
  token.token_type = result.value("TokenType", "");
  token.expires_in = result.value("ExpiresIn", 0L);
  return token;
}

TokenResponse CognitoClient::sign_in(const CognitoApp& app, const std::string& username, const std::string& password,
                                     const std::optional<std::string>& secret_hash) {
  Json parameters = {{"USERNAME", username}, {"PASSWORD", password}};
  if (secret_hash) {
    parameters["SECRET_HASH"] = *secret_hash;
  } else if (!app.client_secret.empty()) {
    parameters["SECRET_HASH"] = cognito_secret_hash(app.client_secret, username, app.client_id);
  }
  return initiate_auth(app, "USER_PASSWORD_AUTH", std::move(parameters));
}

TokenResponse CognitoClient::refresh(const CognitoApp& app, const std::string& username,
                                     const std::string& refresh_token) {
  Json parameters = {{"REFRESH_TOKEN", refresh_token}};
  if (!app.client_secret.empty()) {
    parameters["SECRET_HASH"] = cognito_secret_hash(app.client_secret, username, app.client_id);
  }
  TokenResponse token = initiate_auth(app, "REFRESH_TOKEN_AUTH", std::move(parameters));
  if (token.refresh_token.empty()) token.refresh_token = refresh_token;
  return token;
}

void CognitoClient::global_sign_out(const std::string& access_token) {
  call("GlobalSignOut", {{"AccessToken", access_token}});
}

}  // namespace mcph::oidc
