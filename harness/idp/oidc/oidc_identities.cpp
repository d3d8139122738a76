#include "oidc_identities.h"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "mcph/harness/fixtures/text_file.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

// The fields of an identity; each secret one may come from the environment as well.
constexpr const char* kFields[] = {"name", "kind", "client_id", "client_secret", "grant", "username",
                                   "password", "refresh_token", "command", "scope"};

Json json_of(const YAML::Node& node) {
  if (node.IsSequence()) {
    Json list = Json::array();
    for (const auto& item : node) list.push_back(json_of(item));
    return list;
  }
  if (node.IsMap()) {
    Json object = Json::object();
    for (const auto& item : node) object[item.first.as<std::string>()] = json_of(item.second);
    return object;
  }
  if (node.IsScalar()) return node.as<std::string>();
  return nullptr;
}

std::optional<TokenGrant> parse_grant(const std::string& text) {
  if (text == "password") return TokenGrant::password;
  if (text == "client_credentials") return TokenGrant::client_credentials;
  if (text == "refresh_token") return TokenGrant::refresh_token;
  if (text == "token_command") return TokenGrant::token_command;
  return std::nullopt;
}

std::string text_field(const Json& entry, const std::string& key, const std::string& where) {
  const auto value = entry.find(key);
  if (value == entry.end()) return "";
  if (!value->is_string()) throw std::runtime_error(where + "." + key + " must be text");
  return value->get<std::string>();
}

// An identity's secrets from the environment, over what the file says.
void take_secrets(OidcIdentity& identity, const Environment& environment) {
  for (auto [field, secret] : {std::pair{"PASSWORD", &identity.password}, std::pair{"CLIENT_SECRET", &identity.client_secret},
                               std::pair{"REFRESH_TOKEN", &identity.refresh_token}}) {
    if (auto value = environment(identity_variable(identity.name, field))) *secret = *value;
  }
}

// What an identity's way of getting a token needs, said by name.
void require_complete(const OidcIdentity& identity, const std::string& where) {
  if (identity.kind != "user" && identity.kind != "agent") {
    throw std::runtime_error(where + ".kind must be user or agent, not \"" + identity.kind + "\"");
  }
  const auto missing = [&](const std::string& what, const std::string& variable) {
    return std::runtime_error(where + ": " + what + " missing (in the file, or " + identity_variable(identity.name, variable) + ")");
  };
  if (identity.grant != TokenGrant::token_command && identity.client_id.empty()) {
    throw std::runtime_error(where + ": client_id missing");
  }
  switch (identity.grant) {
    case TokenGrant::password:
      if (identity.password.empty()) throw missing("password", "PASSWORD");
      break;
    case TokenGrant::client_credentials:
      if (identity.client_secret.empty()) throw missing("client_secret", "CLIENT_SECRET");
      break;
    case TokenGrant::refresh_token:
      if (identity.refresh_token.empty()) throw missing("refresh_token", "REFRESH_TOKEN");
      break;
    case TokenGrant::token_command:
      if (identity.command.empty()) throw std::runtime_error(where + ": command missing (a list: the program, its arguments)");
      break;
  }
}

OidcIdentity identity_of(const Json& entry, const std::string& where) {
  if (!entry.is_object()) throw std::runtime_error(where + " must be an object");
  for (const auto& [key, value] : entry.items()) {
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      throw std::runtime_error(where + ": unknown field \"" + key + "\"");
    }
  }
  OidcIdentity identity;
  identity.name = text_field(entry, "name", where);
  if (identity.name.empty()) throw std::runtime_error(where + ": name missing");
  if (const std::string kind = text_field(entry, "kind", where); !kind.empty()) identity.kind = kind;
  identity.client_id = text_field(entry, "client_id", where);
  identity.client_secret = text_field(entry, "client_secret", where);
  identity.username = text_field(entry, "username", where);
  identity.password = text_field(entry, "password", where);
  identity.refresh_token = text_field(entry, "refresh_token", where);
  identity.scope = text_field(entry, "scope", where);
  const std::string grant = text_field(entry, "grant", where);
  const auto parsed = parse_grant(grant);
  if (!parsed) {
    throw std::runtime_error(where + ".grant must be password, client_credentials, refresh_token or token_command, not \"" +
                             grant + "\"");
  }
  identity.grant = *parsed;
  if (const auto command = entry.find("command"); command != entry.end()) {
    if (!command->is_array()) throw std::runtime_error(where + ".command must be a list: the program, its arguments");
    for (const auto& word : *command) {
      if (!word.is_string()) throw std::runtime_error(where + ".command must be a list of text");
      identity.command.push_back(word.get<std::string>());
    }
  }
  return identity;
}

