#include "mcph/oidc/token_client.h"

#include <nlohmann/json.hpp>

#include "mcph/http/url.h"
#include "mcph/jose/dpop.h"

namespace mcph::oidc {
namespace {

constexpr std::string_view kTokenPath = "/protocol/openid-connect/token";

}  // namespace

OidcError::OidcError(int status, std::string error, std::string description)
    : std::runtime_error("token endpoint answered " + std::to_string(status) + " " + error +
                         (description.empty() ? "" : ": " + description)),
      status_(status),
      error_(std::move(error)),
      description_(std::move(description)) {}

TokenClient::TokenClient(std::string realm_url, ClientCredentials client, http::ClientOptions options)
    : realm_url_(std::move(realm_url)), token_path_(kTokenPath), client_(std::move(client)), http_(realm_url_, options) {}

TokenClient TokenClient::at_endpoint(const std::string& token_endpoint, ClientCredentials client,
                                     http::ClientOptions options) {
  TokenClient tokens(token_endpoint, std::move(client), std::move(options));
  tokens.token_path_.clear();
  return tokens;
}

TokenResponse TokenClient::password_grant(const std::string& username, const std::string& password,
                                          const std::string& scope) {
  http::Fields form = {{"grant_type", "password"}, {"username", username}, {"password", password}};
  if (!scope.empty()) form.emplace_back("scope", scope);
  return post_token(std::move(form));
}

TokenResponse TokenClient::client_credentials_grant(const std::string& scope) {
  http::Fields form = {{"grant_type", "client_credentials"}};
  if (!scope.empty()) form.emplace_back("scope", scope);
  return post_token(std::move(form));
}

TokenResponse TokenClient::refresh(const std::string& refresh_token) {
  return post_token({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
}

TokenResponse TokenClient::exchange(const std::string& subject_token, const std::string& audience) {
  return post_token({{"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
                     {"subject_token", subject_token},
                     {"subject_token_type", "urn:ietf:params:oauth:token-type:access_token"},
                     {"audience", audience}});
}

TokenResponse TokenClient::post_token(http::Fields form) {
  form.emplace_back("client_id", client_.client_id);
  if (!client_.client_secret.empty()) form.emplace_back("client_secret", client_.client_secret);
  http::Fields headers;
  if (dpop_key_) {
    jose::DpopProofRequest proof;
    proof.htm = "POST";
    proof.htu = realm_url_ + token_path_;
    headers.emplace_back("DPoP", jose::create_dpop_proof(*dpop_key_, proof));
  }
  const auto response = http_.post(token_path_, http::form_encode(form), "application/x-www-form-urlencoded", headers);
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    if (body.is_object() && body.contains("error")) {
      throw OidcError(response.status, body.value("error", ""), body.value("error_description", ""));
    }
    throw OidcError(response.status, "http_error", "unexpected response from the token endpoint");
  }
  if (!body.is_object() || !body.contains("access_token")) {
    throw OidcError(response.status, "invalid_response", "token response has no access_token");
  }
  TokenResponse token;
  token.access_token = body.value("access_token", "");
  token.refresh_token = body.value("refresh_token", "");
  token.id_token = body.value("id_token", "");
  token.token_type = body.value("token_type", "");
  token.scope = body.value("scope", "");
  token.expires_in = body.value("expires_in", 0L);
  token.refresh_expires_in = body.value("refresh_expires_in", 0L);
  return token;
}

}  // namespace mcph::oidc
