// The `idp` step: the identity provider changed as its operator would, through Keycloak's admin
// REST API (so the same on mock-keycloak and on Keycloak): its signing key rotated, a user
// disabled, a user's sessions ended.
#include "../keycloak_operator.h"
#include "../recorder.h"
#include "../step_executor.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

void run_idp(const IdpStep& step, StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  provision::KeycloakAdmin admin = keycloak_operator(stack);
  if (step.action == IdpAction::rotate_signing_key) {
    const auto rotation = admin.rotate_signing_key(stack.realm, step.keep_old_key);
    run.out.result = {{"kid", rotation.kid}, {"removed_kids", rotation.removed_kids}};
    run.record.note({{"idp", to_string(step.action)}, {"kid", rotation.kid}, {"removed_kids", rotation.removed_kids}});
  } else {
    const std::string& id = run.executor.users().keycloak_id(step.user);
    if (step.action == IdpAction::disable_user) {
      run.state.disabled_users.insert(id);  // before the change: a failed answer may still have applied it
      admin.set_user_enabled(stack.realm, id, false);
    } else {
      admin.logout_user(stack.realm, id);
    }
    run.out.result = {{"user", step.user}};
    run.record.note({{"idp", to_string(step.action)}, {"user", step.user}});
  }
  run.out.http.status = 200;
}

IdpStep read_idp(const StepSource& source) {
  const Reader& reader = source.reader;
  IdpStep step;
  step.action = read_choice<IdpAction>(reader, source.value, source.here, kIdpActions, "action");
  source.allowed.insert("keep_old_key");
  source.allowed.insert("user");
  const YAML::Node keep = source.step["keep_old_key"];
  const YAML::Node user = source.step["user"];
  if (step.action == IdpAction::rotate_signing_key) {
    if (user.IsDefined()) reader.fail(user, Reader::join(source.field, "user"), "rotate_signing_key names no user");
    if (keep.IsDefined()) {
      const std::string field = Reader::join(source.field, "keep_old_key");
      const Json value = reader.json(keep, field);
      if (!value.is_boolean()) reader.fail(keep, field, "expected true or false");
      step.keep_old_key = value.get<bool>();
    }
  } else {
    if (keep.IsDefined()) reader.fail(keep, Reader::join(source.field, "keep_old_key"), "only rotate_signing_key keeps keys");
    step.user = reader.required_text(source.step, "user", source.field);
  }
  return step;
}

std::string idp_title(const IdpStep& step, const std::string&) {
  switch (step.action) {
    case IdpAction::disable_user: return "identity provider: " + step.user + " disabled";
    case IdpAction::logout_user: return "identity provider: " + step.user + "'s sessions ended";
    case IdpAction::rotate_signing_key: break;
  }
  return "identity provider: " + to_string(step.action);
}

}  // namespace

StepKindInfo idp_step_kind() {
  return {
      .kind = StepKind::idp,
      .name = "idp",
      .summary = "The identity provider changed as its operator would, through Keycloak's admin REST API.",
      .example = "idp: disable_user\nuser: user0009",
      .fields = {{"idp",
                  "`rotate_signing_key`: a new RS256 key of higher priority; `disable_user`: the user disabled "
                  "(enabled again when the scenario ends); `logout_user`: every session of the user ended "
                  "(the admin console's sign-out)"},
                 {"keep_old_key", "rotate_signing_key: keep the old keys (default: removed)"},
                 {"user", "disable_user, logout_user: whose account"}},
      .read = [](const StepSource& source) -> StepSpec { return read_idp(source); },
      .run = runner<IdpStep>(run_idp),
      .title = titler<IdpStep>(idp_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string("keycloak"); },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness::scenario
