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

PasswordPolicy PasswordPolicy::from_request(const nlohmann::json& request) {
  PasswordPolicy policy;
  const auto policies = request.find("Policies");
  if (policies == request.end() || !policies->is_object()) return policy;
  const auto given = policies->find("PasswordPolicy");
  if (given == policies->end() || !given->is_object()) return policy;
  const auto flag = [&](const char* member, bool& field) {
    if (const auto it = given->find(member); it != given->end() && it->is_boolean()) field = it->get<bool>();
  };
  if (const auto length = given->find("MinimumLength"); length != given->end() && length->is_number_integer()) {
    const int value = length->get<int>();
    if (value < 6 || value > 99) {
      throw invalid_parameter("1 validation error detected: Value '" + std::to_string(value) +
                              "' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member "
                              "must have value " + (value < 6 ? "greater than or equal to 6" : "less than or equal to 99"));
    }
    policy.minimum_length = value;
  }
  flag("RequireUppercase", policy.require_uppercase);
  flag("RequireLowercase", policy.require_lowercase);
  flag("RequireNumbers", policy.require_numbers);
  flag("RequireSymbols", policy.require_symbols);
  return policy;
}

nlohmann::ordered_json PasswordPolicy::to_json() const {
  return {{"MinimumLength", minimum_length},   {"RequireUppercase", require_uppercase},
          {"RequireLowercase", require_lowercase}, {"RequireNumbers", require_numbers},
          {"RequireSymbols", require_symbols}, {"TemporaryPasswordValidityDays", 7}};
}

void check_password_policy(const PasswordPolicy& policy, std::string_view password) {
  const auto refuse = [](const std::string& why) {
    return CognitoError("InvalidPasswordException", "Password does not conform to policy: " + why);
  };
  if (password.size() < static_cast<std::size_t>(policy.minimum_length)) throw refuse("Password not long enough");
  if (policy.require_lowercase && !any_of(password, [](int c) { return std::islower(c); })) {
    throw refuse("Password must have lowercase characters");
  }
  if (policy.require_uppercase && !any_of(password, [](int c) { return std::isupper(c); })) {
    throw refuse("Password must have uppercase characters");
  }
  if (policy.require_numbers && !any_of(password, [](int c) { return std::isdigit(c); })) {
    throw refuse("Password must have numeric characters");
  }
  if (policy.require_symbols && !any_of(password, is_symbol)) throw refuse("Password must have symbol characters");
}

}  // namespace mcph::mock_cognito
