#pragma once
// Factories of the built-in backends (each in its own file).
#include <memory>

#include "backend.h"

namespace mcph::mock_vault {

class Core;

std::shared_ptr<Backend> make_system_backend(Core& core);
std::shared_ptr<Backend> make_identity_backend(Core& core);
std::shared_ptr<Backend> make_token_backend(Core& core);
std::shared_ptr<Backend> make_jwt_backend(Core& core);
std::shared_ptr<Backend> make_kv_v2_backend(Core& core);
std::shared_ptr<Backend> make_kv_v1_backend(Core& core);
std::shared_ptr<Backend> make_database_backend(Core& core);

// sys/health (served outside the ACL path, like Vault's own handler): body and status.
VaultResponse health_response(const Json& query);

}  // namespace mcph::mock_vault