std::vector<OidcIdentity> from_file(const std::string& file) {
  require_private_file(file);
  const auto text = fixtures::read_text_file(file);
  if (!text) throw std::runtime_error("cannot read the identities file " + file);
  Json document;
  try {
    document = json_of(YAML::Load(*text));  // YAML, of which JSON is a part
  } catch (const YAML::Exception& e) {
    // The parser's message may quote the line, a secret's: only where it is.
    throw std::runtime_error("the identities file " + file + " is neither JSON nor YAML (line " +
                             std::to_string(e.mark.line + 1) + ")");
  }
  const auto list = document.is_object() ? document.find("identities") : document.end();
  if (list == document.end() || !list->is_array()) throw std::runtime_error("the identities file " + file + " has no list 'identities'");
  std::vector<OidcIdentity> identities;
  for (std::size_t i = 0; i < list->size(); ++i) {
    identities.push_back(identity_of((*list)[i], file + ": identities[" + std::to_string(i) + "]"));
  }
  return identities;
}

std::vector<OidcIdentity> from_environment(const Environment& environment) {
  const auto names = environment("MCPH_IDENTITIES");
  if (!names || names->empty()) {
    throw std::runtime_error("the oidc identity provider has no identities: name a file (services.oidc.identities_file) "
                             "or list them in MCPH_IDENTITIES");
  }
  std::vector<OidcIdentity> identities;
  std::string rest = *names;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string name = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    if (name.empty()) continue;
    Json entry = {{"name", name}};
    for (const char* field : {"kind", "client_id", "grant", "username", "scope"}) {
      std::string variable = field;
      for (char& c : variable) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (auto value = environment(identity_variable(name, variable))) entry[field] = *value;
    }
    if (!entry.contains("grant")) entry["grant"] = "password";
    identities.push_back(identity_of(entry, "MCPH_IDENTITIES: " + name));
  }
  return identities;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& variable) -> std::optional<std::string> {
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string identity_variable(const std::string& name, const std::string& field) {
  std::string variable = "MCPH_IDENTITY_";
  for (const char c : name) {
    variable += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  }
  return variable + "_" + field;
}

void require_private_file(const std::string& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) throw std::runtime_error("cannot read the identities file " + file);
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw std::runtime_error("the identities file " + file + " holds secrets and others may read it (mode " + mode +
                             "): chmod 600 it");
  }
  if (info.st_uid != ::geteuid()) {
    throw std::runtime_error("the identities file " + file + " holds secrets and is another user's (uid " +
                             std::to_string(info.st_uid) + "): it must be the harness user's own");
  }
}

std::vector<OidcIdentity> load_identities(const std::string& file, const Environment& environment) {
  std::vector<OidcIdentity> identities = file.empty() ? from_environment(environment) : from_file(file);
  const std::string where = file.empty() ? std::string("MCPH_IDENTITIES") : file;
  std::set<std::string> names;
  for (auto& identity : identities) {
    if (!names.insert(identity.name).second) throw std::runtime_error(where + ": identity " + identity.name + " twice");
    take_secrets(identity, environment);
    require_complete(identity, where + ": identity " + identity.name);
  }
  return identities;
}

}  // namespace mcph::harness::idp
