#include "forged_token.h"

#include <chrono>
#include <thread>

#include "../step_executor.h"
#include "mcph/codec/base64.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/http/client.h"

namespace mcph::harness::scenario {

// A key just added is waited for: a server that fetched the JWKS less than a second ago learns
// it at its next fetch, which it makes at most once a second.
std::string realm_key_kid(StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  const stack::ServiceEntry& keycloak = stack.service("keycloak");
  provision::KeycloakAdmin admin(keycloak.url, keycloak.idp.user(), keycloak.idp.password());
  const jose::Key& key = harness_realm_key();
  const auto added = admin.add_verification_key(stack.realm, key.private_pem(), codec::base64_encode(key.public_der()));
  if (added.added) {
    constexpr double kRefetchInterval = 1.2;
    run.executor.announce_wait(kRefetchInterval, "until the servers may fetch the realm's keys again");
    std::this_thread::sleep_for(std::chrono::duration<double>(kRefetchInterval));
  }
  return added.kid;
}

std::string forge_as_step_says(const std::string& token, ForgeSpec spec, StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  const std::string jwks = spec.sign == ForgeSigning::hs256_realm_public
                               ? http::Client(stack.service("keycloak").url)
                                     .get("/realms/" + stack.realm + "/protocol/openid-connect/certs")
                                     .body
                               : std::string();
  if (spec.sign == ForgeSigning::realm_key) spec.realm_key_kid = realm_key_kid(run);
  return forge_token(token, spec, jwks);
}

}  // namespace mcph::harness::scenario
