#include "routes.h"

#include <memory>

#include <nlohmann/json.hpp>

#include "actions.h"
#include "errors.h"
#include "mcph/jose/jwk.h"

namespace mcph::mock_cognito {
namespace {

constexpr std::string_view kTargetPrefix = "AWSCognitoIdentityProviderService.";

nlohmann::json parse_request(const http::Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    throw CognitoError("SerializationException", "Start of structure or map expected; the request body is not a JSON object.");
  }
  return body;
}

void serve_action(const ActionTable& actions, MockCognito::State& state, const http::Request& request,
                  http::Response& response) {
  try {
    const std::string target = request.header("X-Amz-Target");
    const auto action = target.rfind(kTargetPrefix, 0) == 0 ? actions.find(target.substr(kTargetPrefix.size()))
                                                             : actions.end();
    if (action == actions.end()) throw CognitoError("UnknownOperationException", "Unknown operation " + target);
    const auto body = parse_request(request);
    std::lock_guard lock(state.mutex);
    write_json(response, 200, action->second(state, body).dump());
  } catch (const CognitoError& error) {
    write_error(response, error);
  }
}

void serve_pool_document(MockCognito::State& state, const http::Request& request, http::Response& response,
                         bool jwks) {
  std::lock_guard lock(state.mutex);
  const auto it = state.pools.find(request.captures.at(0));
  if (it == state.pools.end()) {
    write_error(response, CognitoError("ResourceNotFoundException",
                                       "User pool " + request.captures.at(0) + " not found.", 404));
    return;
  }
  const Pool& pool = *it->second;
  if (jwks) {
    const jose::JwkSet keys({jose::Jwk{pool.key.public_only(), pool.kid, jose::Alg::RS256, "sig"}});
    response.set_json(200, keys.to_json());
    return;
  }
  const nlohmann::ordered_json doc{
      {"issuer", state.issuer(pool.id)},
      {"jwks_uri", state.local_url() + "/" + pool.id + "/.well-known/jwks.json"},
      {"id_token_signing_alg_values_supported", {"RS256"}},
      {"response_types_supported", {"code", "token"}},
      {"scopes_supported", {"openid", "email", "phone", "profile"}},
      {"subject_types_supported", {"public"}},
      {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post"}},
  };
  response.set_json(200, doc.dump());
}

}  // namespace

void add_routes(http::Server& server, MockCognito::State& state) {
  auto actions = std::make_shared<ActionTable>();
  add_pool_actions(*actions);
  add_user_actions(*actions);
  add_auth_actions(*actions);
  add_session_actions(*actions);

  server.route("POST", "/", [actions, &state](const http::Request& request, http::Response& response) {
    serve_action(*actions, state, request, response);
  });
  server.route("GET", "/health", [](const http::Request&, http::Response& response) {
    response.set_json(200, R"({"status":"UP"})");
  });
  server.route("GET", R"(/([^/]+)/\.well-known/jwks\.json)",
               [&state](const http::Request& request, http::Response& response) {
                 serve_pool_document(state, request, response, true);
               });
  server.route("GET", R"(/([^/]+)/\.well-known/openid-configuration)",
               [&state](const http::Request& request, http::Response& response) {
                 serve_pool_document(state, request, response, false);
               });
}

}  // namespace mcph::mock_cognito
