// The `idp` step: the identity provider changed as its operator would, through Keycloak's admin
// REST API (so the same on mock-keycloak and on Keycloak).
#include "mcph/harness/keycloak_admin.h"
#include "step_executor.h"

namespace mcph::harness {

void StepExecutor::idp(const Step& step, StepOutcome& out) {
  const ServiceEntry& keycloak = stack_.service("keycloak");
  // A fresh admin login: the master realm's admin tokens live a minute.
  KeycloakAdmin admin(keycloak.url, keycloak.get("admin_user", "admin"), keycloak.get("admin_password", "admin"));
  const auto rotation = admin.rotate_signing_key(stack_.realm, step.keep_old_key);
  out.http_status = 200;
  out.result = {{"kid", rotation.kid}, {"removed_kids", rotation.removed_kids}};
  out.exchanges.push_back({{"idp", step.idp_action}, {"kid", rotation.kid}, {"removed_kids", rotation.removed_kids}});
}

}  // namespace mcph::harness
