#include "mcph/mock_backend/credentials.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mcph/http/basic_auth.h"
#include "mcph/text/ascii_case.h"

namespace mcph::mock_backend {
namespace {

std::string string_field(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

PresentedCredential parse_authorization(std::string_view header) {
  PresentedCredential presented;
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  if (header.empty()) {
    presented.scheme = "none";
    return presented;
  }
  const auto space = header.find(' ');
  presented.scheme = text::ascii_lower(header.substr(0, space));
  std::string_view rest = space == std::string_view::npos ? std::string_view{} : header.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (presented.scheme == "basic") {
    if (auto pair = http::parse_basic_authorization(header)) {
      presented.identity = std::move(pair->first);
      presented.secret = std::move(pair->second);
    } else {
      presented.secret = std::string(rest);  // only ever shown masked
    }
  } else {
    presented.secret = std::string(rest);
  }
  return presented;
}

std::string mask_secret(std::string_view secret) {
  if (secret.empty()) return "";
  if (secret.size() < 12) return "****";
  return "****" + std::string(secret.substr(secret.size() - 4));
}

CredentialSet CredentialSet::load(const std::string& secrets_path, Service service) {
  std::ifstream in(secrets_path);
  if (!in) throw std::runtime_error("cannot read secrets file " + secrets_path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse(text.str(), service);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(secrets_path + ": " + e.what());
  }
}

CredentialSet CredentialSet::parse(std::string_view secrets_json, Service service) {
  const nlohmann::json root = nlohmann::json::parse(secrets_json, nullptr, false);
  if (!root.is_object()) throw std::runtime_error("secrets must be a JSON object of users");
  CredentialSet set;
  set.service_ = service;
  const char* service_key = service == Service::jira ? "jira" : "github";
  for (const auto& [user, services] : root.items()) {
    if (!services.is_object()) throw std::runtime_error("entry of user '" + user + "' must be an object");
    const auto found = services.find(service_key);
    if (found == services.end()) continue;
    if (!found->is_object()) throw std::runtime_error(std::string(service_key) + " of user '" + user + "' must be an object");
    // The backend user name; files without one (the harness's generated users) get
    // "<user>-jira" / "<user>-github", the convention of fixtures/secrets.json.
    std::string login = string_field(*found, "username");
    if (login.empty()) login = user + "-" + service_key;
    if (service == Service::jira) {
      // Each secret with the one scheme (and Basic user name) Jira takes it with.
      const std::string owner = user;  // a structured binding cannot be captured (C++20 with clang 14)
      const std::string username = string_field(*found, "username");
      const std::string email = string_field(*found, "email");
      const auto add = [&](const char* kind, const char* scheme, const std::string& identity,
                           const char* identity_name) {
        const std::string secret = string_field(*found, kind);
        if (secret.empty()) return;
        if (std::string_view(scheme) == "basic" && identity.empty()) {
          throw std::runtime_error("jira of user '" + owner + "' has a " + kind + " but no " + identity_name);
        }
        set.entries_.push_back(Entry{owner, login, scheme, identity, secret, kind});
      };
      const std::size_t before = set.entries_.size();
      add("password", "basic", username, "username");          // Data Center
      add("api_token", "basic", email, "email");                // Cloud
      add("personal_access_token", "bearer", "", "");           // Data Center
      if (set.entries_.size() == before) {
        throw std::runtime_error("jira of user '" + user + "' has no password, api_token or personal_access_token");
      }
    } else if (auto token = string_field(*found, "token"); !token.empty()) {
      set.entries_.push_back(Entry{user, login, "bearer", "", token, "token"});
    } else {
      throw std::runtime_error("github of user '" + user + "' has no token");
    }
  }
  return set;
}

Identification CredentialSet::identify(const PresentedCredential& presented) const {
  Identification who;
  who.scheme = presented.scheme;
  who.hint = mask_secret(presented.secret);
  if (presented.scheme == "none") {
    who.user = "none";
    return who;
  }
  who.user = "unknown";
  if (presented.secret.empty()) return who;
  // GitHub takes its tokens as `Bearer` or `token`; Jira's personal access tokens only as `Bearer`.
  std::string scheme = presented.scheme;
  if (scheme == "token" && service_ == Service::github) scheme = "bearer";
  for (const auto& entry : entries_) {
    if (entry.scheme != scheme || entry.secret != presented.secret) continue;
    // Jira matches user names and e-mail addresses without regard to case.
    if (entry.scheme == "basic" && !text::ascii_iequals(entry.identity, presented.identity)) continue;
    who.user = entry.user;
    who.login = entry.login;
    who.kind = entry.kind;
    return who;
  }
  return who;
}

}  // namespace mcph::mock_backend
