#include "vault_error.h"

namespace mcph::mock_vault {

std::string multierror_text(const std::vector<std::string>& messages) {
  std::string text = std::to_string(messages.size()) +
                     (messages.size() == 1 ? " error occurred:\n" : " errors occurred:\n");
  for (const auto& message : messages) text += "\t* " + message + "\n";
  return text + "\n";
}

VaultError::VaultError(int status, std::vector<std::string> errors)
    : std::runtime_error(errors.empty() ? std::string("vault error") : errors.front()),
      status_(status),
      errors_(std::move(errors)) {}

VaultError VaultError::bad_request(const std::string& message) { return VaultError(400, {message}); }

VaultError VaultError::internal(const std::string& message, int status) {
  return VaultError(status, {multierror_text({message})});
}

VaultError VaultError::not_found() { return VaultError(404, {}); }

VaultError VaultError::unsupported_path() { return VaultError(404, {multierror_text({"unsupported path"})}); }

VaultError VaultError::unsupported_operation() {
  return VaultError(405, {multierror_text({"unsupported operation"})});
}

VaultError VaultError::permission_denied() {
  return VaultError(403, {multierror_text({"permission denied"})});
}

VaultError VaultError::missing_token() { return VaultError(403, {"permission denied"}); }

VaultError VaultError::invalid_token() {
  return VaultError(403, {multierror_text({"permission denied", "invalid token"})});
}

}  // namespace mcph::mock_vault
