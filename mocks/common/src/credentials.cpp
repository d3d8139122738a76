#include "mcph/mock_backend/credentials.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mcph/http/basic_auth.h"

namespace mcph::mock_backend {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

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
  presented.scheme = lower(header.substr(0, space));
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
      std::vector<std::string> identities;
      for (const char* name : {"username", "email"}) {
        if (auto id = string_field(*found, name); !id.empty()) identities.push_back(id);
      }
      if (identities.empty()) throw std::runtime_error("jira of user '" + user + "' has no username or email");
      for (const char* kind : {"password", "api_token"}) {
        if (auto secret = string_field(*found, kind); !secret.empty()) {
          set.entries_.push_back(Entry{user, login, identities, secret, kind});
        }
      }
    } else if (auto token = string_field(*found, "token"); !token.empty()) {
      set.entries_.push_back(Entry{user, login, {}, token, "token"});
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
  const bool basic = presented.scheme == "basic";
  const bool bearer = presented.scheme == "bearer" || presented.scheme == "token";
  if (presented.secret.empty() || (service_ == Service::jira ? !basic : !bearer)) return who;
  for (const auto& entry : entries_) {
    if (entry.secret != presented.secret) continue;
    if (service_ == Service::jira &&
        std::find(entry.identities.begin(), entry.identities.end(), presented.identity) == entry.identities.end()) {
      continue;
    }
    who.user = entry.user;
    who.login = entry.login;
    who.kind = entry.kind;
    return who;
  }
  return who;
}

}  // namespace mcph::mock_backend
