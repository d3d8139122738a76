// The stack entry's "secrets" key (target_profile.h, parse_secret_layout).
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/harness/stack/target_profile.h"
#include "unknown_key.h"

namespace mcph::harness::stack {

provision::SecretLayout parse_secret_layout(const std::string& json_text, const std::string& where, provision::SecretLayout base) {
  const nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (!json.is_object()) throw std::runtime_error(where + " must be an object: {\"mount\": \"secret\", \"path\": \"mcp/{agent}/{key}\"}");
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key != "mount" && key != "path" && key != "policy") refuse_unknown_key(where, key, {"mount", "path", "policy"});
    if (!value.is_string() || value.get<std::string>().empty()) throw std::runtime_error(at + " must be a non-empty string");
    (key == "mount" ? base.mount : key == "path" ? base.path : base.policy) = value.get<std::string>();
  }
  if (const std::string problem = provision::policy_template_problem(base.policy); !problem.empty()) {
    throw std::runtime_error(where + ".policy " + problem + ", not \"" + base.policy + "\"");
  }
  if (base.mount.find('/') != std::string::npos) throw std::runtime_error(where + ".mount must be the KV mount's name, without /");
  if (const std::string problem = provision::secret_layout_problem(base.path); !problem.empty()) {
    throw std::runtime_error(where + ".path " + problem + ", not \"" + base.path + "\"");
  }
  return base;
}

}  // namespace mcph::harness::stack
