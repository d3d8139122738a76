#pragma once
// The authentication hook of the MCP server: a callback sees every HTTP request to the MCP
// endpoint before anything else is done with it, and either names the caller (a Principal that
// tool handlers receive) or refuses the request with an HTTP status of its choosing.
#include <any>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "mcph/http/message.h"

namespace mcph::mcp {

struct Principal {
  // A stable identifier of the caller (for a JWT, its verified `sub`). Sessions are bound to
  // it: a session created by one subject cannot be used by another. Empty = anonymous.
  std::string subject;
  // Whatever the authenticator wants tool handlers to have (verified claims, a token, a
  // handle to a credential cache). Read it back with context_as<T>().
  std::any context;
  // The OAuth scopes the caller was granted (a token's `scope` claim): what a tool's
  // required_scopes are held against.
  std::vector<std::string> scopes;

  template <class T>
  const T* context_as() const { return std::any_cast<T>(&context); }
};

struct AuthRejection {
  int status = 401;
  // Becomes the message of a JSON-RPC error body (no id) unless `body` is set.
  std::string message = "unauthorized";
  http::Fields headers;        // e.g. WWW-Authenticate, Retry-After
  std::string body;            // optional body of the authenticator's own shape
  std::string content_type = "application/json";
};

class AuthResult {
 public:
  static AuthResult allow(Principal principal) { return AuthResult(std::move(principal)); }
  static AuthResult reject(AuthRejection rejection) { return AuthResult(std::move(rejection)); }
  // 401 with the given WWW-Authenticate challenge, e.g. `Bearer error="invalid_token"`.
  static AuthResult unauthorized(std::string www_authenticate, std::string message);
  // `status` (400, 403, 503, …), with the WWW-Authenticate challenge when one is given.
  static AuthResult refused(int status, std::string message, std::string www_authenticate = {});
  // 429 with Retry-After (seconds).
  static AuthResult too_many_requests(int retry_after_seconds, std::string message);

  bool allowed() const { return std::holds_alternative<Principal>(value_); }
  const Principal& principal() const { return std::get<Principal>(value_); }
  const AuthRejection& rejection() const { return std::get<AuthRejection>(value_); }

 private:
  explicit AuthResult(Principal p) : value_(std::move(p)) {}
  explicit AuthResult(AuthRejection r) : value_(std::move(r)) {}
  std::variant<Principal, AuthRejection> value_;
};

using Authenticator = std::function<AuthResult(const http::Request&)>;

}  // namespace mcph::mcp
