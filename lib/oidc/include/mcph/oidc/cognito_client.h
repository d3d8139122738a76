#pragma once
// A client of Amazon Cognito's user pool API (cognito-idp, the JSON 1.1 protocol on POST / with
// X-Amz-Target): what the provisioner, the harness's sign-in and the benchmarks use of it, against
// mock-cognito, moto or Cognito itself. Requests are not signed (SigV4): the stand-ins do not check
// signatures. Not thread-safe: one per thread.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/http/client.h"
#include "mcph/oidc/token_client.h"

namespace mcph::oidc {

// Cognito answered with an error: status 400 and {"__type": <error()>, "message": <description()>}.
class CognitoError : public OidcError {
 public:
  using OidcError::OidcError;
};

// An app client of a pool; its secret empty when it has none.
struct CognitoApp {
  std::string client_id;
  std::string client_secret;
};

// Base64(HMAC-SHA256(client secret, username + client id)): the SECRET_HASH a client with a secret
// sends with every sign-in and refresh.
std::string cognito_secret_hash(const std::string& client_secret, const std::string& username,
                                const std::string& client_id);

// CreateUserPool's Policies for a data set whose passwords are short and plain (the original
// demo's "alice123"): a length of 6 or more, nothing else asked.
const nlohmann::json& cognito_length_only_policies();

class CognitoClient {
 public:
  explicit CognitoClient(std::string url, http::ClientOptions options = {});

  // POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<action>; the answer's JSON.
  // Throws CognitoError for an error answer (never with the request's secrets in it).
  nlohmann::json call(const std::string& action, const nlohmann::json& request);

  // InitiateAuth USER_PASSWORD_AUTH (with SECRET_HASH when the app has a secret; `secret_hash`
  // overrides it, to send a wrong one). Throws CognitoError (NotAuthorizedException, …).
  TokenResponse sign_in(const CognitoApp& app, const std::string& username, const std::string& password,
                        const std::optional<std::string>& secret_hash = std::nullopt);
  // InitiateAuth REFRESH_TOKEN_AUTH; the answer has no new refresh token.
  TokenResponse refresh(const CognitoApp& app, const std::string& username, const std::string& refresh_token);
  // GlobalSignOut: every refresh token of the access token's user stops working.
  void global_sign_out(const std::string& access_token);

  const std::string& url() const { return url_; }

 private:
  TokenResponse initiate_auth(const CognitoApp& app, const std::string& flow, nlohmann::json parameters);
  std::string url_;
  http::Client http_;
};

}  // namespace mcph::oidc
