#pragma once
// A new user pool's default password policy: 8 characters or more, with upper- and lower-case
// letters, a digit and a symbol.
#include <string_view>

namespace mcph::mock_cognito {

// Throws InvalidPasswordException with Cognito's text for the first rule the password breaks.
void check_password_policy(std::string_view password);

}  // namespace mcph::mock_cognito
