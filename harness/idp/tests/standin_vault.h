#pragma once
// What the providers' tests share: mock-vault in process as the target Vault of provisioning,
// and a token's claims as a server would read them.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mcph/harness/provision/provision.h"
#include "mcph/jose/jwt.h"
#include "mcph/mock_vault/app.h"

namespace mcph::harness::idp {

struct StandinVault {
  StandinVault() : vault(std::make_unique<mock_vault::MockVault>(mock_vault::MockVaultOptions{.access_log = false})) {
    vault->start();
    target.vault_url = vault->url();
    target.vault_token = "root";
  }
  std::unique_ptr<mock_vault::MockVault> vault;
  provision::ProvisionTarget target;  // Vault, its root token, no PostgreSQL
};

inline nlohmann::json claims_of(const std::string& token) {
  return nlohmann::json::parse(jose::unverified_payload(token).value_or("null"));
}

}  // namespace mcph::harness::idp
