#include "scopes.h"

#include <algorithm>
#include <sstream>

namespace mcph::mock_keycloak {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool in_token_scope(const std::string& scope) {
  return scope != "acr" && scope != "basic" && scope != "roles" && scope != "web-origins";
}

}  // namespace

bool ScopeSet::has(const std::string& name) const { return contains(scopes, name); }

std::string ScopeSet::token_scope() const {
  std::string out = openid ? "openid" : "";
  for (const auto& scope : scopes) {
    if (!in_token_scope(scope)) continue;
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

std::string ScopeSet::refresh_scope() const {
  std::string out = openid ? "openid" : "";
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

std::optional<ScopeSet> resolve_scope(const Client& client, const std::optional<std::string>& requested) {
  ScopeSet set;
  // Keycloak lists profile before email in tokens; keep the defaults in that familiar order.
  for (const char* name : {"profile", "email", "acr", "basic", "roles", "web-origins"}) {
    if (contains(client.default_client_scopes, name)) set.scopes.push_back(name);
  }
  for (const auto& name : client.default_client_scopes) {
    if (!contains(set.scopes, name)) set.scopes.push_back(name);
  }
  if (!requested) return set;
  std::istringstream words(*requested);
  std::string word;
  std::vector<std::string> optional;
  while (words >> word) {
    if (word == "openid") {
      set.openid = true;
    } else if (contains(client.optional_client_scopes, word)) {
      if (!contains(optional, word)) optional.push_back(word);
    } else if (!contains(client.default_client_scopes, word)) {
      return std::nullopt;
    }
  }
  // Keycloak names the requested optional scopes before the defaults ("openid jira-mcp profile email").
  set.scopes.insert(set.scopes.begin(), optional.begin(), optional.end());
  return set;
}

}  // namespace mcph::mock_keycloak
