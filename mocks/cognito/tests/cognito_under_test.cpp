#include "cognito_under_test.h"

#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "mcph/codec/base64.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "mcph/proc/service.h"

namespace mcph::cognito_test {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string after_hash(const std::string& type) { return type.substr(type.rfind('#') + 1); }

}  // namespace

bool CognitoUnderTest::is_moto() { return env("MCPH_COGNITO_IMPL") == "moto"; }

CognitoUnderTest CognitoUnderTest::start() {
  CognitoUnderTest under_test;
  under_test.url_ = env("MCPH_COGNITO_URL");
  if (!under_test.url_.empty()) {
    while (under_test.url_.back() == '/') under_test.url_.pop_back();
    return under_test;
  }
  proc::SpawnOptions options;
  options.name = "mock-cognito";
  options.argv = {MOCK_COGNITO_PATH, "--port", "0"};
  proc::ReadyWhen ready;
  ready.timeout = std::chrono::seconds(20);
  auto started = proc::start_service(options, ready);
  under_test.process_.emplace(std::move(started.process));
  under_test.url_ = std::move(started.url);
  return under_test;
}

CognitoApi::CognitoApi(std::string url) : url_(std::move(url)), http_(url_) {}

http::ClientResponse CognitoApi::call(const std::string& action, const nlohmann::json& request) {
  return call_raw("AWSCognitoIdentityProviderService." + action, request.dump());
}

http::ClientResponse CognitoApi::call_raw(const std::string& target, const std::string& body) {
  // Region and credentials as an SDK would name them; neither the stand-in nor moto checks them.
  const http::Fields headers{
      {"X-Amz-Target", target},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cognito-idp/aws4_request, "
       "SignedHeaders=host;x-amz-target, Signature=0"}};
  return http_.post("/", body, "application/x-amz-json-1.1", headers);
}

nlohmann::json CognitoApi::ok(const std::string& action, const nlohmann::json& request) {
  const auto response = call(action, request);
  if (response.status != 200) {
    throw std::runtime_error(action + ": " + std::to_string(response.status) + " " + response.body);
  }
  return json_of(response);
}

jose::JwkSet CognitoApi::jwks(const std::string& pool_id) {
  const auto response = http_.get("/" + pool_id + "/.well-known/jwks.json");
  if (response.status != 200) throw std::runtime_error("jwks: " + std::to_string(response.status));
  return jose::JwkSet::from_json(response.body);
}

nlohmann::json json_of(const http::ClientResponse& response) {
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) {
    throw std::runtime_error("not JSON (status " + std::to_string(response.status) + "): " + response.body.substr(0, 300));
  }
  return json;
}

nlohmann::json claims_of(const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  if (!payload) throw std::runtime_error("not a JWT");
  return nlohmann::json::parse(*payload);
}

nlohmann::json header_of(const std::string& token) {
  return nlohmann::json::parse(jose::split_compact(token).header_json);
}

std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  auto value = rng();
  for (int i = 0; i < 8; ++i, value >>= 4) out += kHex[value & 0xf];
  return out;
}

std::string secret_hash(const std::string& client_secret, const std::string& username, const std::string& client_id) {
  return codec::base64_encode(
      jose::sign_bytes(jose::Key::hmac(client_secret), jose::Alg::HS256, username + client_id));
}

std::string issuer_of(const std::string& pool_id) {
  return "https://cognito-idp." + pool_id.substr(0, pool_id.find('_')) + ".amazonaws.com/" + pool_id;
}

void expect_cognito_error(const http::ClientResponse& response, const std::string& type,
                          const std::optional<std::string>& message) {
  EXPECT_EQ(response.status, 400) << response.body;
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << response.body;
  EXPECT_EQ(after_hash(body.value("__type", "")), type) << response.body;
  const std::string header = response.header("x-amzn-ErrorType");
  EXPECT_EQ(after_hash(header.substr(0, header.find(':'))), type) << "x-amzn-ErrorType: " << header;
  if (message) {
    const std::string text = body.contains("message") ? body.value("message", "") : body.value("Message", "");
    EXPECT_EQ(text, *message) << response.body;
  }
}

}  // namespace mcph::cognito_test
