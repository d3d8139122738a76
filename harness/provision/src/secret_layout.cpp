#include "mcph/harness/provision/secret_layout.h"

#include <algorithm>
#include <cctype>

#include "mcph/agent_bridge/agent_policy.h"
#include "mcph/text/count.h"
#include "mcph/text/replace.h"

namespace mcph::harness::provision {
namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> segments;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

SecretLayout agent_bridge_secret_layout() { return SecretLayout{}; }

std::string secret_layout_problem(const std::string& path) {
  const auto segments = split(path);
  if (segments.size() < 2 || segments.back() != "{key}") return "must end with /{key}";
  if (std::count(segments.begin(), segments.end(), "{agent}") != 1) return "must hold {agent} once, as a whole segment";
  for (const auto& segment : segments) {
    if (segment.empty()) return "must have no empty segment (no leading, trailing or double /)";
    if (segment != "{agent}" && segment != "{key}" && segment.find('{') != std::string::npos) {
      return "knows only {agent} and {key}, each a whole segment, not \"" + segment + "\"";
    }
  }
  if (std::count(segments.begin(), segments.end(), "{key}") != 1) return "must hold {key} once, at the end";
  return "";
}

std::string policy_template_problem(const std::string& policy) {
  if (text::count_of(policy, "{agent}") != 1) return "must hold {agent} once";
  const std::string rest = text::replace_all(policy, "{agent}", "");
  const bool named = std::all_of(rest.begin(), rest.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
  return named ? "" : "may hold only letters, digits, '-', '_' and '.' beside {agent}";
}

std::string server_name_of(const std::map<std::string, std::string>& names, const std::string& agent) {
  const auto found = names.find(agent);
  return found == names.end() ? agent : found->second;
}

std::string SecretLayout::name_of(const std::string& agent) const { return server_name_of(names, agent); }

std::string SecretLayout::policy_of(const std::string& agent) const { return text::replace_all(policy, "{agent}", name_of(agent)); }

std::string SecretLayout::policy_glob() const { return policy_of("*"); }

std::string SecretLayout::agent_prefix(const std::string& agent) const {
  std::string out;
  for (const auto& segment : split(path)) {
    if (segment == "{key}") break;
    out += (out.empty() ? "" : "/") + (segment == "{agent}" ? name_of(agent) : segment);
  }
  return out;
}

std::string SecretLayout::owner_of(const std::vector<std::string>& segments, bool& kv) const {
  kv = segments.size() >= 2 && (segments[1] == "data" || segments[1] == "metadata");
  if (!kv || segments[0] != mount) return "";
  const auto folder = split(path);  // ends with {key}: the agent's folder is the rest
  if (segments.size() < folder.size() + 1) return "";
  std::string owner;
  for (std::size_t i = 0; i + 1 < folder.size(); ++i) {
    const std::string& got = segments[i + 2];
    if (folder[i] == "{agent}") {
      const auto named = std::find_if(names.begin(), names.end(), [&](const auto& entry) { return entry.second == got; });
      owner = named == names.end() ? got : named->first;
    } else if (folder[i] != got) {
      return "";
    }
  }
  return owner;
}

std::string agent_layout_policy_hcl(const SecretLayout& layout, const std::string& agent, const std::vector<std::string>& scopes) {
  return agent_bridge::folder_policy_hcl(layout.mount, layout.agent_prefix(agent), scopes);
}

}  // namespace mcph::harness::provision
