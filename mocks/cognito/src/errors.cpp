#include "errors.h"

#include <nlohmann/json.hpp>

#include "random_ids.h"

namespace mcph::mock_cognito {

CognitoError not_authorized(const std::string& message) { return {"NotAuthorizedException", message}; }

CognitoError invalid_parameter(const std::string& message) { return {"InvalidParameterException", message}; }

CognitoError resource_not_found(const std::string& message) { return {"ResourceNotFoundException", message}; }

CognitoError user_not_found() { return {"UserNotFoundException", "User does not exist."}; }

CognitoError missing_member(std::string_view member) {
  std::string name(member);
  if (!name.empty()) name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  return invalid_parameter("1 validation error detected: Value at '" + name +
                           "' failed to satisfy constraint: Member must not be null");
}

void write_json(http::Response& response, int status, const std::string& json) {
  response.status = status;
  response.body = json;
  response.content_type = "application/x-amz-json-1.1";
  response.set_header("x-amzn-RequestId", random_uuid());
}

void write_error(http::Response& response, const CognitoError& error) {
  const nlohmann::json body{{"__type", error.type()}, {"message", error.what()}};
  write_json(response, error.status(), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  response.set_header("x-amzn-ErrorType", error.type());
}

void format_router_error(int status, std::string_view message, http::Response& response) {
  std::string type = "InternalErrorException";
  if (status == 404 || status == 405) type = "UnknownOperationException";
  else if (status < 500) type = "SerializationException";
  write_error(response, CognitoError(type, std::string(message), status));
}

}  // namespace mcph::mock_cognito
