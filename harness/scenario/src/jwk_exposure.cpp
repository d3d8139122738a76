#include "jwk_exposure.h"

namespace mcph::harness::scenario {

std::vector<std::string> unpublishable_members(const nlohmann::json& key) {
  static const std::vector<std::string> kPrivate = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
  std::vector<std::string> found;
  if (!key.is_object()) return found;
  for (const auto& member : kPrivate) {
    if (key.contains(member)) found.push_back(member);
  }
  if (key.value("kty", "") == "oct") found.push_back("kty oct");
  return found;
}

}  // namespace mcph::harness::scenario
