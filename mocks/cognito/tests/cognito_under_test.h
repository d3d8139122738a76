#pragma once
// How the Cognito contract tests reach a cognito-idp endpoint, and the calls every test makes.
//
// With MCPH_COGNITO_URL set (e.g. http://127.0.0.1:5000 for `moto_server`), the tests drive that
// endpoint; MCPH_COGNITO_IMPL names what it is (`moto`, or `aws` by default) so that the few
// checks moto is known not to make are skipped, saying why. Otherwise each test spawns the built
// mock-cognito on a free port. Either way the tests speak HTTP only and sign nothing.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/http/client.h"
#include "mcph/jose/jwk.h"
#include "mcph/proc/child_process.h"

namespace mcph::cognito_test {

class CognitoUnderTest {
 public:
  static CognitoUnderTest start();
  static bool is_moto();  // MCPH_COGNITO_IMPL=moto

  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::optional<proc::ChildProcess> process_;
};

// One cognito-idp client. Not thread-safe (one connection).
class CognitoApi {
 public:
  explicit CognitoApi(std::string url);

  const std::string& url() const { return url_; }
  // POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<action>.
  http::ClientResponse call(const std::string& action, const nlohmann::json& request);
  http::ClientResponse call_raw(const std::string& target, const std::string& body);
  // call() that throws std::runtime_error with the body unless the answer is 200.
  nlohmann::json ok(const std::string& action, const nlohmann::json& request);

  jose::JwkSet jwks(const std::string& pool_id);
  http::Client& http() { return http_; }

 private:
  std::string url_;
  http::Client http_;
};

nlohmann::json json_of(const http::ClientResponse& response);
nlohmann::json claims_of(const std::string& token);
nlohmann::json header_of(const std::string& token);
std::string random_suffix();  // 8 hex digits
// Base64(HMAC-SHA256(client secret, username + client id)), as a client computes it.
std::string secret_hash(const std::string& client_secret, const std::string& username, const std::string& client_id);
// The issuer Cognito writes into a pool's tokens (the region is the pool id's prefix).
std::string issuer_of(const std::string& pool_id);

// Asserts HTTP 400, {"__type":<type>,"message":…} (a namespaced type "…#<type>" counts) and the
// x-amzn-ErrorType header; the message is checked when given.
void expect_cognito_error(const http::ClientResponse& response, const std::string& type,
                          const std::optional<std::string>& message = std::nullopt);

}  // namespace mcph::cognito_test
