#pragma once
// A team's own Keycloak realm, as `up --realm-file` takes it: one realm's JSON, as the admin
// console's partial export or `kc.sh export --realm NAME --file FILE` writes it.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mcph::harness::idp {

// The realm's representation. Throws std::runtime_error naming the file and what is wrong.
nlohmann::json read_realm_export(const std::filesystem::path& path);
// Why the file is no realm export; nullopt when it is one.
std::optional<std::string> why_not_realm_export(const std::filesystem::path& path);

}  // namespace mcph::harness::idp
