#include "mcph/mcp/auth.h"

namespace mcph::mcp {

AuthResult AuthResult::unauthorized(std::string www_authenticate, std::string message) {
  return refused(401, std::move(message), std::move(www_authenticate));
}

AuthResult AuthResult::refused(int status, std::string message, std::string www_authenticate) {
  AuthRejection rejection;
  rejection.status = status;
  rejection.message = std::move(message);
  if (!www_authenticate.empty()) rejection.headers.emplace_back("WWW-Authenticate", std::move(www_authenticate));
  return reject(std::move(rejection));
}

AuthResult AuthResult::too_many_requests(int retry_after_seconds, std::string message) {
  AuthRejection rejection;
  rejection.status = 429;
  rejection.message = std::move(message);
  rejection.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return reject(std::move(rejection));
}

}  // namespace mcph::mcp
