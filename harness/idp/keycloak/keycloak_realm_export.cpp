#include "mcph/harness/idp/keycloak_realm_export.h"

#include <stdexcept>

#include "mcph/harness/fixtures/text_file.h"

namespace mcph::harness::idp {

using Json = nlohmann::json;

Json read_realm_export(const std::filesystem::path& path) {
  const auto text = fixtures::read_text_file(path);
  if (!text) throw std::runtime_error("cannot read " + path.string());
  const Json realm = Json::parse(*text, nullptr, false);
  if (realm.is_discarded()) throw std::runtime_error(path.string() + " is not JSON");
  if (realm.is_array()) {
    throw std::runtime_error(path.string() + " holds a list of realms (" + std::to_string(realm.size()) +
                             "), not one: export the one to test (kc.sh export --realm NAME --file FILE)");
  }
  if (!realm.is_object() || !realm.contains("realm") || !realm["realm"].is_string()) {
    throw std::runtime_error(path.string() + " is no Keycloak realm: expected an object naming its \"realm\"");
  }
  return realm;
}

std::optional<std::string> why_not_realm_export(const std::filesystem::path& path) {
  try {
    (void)read_realm_export(path);
    return std::nullopt;
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

}  // namespace mcph::harness::idp
