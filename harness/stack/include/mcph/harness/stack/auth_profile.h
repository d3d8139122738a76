#pragma once
// How a target identifies its callers (a target profile's `auth`, docs/target-profiles.md): the
// stack entry's `auth` (AgentAuthFields, as the stack file reads it) checked and completed — the
// modes it accepts, the one a step uses unless it says otherwise, the agents a scenario may act
// as, and, per mode, where the harness finds what it needs to present a credential, with the
// defaults filled in. Secrets are never held here: only the files they are in, read when a step
// needs them. Paths may be relative: to the stack file's directory (resolved()).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {

// The stack file's fields, with the default header names and method filled in.
struct AuthProfile : AgentAuthFields {
  std::string default_mode;  // one of the modes the profile configures
  bool keycloak_user = false;  // key "keycloak_user": true: the users' Keycloak JWTs too, as without `auth`

  bool accepts(std::string_view mode) const;
  std::vector<std::string> modes() const;  // in kAuthModes' order
  bool has_agent(std::string_view name) const;
  // The server's own name for `agent` (its entry's agents object), else `agent` itself.
  std::string name_of(const std::string& agent) const;
  // `text` with every agent's name that stands as a whole word (not inside a longer name such as
  // "agent-a-jira") replaced by the server's name for it: a DN, a subject or a path a step writes
  // with the scenario files' names.
  std::string with_server_names(const std::string& text) const;
  // The same profile with every relative path made relative to `base` (the stack file's directory).
  AuthProfile resolved(const std::filesystem::path& base) const;
};

// `text` with every agent of `names` (agent → the server's name for it) that stands as a whole
// word replaced by the server's name (AuthProfile::with_server_names).
std::string with_agent_names(const std::map<std::string, std::string>& names, const std::string& text);

// Every mode a profile may name, in order.
constexpr std::string_view kAuthModes = "api_key, static_jwt, mtls, proxy_headers, client_credentials, keycloak_user";
bool is_auth_mode(std::string_view mode);

// The stack entry's `auth` checked; `field` names it in errors ("services.agent-bridge-mcp.auth").
// Throws std::runtime_error naming the key of a missing or bad value.
AuthProfile auth_profile(const AgentAuthFields& fields, const std::string& field);

}  // namespace mcph::harness::stack
