#include "mcph/harness/stack/auth_profile.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "mcph/harness/provision/secret_layout.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {
namespace {

// A mode's text value: required, or its default when absent.
std::string value_of(const std::string& value, const std::string& where, bool required, const std::string& fallback = {}) {
  if (value.empty() && required) throw std::runtime_error(where + " is missing");
  return value.empty() ? fallback : value;
}
std::string one_of(const std::string& value, const std::string& where, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    throw std::runtime_error(where + " must be one of " + text::join(allowed) + ", not \"" + value + "\"");
  }
  return value;
}
std::string url_of(const std::string& value, const std::string& where, const std::vector<std::string>& schemes, bool required) {
  if (value_of(value, where, required).empty()) return value;
  for (const auto& scheme : schemes) {
    if (value.rfind(scheme + "://", 0) == 0) return value;
  }
  throw std::runtime_error(where + " must be an " + text::join(schemes, ":// or ") + ":// URL, not \"" + value + "\"");
}

void resolve_path(std::string& path, const std::filesystem::path& base) {
  if (!path.empty() && std::filesystem::path(path).is_relative()) path = (base / path).lexically_normal().string();
}

}  // namespace

bool is_auth_mode(std::string_view mode) {
  for (const std::string_view known : {"api_key", "static_jwt", "mtls", "proxy_headers", "client_credentials", "keycloak_user"}) {
    if (mode == known) return true;
  }
  return false;
}

std::vector<std::string> AuthProfile::modes() const {
  std::vector<std::string> out;
  if (api_key) out.push_back("api_key");
  if (static_jwt) out.push_back("static_jwt");
  if (mtls) out.push_back("mtls");
  if (proxy_headers) out.push_back("proxy_headers");
  if (client_credentials) out.push_back("client_credentials");
  if (keycloak_user) out.push_back("keycloak_user");
  return out;
}

bool AuthProfile::accepts(std::string_view mode) const {
  const auto all = modes();
  return std::find(all.begin(), all.end(), mode) != all.end();
}

bool AuthProfile::has_agent(std::string_view name) const { return std::find(agents.begin(), agents.end(), name) != agents.end(); }

std::string AuthProfile::name_of(const std::string& agent) const { return provision::server_name_of(names, agent); }

std::string AuthProfile::with_server_names(const std::string& text) const { return with_agent_names(names, text); }

std::string with_agent_names(const std::map<std::string, std::string>& names, const std::string& text) {
  const auto part_of_a_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; };
  // A word starts after a separator, or after one percent-encoded ("..%2fagent-a%2fjira").
  const auto starts_word = [&](std::size_t at) {
    if (at == 0 || !part_of_a_name(text[at - 1])) return true;
    if (at < 3 || text[at - 3] != '%') return false;
    const std::string escape = text.substr(at - 2, 2);
    return escape == "2f" || escape == "2F" || escape == "5c" || escape == "5C";
  };
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto named = !starts_word(at) ? names.end() : std::find_if(names.begin(), names.end(), [&](const auto& entry) {
      const std::size_t end = at + entry.first.size();
      return text.compare(at, entry.first.size(), entry.first) == 0 && (end == text.size() || !part_of_a_name(text[end]));
    });
    if (named == names.end()) {
      out += text[at++];
    } else {
      out += named->second;
      at += named->first.size();
    }
  }
  return out;
}

AuthProfile AuthProfile::resolved(const std::filesystem::path& base) const {
  AuthProfile out = *this;
  if (out.api_key) resolve_path(out.api_key->keys_file, base);
  if (out.static_jwt) resolve_path(out.static_jwt->key_file, base);
  if (out.mtls) {
    for (std::string* path : {&out.mtls->server_ca_file, &out.mtls->client_ca_cert, &out.mtls->client_ca_key}) resolve_path(*path, base);
  }
  if (out.client_credentials) resolve_path(out.client_credentials->clients_file, base);
  return out;
}

AuthProfile auth_profile(const AgentAuthFields& fields, const std::string& field) {
  AuthProfile auth;
  static_cast<AgentAuthFields&>(auth) = fields;
  if (auth.api_key) {
    auth.api_key->header = value_of(auth.api_key->header, "", false, "X-API-Key");
    value_of(auth.api_key->keys_file, field + ".api_key.keys_file", true);
  }
  if (auto& part = auth.static_jwt) {
    const std::string where = field + ".static_jwt.";
    one_of(value_of(part->alg, where + "alg", true), where + "alg", {"HS256", "RS256", "ES256"});
    for (const auto& [key, value] : {std::pair{"key_file", &part->key_file}, {"iss", &part->iss}, {"aud", &part->aud}}) {
      value_of(*value, where + key, true);
    }
    part->scope_claim = value_of(part->scope_claim, "", false, "scope");
    part->scope_form = value_of(part->scope_form, "", false, "string");
    one_of(part->scope_form, where + "scope_form", {"string", "array"});
  }
  if (const auto& part = auth.mtls) {
    const std::string where = field + ".mtls.";
    url_of(part->proxy_url, where + "proxy_url", {"https"}, true);
    url_of(part->direct_url, where + "direct_url", {"http", "https"}, false);
    for (const auto& [key, value] : {std::pair{"server_ca_file", &part->server_ca_file},
                                     {"client_ca_cert", &part->client_ca_cert}, {"client_ca_key", &part->client_ca_key}}) {
      value_of(*value, where + key, true);
    }
  }
  if (auto& part = auth.proxy_headers) {
    part->dn_header = value_of(part->dn_header, "", false, "X-SSL-Client-S-DN");
    part->verify_header = value_of(part->verify_header, "", false, "X-SSL-Client-Verify");
  }
  if (auto& part = auth.client_credentials) {
    const std::string where = field + ".client_credentials.";
    url_of(part->token_url, where + "token_url", {"http", "https"}, true);
    url_of(part->issuer, where + "issuer", {"http", "https"}, false);
    value_of(part->clients_file, where + "clients_file", true);
    part->method = one_of(value_of(part->method, "", false, "client_secret_post"), where + "method",
                          {"client_secret_post", "client_secret_basic"});
  }
  auth.keycloak_user = fields.keycloak_user_jwts.value_or(false);
  const auto modes = auth.modes();
  if (modes.empty()) throw std::runtime_error(field + " names no mode (" + std::string(kAuthModes) + ")");
  auth.default_mode = value_of(fields.default_kind, "", false, modes.front());
  if (!is_auth_mode(auth.default_mode)) {
    throw std::runtime_error(field + ".default must be one of " + std::string(kAuthModes) + ", not \"" + auth.default_mode + "\"");
  }
  if (!auth.accepts(auth.default_mode)) {
    throw std::runtime_error(field + ".default: \"" + auth.default_mode + "\" is not configured here (" + text::join(modes) + ")");
  }
  if (auth.agents.empty() && auth.default_mode != "keycloak_user") {
    throw std::runtime_error(field + ".agents: list the agents a scenario may act as");
  }
  return auth;
}

}  // namespace mcph::harness::stack
