#pragma once
// What a step against a target with `auth` (a target profile's, auth_profile.h) presents as its
// agent: the request's headers, its client certificate and the URL it goes to, for the mode the
// step chose (`via:`) or the target's default, bent as the step's `credential:` says for an
// attack. Secrets are read from the profile's files when the step runs and go only into the
// request; a trace shows them masked (the Recorder). Private to the runner.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/harness/stack/auth_profile.h"
#include "mcph/http/message.h"

namespace mcph::proc {
class TempDir;
}

namespace mcph::harness::scenario {

struct AgentCredential {
  std::string mode;  // the mode presented: api_key, static_jwt, mtls, proxy_headers, client_credentials
  std::string url;   // the target's URL, its TLS proxy's, or the server's behind the proxy
  http::Fields headers;
  // TLS: the CA the proxy's certificate chains to, and the client certificate and key presented
  // (empty: none).
  std::string ca_file;
  std::string certificate_file;
  std::string key_file;
  // How a report names what was presented ("agent-a's API key", "a certificate CN=agent-a from
  // the agents' CA"): never the secret itself.
  std::string described;
  // The secret presented (the API key, the JWT), for the checks that it is never echoed; empty
  // for a certificate or identity headers. Never shown.
  std::string secret;
  // The minted certificate's directory, removed with the last copy of the credential.
  std::shared_ptr<proc::TempDir> files;
};

// What is wrong with a step's `credential:` mapping for `via` (an empty via: any mode), or
// nullopt: its keys and their shapes, checked when the scenario file loads.
std::optional<std::string> credential_shape_problem(const nlohmann::json& shape);

// The credential of `agent` for the target at `target_url` whose auth is `auth` (relative paths
// already resolved). `via` empty: the profile's default mode. `shape`: the step's `credential:`
// (an object, possibly empty). Throws std::runtime_error naming what is missing (a mode the
// target does not accept, an agent its key file does not have, an unreadable file), never a
// secret.
AgentCredential agent_credential(const stack::AuthProfile& auth, const std::string& target_url, const std::string& agent,
                                 const std::string& via, const nlohmann::json& shape);

// The scopes a harness-signed JWT gives `agent`: the agents fixture's (fixtures/agents/agents.json),
// else read, write, list and delete.
std::string agent_scopes(const std::string& agent);

}  // namespace mcph::harness::scenario
