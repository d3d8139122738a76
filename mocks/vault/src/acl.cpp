#include "mcph/mock_vault/acl.h"

#include <algorithm>
#include <map>

namespace mcph::mock_vault {
namespace {

std::uint32_t merge(std::uint32_t existing, std::uint32_t added) {
  if ((existing & kDeny) != 0 || (added & kDeny) != 0) return kDeny;
  return existing | added;
}

bool has_segment_wildcard(std::string_view path) {
  return path == "+" || path.find("/+") != std::string_view::npos || path.substr(0, 2) == "+/";
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

// One candidate among the non-exact rules, ranked as vault/acl.go CheckAllowedFromNonExactPaths.
struct Candidate {
  std::size_t first_wildcard = 0;
  bool is_prefix = false;
  int wildcards = 0;
  std::string_view path;
  std::uint32_t capabilities = 0;
};

// True when a ranks below b.
bool lower_priority(const Candidate& a, const Candidate& b) {
  if (a.first_wildcard != b.first_wildcard) return a.first_wildcard < b.first_wildcard;
  if (a.is_prefix != b.is_prefix) return a.is_prefix;
  if (a.wildcards != b.wildcards) return a.wildcards > b.wildcards;
  if (a.path.size() != b.path.size()) return a.path.size() < b.path.size();
  return a.path < b.path;
}

}  // namespace

Acl Acl::root() {
  Acl acl;
  acl.root_ = true;
  return acl;
}

Acl::Acl(const std::vector<AclRule>& rules) {
  std::map<std::string, std::uint32_t> prefix;
  std::map<std::string, std::uint32_t> segment;
  for (const auto& rule : rules) {
    std::string path = rule.path;
    if (has_segment_wildcard(path)) {
      auto [it, inserted] = segment.emplace(path, rule.capabilities);
      if (!inserted) it->second = merge(it->second, rule.capabilities);
    } else if (!path.empty() && path.back() == '*') {
      path.pop_back();
      auto [it, inserted] = prefix.emplace(path, rule.capabilities);
      if (!inserted) it->second = merge(it->second, rule.capabilities);
    } else {
      auto [it, inserted] = exact_.emplace(path, rule.capabilities);
      if (!inserted) it->second = merge(it->second, rule.capabilities);
    }
  }
  prefix_.assign(prefix.begin(), prefix.end());
  std::stable_sort(prefix_.begin(), prefix_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (auto& [path, capabilities] : segment) segment_.push_back({path, capabilities});
}

std::uint32_t Acl::non_exact(std::string_view path, bool& found) const {
  found = false;
  std::vector<Candidate> candidates;
  for (const auto& [prefix, capabilities] : prefix_) {
    if (path.substr(0, prefix.size()) == prefix) {
      if (segment_.empty()) {
        found = true;
        return capabilities;
      }
      candidates.push_back({prefix.size(), true, 0, prefix, capabilities});
      break;  // longest prefix only, like the radix tree's LongestPrefix
    }
  }
  if (segment_.empty()) return 0;

  const auto path_parts = split(path);
  for (const auto& rule : segment_) {
    Candidate candidate;
    candidate.first_wildcard = rule.path.find('+');
    std::string_view pattern = rule.path;
    if (pattern.back() == '*') {
      candidate.is_prefix = true;
      pattern.remove_suffix(1);
    }
    candidate.path = pattern;
    candidate.capabilities = rule.capabilities;
    const auto pattern_parts = split(pattern);
    if (path_parts.size() < pattern_parts.size()) continue;
    if (!candidate.is_prefix && pattern_parts.size() != path_parts.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < pattern_parts.size() && matches; ++i) {
      const auto part = pattern_parts[i];
      if (part == "+") {
        ++candidate.wildcards;
      } else if (part == path_parts[i]) {
        // literal segment
      } else if (candidate.is_prefix && i + 1 == pattern_parts.size() &&
                 path_parts[i].substr(0, part.size()) == part) {
        // the last, globbed segment
      } else {
        matches = false;
      }
    }
    if (matches) candidates.push_back(candidate);
  }
  if (candidates.empty()) return 0;
  const auto best = std::max_element(candidates.begin(), candidates.end(), lower_priority);
  found = true;
  return best->capabilities;
}

std::uint32_t Acl::capabilities(std::string_view path, bool list_operation) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (const auto exact = exact_.find(std::string(path)); exact != exact_.end()) return exact->second;
  const bool trailing_slash = !path.empty() && path.back() == '/';
  const std::string_view without_slash = trailing_slash ? path.substr(0, path.size() - 1) : path;
  if (list_operation) {
    if (const auto exact = exact_.find(std::string(without_slash)); exact != exact_.end()) return exact->second;
  }
  bool found = false;
  if (list_operation && trailing_slash) {
    const std::uint32_t capabilities = non_exact(without_slash, found);
    if (found) return capabilities;
  }
  return non_exact(path, found);
}

bool Acl::allows(std::string_view path, std::uint32_t capability, bool list_operation) const {
  if (root_) return true;
  const std::uint32_t capabilities = this->capabilities(path, list_operation);
  if ((capabilities & kDeny) != 0) return false;
  return (capabilities & capability) != 0;
}

Acl build_acl(const std::vector<NamedPolicy>& policies, const TemplateIdentity& identity, std::int64_t now_unix) {
  std::vector<AclRule> rules;
  for (const auto& named : policies) {
    if (named.name == "root") return Acl::root();
    if (named.policy == nullptr) continue;
    for (const auto& block : named.policy->paths) {
      if (!block.templated) {
        rules.push_back({block.path, block.capabilities});
        continue;
      }
      auto rendered = render_template(block.path, identity, now_unix);
      if (!rendered) continue;  // unresolvable for this caller: the block is dropped
      std::string path = std::move(*rendered);
      while (!path.empty() && path.front() == '/') path.erase(0, 1);
      rules.push_back({std::move(path), block.capabilities});
    }
  }
  return Acl(rules);
}

}  // namespace mcph::mock_vault
