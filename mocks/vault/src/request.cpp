#include "request.h"

#include "vault_error.h"

namespace mcph::mock_vault {

std::string_view operation_name(Operation operation) {
  switch (operation) {
    case Operation::read: return "read";
    case Operation::list: return "list";
    case Operation::create: return "create";
    case Operation::update: return "update";
    case Operation::delete_op: return "delete";
  }
  return "read";
}

VaultResponse VaultResponse::list(const std::vector<std::string>& keys) {
  if (keys.empty()) throw VaultError::not_found();
  return with_data(Json{{"keys", keys}});
}

VaultResponse VaultResponse::list_with_info(const std::vector<std::string>& keys, Json key_info) {
  if (keys.empty()) throw VaultError::not_found();
  return with_data(Json{{"keys", keys}, {"key_info", std::move(key_info)}});
}

}  // namespace mcph::mock_vault
