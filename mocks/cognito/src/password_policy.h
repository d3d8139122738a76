#pragma once
// A user pool's password policy (CreateUserPool's Policies.PasswordPolicy): by default 8
// characters or more, with upper- and lower-case letters, a digit and a symbol.
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcph::mock_cognito {

struct PasswordPolicy {
  int minimum_length = 8;
  bool require_uppercase = true;
  bool require_lowercase = true;
  bool require_numbers = true;
  bool require_symbols = true;

  // From a request's Policies.PasswordPolicy (absent members keep the defaults); throws
  // InvalidParameterException for a MinimumLength outside 6..99, as Cognito does.
  static PasswordPolicy from_request(const nlohmann::json& request);
  nlohmann::ordered_json to_json() const;
};

// Throws InvalidPasswordException with Cognito's text for the first rule the password breaks.
void check_password_policy(const PasswordPolicy& policy, std::string_view password);

}  // namespace mcph::mock_cognito
