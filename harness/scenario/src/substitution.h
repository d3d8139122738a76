#pragma once
// ${…} in scenario files: ${alice.id} (Keycloak id, the JWT's sub), ${alice.entity_id},
// ${alice.username}, ${realm}, ${url.SERVICE}, ${host.SERVICE} (host:port), ${path.SERVICE},
// ${token.NAME}, ${spiffe.AGENT} (an agent's SPIFFE ID), ${client.AGENT} (the realm's client
// its SVIDs authenticate), and values saved by earlier steps (${alice_role}).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mcph::harness::scenario {

// Looks a name up ("alice.id", "alice_role"); nullopt when unknown.
using Resolver = std::function<std::optional<std::string>(const std::string& name)>;

// Throws std::runtime_error naming an unknown ${name} or an unclosed ${.
std::string substitute(const std::string& text, const Resolver& resolve);
// Substitutes inside every string (keys left alone) of a JSON value.
nlohmann::json substitute_json(const nlohmann::json& value, const Resolver& resolve);

}  // namespace mcph::harness::scenario
