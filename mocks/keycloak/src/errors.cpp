#include "errors.h"

namespace mcph::mock_keycloak {

KeycloakError::KeycloakError(int status, nlohmann::json body, http::Fields headers)
    : std::runtime_error("keycloak error " + std::to_string(status)),
      status_(status),
      body_(std::move(body)),
      headers_(std::move(headers)) {}

KeycloakError oauth_error(int status, std::string error, std::string description) {
  return KeycloakError(status, {{"error", std::move(error)}, {"error_description", std::move(description)}});
}

KeycloakError plain_error(int status, std::string message) {
  return KeycloakError(status, {{"error", std::move(message)}});
}

KeycloakError error_message(int status, std::string message) {
  return KeycloakError(status, {{"errorMessage", std::move(message)}});
}

KeycloakError not_authorized() {
  return KeycloakError(401, {{"error", "HTTP 401 Unauthorized"}}, {{"WWW-Authenticate", "Bearer"}});
}

KeycloakError forbidden() { return plain_error(403, "HTTP 403 Forbidden"); }

KeycloakError unsupported_media_type() { return plain_error(415, "HTTP 415 Unsupported Media Type"); }

KeycloakError invalid_json() {
  // KeycloakErrorHandler: a JsonParseException cause gives invalid_request and this text.
  return KeycloakError(400, {{"error", "invalid_request"}, {"error_description", "Cannot parse the JSON"}});
}

// Error texts may echo request bytes that are not UTF-8; replace them rather than fail.
void write_json(http::Response& response, int status, const nlohmann::json& body) {
  response.set_json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void write_json(http::Response& response, int status, const nlohmann::ordered_json& body) {
  response.set_json(status, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

http::Handler guarded(Handler handler) {
  return [handler = std::move(handler)](const http::Request& request, http::Response& response) {
    try {
      handler(request, response);
    } catch (const KeycloakError& error) {
      response = http::Response{};
      if (error.body().is_null()) {
        response.status = error.status();  // a bearer challenge only (userinfo): no body
      } else {
        write_json(response, error.status(), error.body());
      }
      for (const auto& [name, value] : error.headers()) response.set_header(name, value);
    }
  };
}

void format_router_error(int status, std::string_view message, http::Response& response) {
  // RESTEasy Reactive's texts as KeycloakErrorHandler renders them.
  nlohmann::json body;
  switch (status) {
    case 404:
      body = {{"error", "Unable to find matching target resource method"}};
      break;
    case 405:
      body = {{"error", "HTTP 405 Method Not Allowed"}};
      break;
    case 413:
      body = {{"error", "HTTP 413 Request Entity Too Large"}};
      break;
    case 414:
      body = {{"error", "HTTP 414 Request-URI Too Long"}};
      break;
    case 400:
      body = {{"error", "HTTP 400 Bad Request"}};
      break;
    default:
      if (status >= 500) {
        body = {{"error", "unknown_error"},
                {"error_description", "For more on this error consult the server log."}};
      } else {
        body = {{"error", std::string(message)}};
      }
  }
  write_json(response, status, body);
}

}  // namespace mcph::mock_keycloak
