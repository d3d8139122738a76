#pragma once
// Failures in Vault's shape: a status and the list that becomes {"errors":[...]}.
#include <stdexcept>
#include <string>
#include <vector>

namespace mcph::mock_vault {

// Vault's go-multierror text: "1 error occurred:\n\t* <msg>\n\n".
std::string multierror_text(const std::vector<std::string>& messages);

class VaultError : public std::runtime_error {
 public:
  VaultError(int status, std::vector<std::string> errors);

  int status() const { return status_; }
  const std::vector<std::string>& errors() const { return errors_; }

  // A backend's logical.ErrorResponse: 400 with the message as is.
  static VaultError bad_request(const std::string& message);
  // A backend returning a Go error: wrapped in multierror text (500 unless told otherwise).
  static VaultError internal(const std::string& message, int status = 500);
  // Nothing to return: 404 {"errors":[]}.
  static VaultError not_found();
  static VaultError unsupported_path();       // 404, wrapped
  static VaultError unsupported_operation();  // 405, wrapped
  // Valid token, ACL says no.
  static VaultError permission_denied();
  // No token at all.
  static VaultError missing_token();
  // Unknown, revoked or expired token.
  static VaultError invalid_token();

 private:
  int status_;
  std::vector<std::string> errors_;
};

}  // namespace mcph::mock_vault
