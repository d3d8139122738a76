#pragma once
// The fields a call or http step has for targets whose profile has `auth` (`via:`,
// `credential:`), and the credential such a step presents for its agent.
#include <optional>
#include <string>

#include "../agent_credential.h"
#include "mcph/harness/stack/target_profile.h"
#include "step_kind.h"

namespace mcph::harness::scenario {

// The agent a workload or svid_token step acts as: its `as:`, the one way every step names who
// acts. An `agent:` inside the kind's mapping, how such steps were once written, is refused with
// the form to write instead.
std::string read_acting_agent(const StepSource& source);

// `via:` and `credential:` beside the kind key; adds them to the allowed keys.
AgentCredentialSpec read_agent_fields(const StepSource& source);

// The documentation rows of those fields, for a kind's `fields`.
inline const StepField kViaField{"via", "against a target whose profile has `auth`: the mode the agent (`as:`) presents its "
                                        "credential by (`api_key`, `static_jwt`, `mtls`, `proxy_headers`, "
                                        "`client_credentials`); default the target's"};
inline const StepField kCredentialField{
    "credential",
    "how the agent's credential is bent for an attack: `key` (another API key), `claims`/`header` (JWT fields; "
    "null removes one, `exp_in` seconds), `sign` (`none`, `attacker`, `wrong_secret`, `public_key_as_secret`), `hmac_secret` (HS256 with that secret), `subject` (a certificate's "
    "`[{CN: …}, {OU: …}]`, `[]` for none), `uris`, `ca: foreign`, `expired: true`, `certificate: none`, `to` "
    "(`direct`: the server behind the TLS proxy; `proxy`: through it), `dn`/`verify` (identity headers), `also: "
    "{agent, via}` (a second agent's credential in the same request)"};

// The credential `step` presents to `service` as its agent, when the service's profile has
// `auth` whose mode for this step is an agent's; nullopt: the user's Keycloak token, as ever.
std::optional<AgentCredential> step_agent_credential(const StepExecutor& executor, const std::string& service,
                                                     const Step& step, const AgentCredentialSpec& spec);

// The step acts as the agent its credential is of: the caller, the secret an echo check looks
// for, where the agents' secrets are in Vault (the target's `secrets`, else agent-bridge-mcp's
// layout), and the credential's stage of the agent's flow.
void act_as_agent(const AgentCredential& agent, const Step& step, const stack::TargetProfile& target, StepOutcome& out,
                  Recorder& record);

}  // namespace mcph::harness::scenario
