// The `idp` step: the identity provider changed as its operator would, through Keycloak's admin
// REST API (so the same on mock-keycloak and on Keycloak).
#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "step_kind.h"

namespace mcph::harness {
namespace {

void run_idp(const IdpStep& step, StepRun& run) {
  const StackFile& stack = run.executor.stack();
  const ServiceEntry& keycloak = stack.service("keycloak");
  // A fresh admin login: the master realm's admin tokens live a minute.
  KeycloakAdmin admin(keycloak.url, keycloak.idp.user(), keycloak.idp.password());
  const auto rotation = admin.rotate_signing_key(stack.realm, step.keep_old_key);
  run.out.http_status = 200;
  run.out.result = {{"kid", rotation.kid}, {"removed_kids", rotation.removed_kids}};
  run.record.note({{"idp", step.action}, {"kid", rotation.kid}, {"removed_kids", rotation.removed_kids}});
}

IdpStep read_idp(const StepSource& source) {
  const Reader& reader = source.reader;
  IdpStep step;
  step.action = reader.text(source.value, source.here);
  if (step.action != "rotate_signing_key") reader.fail(source.value, source.here, "unknown action (rotate_signing_key)");
  source.allowed.insert("keep_old_key");
  if (const YAML::Node keep = source.step["keep_old_key"]; keep.IsDefined()) {
    const std::string field = Reader::join(source.field, "keep_old_key");
    const Json value = reader.json(keep, field);
    if (!value.is_boolean()) reader.fail(keep, field, "expected true or false");
    step.keep_old_key = value.get<bool>();
  }
  return step;
}

std::string idp_title(const IdpStep& step, const std::string&) { return "identity provider: " + step.action; }

}  // namespace

StepKindInfo idp_step_kind() {
  return {
      .kind = StepKind::idp,
      .name = "idp",
      .summary = "The identity provider changed as its operator would, through Keycloak's admin REST API.",
      .example = "idp: rotate_signing_key\nkeep_old_key: true",
      .fields = {{"idp", "`rotate_signing_key`: a new RS256 key of higher priority"},
                 {"keep_old_key", "keep the old keys (default: removed)"}},
      .read = [](const StepSource& source) -> StepSpec { return read_idp(source); },
      .run = runner<IdpStep>(run_idp),
      .title = titler<IdpStep>(idp_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string("keycloak"); },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness
