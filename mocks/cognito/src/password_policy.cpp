#include "password_policy.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "errors.h"

namespace mcph::mock_cognito {
namespace {

bool any_of(std::string_view password, int (*test)(int)) {
  return std::any_of(password.begin(), password.end(),
                     [test](char c) { return test(static_cast<unsigned char>(c)) != 0; });
}

int is_symbol(int c) { return std::ispunct(c) || c == ' '; }

}  // namespace

void check_password_policy(std::string_view password) {
  const auto refuse = [](const std::string& why) {
    return CognitoError("InvalidPasswordException", "Password does not conform to policy: " + why);
  };
  if (password.size() < 8) throw refuse("Password not long enough");
  if (!any_of(password, [](int c) { return std::islower(c); })) throw refuse("Password must have lowercase characters");
  if (!any_of(password, [](int c) { return std::isupper(c); })) throw refuse("Password must have uppercase characters");
  if (!any_of(password, [](int c) { return std::isdigit(c); })) throw refuse("Password must have numeric characters");
  if (!any_of(password, is_symbol)) throw refuse("Password must have symbol characters");
}

}  // namespace mcph::mock_cognito
