#pragma once
// Errors in Cognito's shape: HTTP 400 (most), {"__type":"<Exception>","message":"…"} and the
// header x-amzn-ErrorType naming the exception.
#include <stdexcept>
#include <string>
#include <string_view>

#include "mcph/http/message.h"

namespace mcph::mock_cognito {

class CognitoError : public std::runtime_error {
 public:
  CognitoError(std::string type, const std::string& message, int status = 400)
      : std::runtime_error(message), type_(std::move(type)), status_(status) {}
  const std::string& type() const { return type_; }
  int status() const { return status_; }

 private:
  std::string type_;
  int status_;
};

CognitoError not_authorized(const std::string& message);
CognitoError invalid_parameter(const std::string& message);
CognitoError resource_not_found(const std::string& message);
CognitoError user_not_found();  // "User does not exist."
// AWS's validation text for a required member that is absent or not a string.
CognitoError missing_member(std::string_view member);

void write_error(http::Response& response, const CognitoError& error);
// Sets the JSON 1.1 content type and a fresh x-amzn-RequestId.
void write_json(http::Response& response, int status, const std::string& json);

// lib/http's formatter for what its router and request reader answer themselves.
void format_router_error(int status, std::string_view message, http::Response& response);

}  // namespace mcph::mock_cognito
