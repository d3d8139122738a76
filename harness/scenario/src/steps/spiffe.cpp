// The `spiffe` step: the trust domain changed as its operator would: the real SPIRE through
// spire-server's localauthority commands (spire_rotation.h), mock-spiffe through its /_keys API.
#include <stdexcept>

#include "../recorder.h"
#include "../spire_rotation.h"
#include "../step_executor.h"
#include "../workload_client.h"
#include "mcph/http/client.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

Json answer_of(const http::ClientResponse& response, const std::string& what) {
  if (response.status >= 300) {
    throw std::runtime_error("the trust domain refused " + what + ": HTTP " + std::to_string(response.status) + " " +
                             response.body.substr(0, 200));
  }
  return response.body.empty() ? Json::object() : Json::parse(response.body, nullptr, false);
}

std::string active_kid(const Json& listing) {
  if (listing.is_object() && listing.contains("keys") && listing["keys"].is_array()) {
    for (const Json& key : listing["keys"]) {
      if (key.is_object() && key.value("state", "") == "active") return key.value("kid", "");
    }
  }
  throw std::runtime_error("the trust domain lists no active key (GET /_keys: " + listing.dump().substr(0, 200) + ")");
}

// How long spire-agent may take to hand out SVIDs of the new key: a sync (5 s) after a taint; up
// to half the entries' 60 s lifetime while SVIDs of a key merely retired are still cached.
constexpr std::chrono::seconds kAgentCatchUp{45};

Json rotate_on_spire(const stack::SpireServerCli& cli, const SpiffeStep& step, const stack::StackFile& stack) {
  const JwtAuthorityRotation rotation = rotate_jwt_authority(cli, step.remove_old_key);
  await_svids_signed_by(stack.service("spiffe").workload_api, WorkloadClient(stack).issuer(), rotation.activated,
                        kAgentCatchUp);
  Json result = {{"kid", rotation.activated}, {"retired_kids", Json::array()}, {"removed_kids", Json::array()}};
  result[step.remove_old_key ? "removed_kids" : "retired_kids"].push_back(rotation.old);
  return result;
}

Json rotate_on_mock_spiffe(const stack::ServiceEntry& spiffe, const SpiffeStep& step) {
  http::Client trust_domain(spiffe.url);
  const std::string old_kid = active_kid(answer_of(trust_domain.get("/_keys"), "listing its keys"));
  const Json activated = answer_of(trust_domain.post("/_keys/activate", "", "application/json"), "a new key");
  Json result = {{"kid", activated.value("kid", "")}, {"retired_kids", Json::array()}, {"removed_kids", Json::array()}};
  if (step.remove_old_key) {
    answer_of(trust_domain.request("DELETE", "/_keys/" + old_kid, {}, "", ""), "removing the old key");
    result["removed_kids"].push_back(old_kid);
  } else {
    result["retired_kids"].push_back(old_kid);
  }
  return result;
}

void run_spiffe(const SpiffeStep& step, StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  if (!stack.services.count("spiffe")) throw std::runtime_error("the stack has no trust domain (services.spiffe)");
  const stack::ServiceEntry& spiffe = stack.service("spiffe");
  const std::optional<stack::SpireServerCli> spire = stack::spire_server_of(spiffe);
  const Json result = spire ? rotate_on_spire(*spire, step, stack) : rotate_on_mock_spiffe(spiffe, step);
  run.out.http.status = 200;
  run.out.result = result;
  Json note = result;
  note["spiffe"] = to_string(step.action);
  run.record.note(note);
}

SpiffeStep read_spiffe(const StepSource& source) {
  const Reader& reader = source.reader;
  SpiffeStep step;
  step.action = read_choice<SpiffeAction>(reader, source.value, source.here, kSpiffeActions, "action");
  source.allowed.insert("remove_old_key");
  if (const YAML::Node remove = source.step["remove_old_key"]; remove.IsDefined()) {
    const std::string field = Reader::join(source.field, "remove_old_key");
    const Json value = reader.json(remove, field);
    if (!value.is_boolean()) reader.fail(remove, field, "expected true or false");
    step.remove_old_key = value.get<bool>();
  }
  return step;
}

std::string spiffe_title(const SpiffeStep& step, const std::string&) {
  return "trust domain: " + to_string(step.action) + (step.remove_old_key ? ", the old key removed" : "");
}

}  // namespace

StepKindInfo spiffe_step_kind() {
  return {
      .kind = StepKind::spiffe,
      .name = "spiffe",
      .summary = "The trust domain changed as its operator would (the real SPIRE: spire-server localauthority jwt prepare, "
                 "activate, then taint and revoke; mock-spiffe: its /_keys API): a new JWT signing key activated; the "
                 "result names it (`/kid`) and the old one (`/retired_kids` or `/removed_kids`). With SPIRE the step ends "
                 "when its agent hands out SVIDs of the new key.",
      .example = "spiffe: rotate_bundle_key\nremove_old_key: true",
      .fields = {{"spiffe", "`rotate_bundle_key`: a new key signs from now on; the old one retires, published until its "
                            "SVIDs have expired"},
                 {"remove_old_key", "take the old key out of the bundle at once (default: retired)"}},
      .read = [](const StepSource& source) -> StepSpec { return read_spiffe(source); },
      .run = runner<SpiffeStep>(run_spiffe),
      .title = titler<SpiffeStep>(spiffe_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string("spiffe"); },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness::scenario
