#pragma once
// Confinement of an agent's KV path argument: decoded once, split on '/', and refused (never
// "cleaned") when any segment is empty, "." or "..", or the text holds a backslash, a NUL or a
// percent-encoded separator.
#include <optional>
#include <string>

namespace mcph::agent_bridge {

struct ConfinedPath {
  std::optional<std::string> path;  // the path below the agent's prefix, when accepted
  std::string refusal;              // why not, otherwise (names no secret)
};

ConfinedPath confine_path(const std::string& argument);

// UNSAFE, for sabotage tests only: one pass of replace("..", "") and nothing else.
ConfinedPath single_pass_dotdot(const std::string& argument);

}  // namespace mcph::agent_bridge
