#include "agent_fields.h"

#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness::scenario {

std::string read_acting_agent(const StepSource& source) {
  if (source.value.IsMap() && source.value["agent"].IsDefined()) {
    const YAML::Node inside = source.value["agent"];
    const std::string kind = source.here.substr(source.here.rfind('.') + 1);
    source.reader.fail(inside, Reader::join(source.here, "agent"),
                       "the acting agent is named by as: beside " + kind + ": (as: " +
                           (inside.IsScalar() ? inside.Scalar() : std::string("NAME")) + ")");
  }
  return source.reader.required_text(source.step, "as", source.field);
}

AgentCredentialSpec read_agent_fields(const StepSource& source) {
  source.allowed.insert({"via", "credential"});
  AgentCredentialSpec spec;
  const YAML::Node& node = source.step;
  if (node["via"].IsDefined()) {
    const std::string field = Reader::join(source.field, "via");
    spec.via = source.reader.text(node["via"], field);
    if (!stack::is_auth_mode(spec.via) || spec.via == "keycloak_user") {
      source.reader.fail(node["via"], field, "expected one of api_key, static_jwt, mtls, proxy_headers, client_credentials");
    }
  }
  if (node["credential"].IsDefined()) {
    const std::string field = Reader::join(source.field, "credential");
    const nlohmann::json shape = source.reader.json(node["credential"], field);
    if (const auto problem = credential_shape_problem(shape)) source.reader.fail(node["credential"], field, *problem);
    spec.shape = shape.dump();
  }
  return spec;
}

std::optional<AgentCredential> step_agent_credential(const StepExecutor& executor, const std::string& service,
                                                     const Step& step, const AgentCredentialSpec& spec) {
  const stack::StackFile& stack = executor.stack();
  const stack::TargetProfile profile = stack::target_profile(stack.service(service), service);
  const bool asked = !spec.via.empty() || spec.shape != "{}";
  if (!profile.auth || (spec.via.empty() && profile.auth->default_mode == "keycloak_user")) {
    if (asked) throw std::runtime_error("via/credential: " + service + "'s profile has no agent `auth`");
    return std::nullopt;
  }
  if (step.as.empty()) throw std::runtime_error("as: which of " + service + "'s agents acts");
  return agent_credential(profile.auth->resolved(stack.directory), stack.service(service).url, step.as, spec.via,
                          nlohmann::json::parse(spec.shape));
}

void act_as_agent(const AgentCredential& agent, const Step& step, const stack::TargetProfile& target, StepOutcome& out,
                  Recorder& record) {
  out.caller = step.as;
  out.agent = true;
  out.secret_layout = target.secrets.value_or(provision::agent_bridge_secret_layout());
  out.sent_token = agent.secret;
  record.flow(out.caller, "credential", agent.described + " (" + agent.mode + ")");
}

}  // namespace mcph::harness::scenario
