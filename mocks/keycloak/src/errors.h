#pragma once
// Errors in the exact shapes Keycloak answers with, and the glue that renders them.
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mcph/http/message.h"
#include "mcph/http/server.h"

namespace mcph::mock_keycloak {

// Thrown by handlers; `guarded` turns it into the response (status, JSON body, headers).
class KeycloakError : public std::runtime_error {
 public:
  KeycloakError(int status, nlohmann::json body, http::Fields headers = {});
  int status() const { return status_; }
  const nlohmann::json& body() const { return body_; }
  const http::Fields& headers() const { return headers_; }
  void add_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
  }

 private:
  int status_;
  nlohmann::json body_;
  http::Fields headers_;
};

// {"error":…,"error_description":…}: the OAuth endpoints (token, introspect, logout, userinfo).
KeycloakError oauth_error(int status, std::string error, std::string description);
// {"error":"…"}: a JAX-RS exception rendered by KeycloakErrorHandler (NotFoundException("User
// not found"), NotAuthorizedException → "HTTP 401 Unauthorized", …).
KeycloakError plain_error(int status, std::string message);
// {"errorMessage":"…"}: the admin API's ErrorResponse (conflicts, validation).
KeycloakError error_message(int status, std::string message);

// The answers of JAX-RS itself, shared by the router and the handlers.
KeycloakError not_authorized();          // 401 {"error":"HTTP 401 Unauthorized"} + WWW-Authenticate
KeycloakError forbidden();               // 403 {"error":"HTTP 403 Forbidden"}
KeycloakError unsupported_media_type();  // 415
KeycloakError invalid_json();            // 400, what a body Jackson cannot parse gets

using Handler = std::function<void(const http::Request&, http::Response&)>;
// Runs the handler; a KeycloakError it throws becomes the response.
http::Handler guarded(Handler handler);

// lib/http's error formatter for the errors its router and request reader answer themselves
// (no route, wrong method, body too large, malformed request): Keycloak's {"error":"…"} texts.
void format_router_error(int status, std::string_view message, http::Response& response);

void write_json(http::Response& response, int status, const nlohmann::json& body);
void write_json(http::Response& response, int status, const nlohmann::ordered_json& body);

}  // namespace mcph::mock_keycloak
