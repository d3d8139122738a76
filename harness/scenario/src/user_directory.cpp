#include "user_directory.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

#include "mcph/http/url.h"
#include "mcph/vault/client.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

UserDirectory::UserDirectory(const stack::StackFile& stack, const std::filesystem::path& fixtures_dir)
    : stack_(stack), fixtures_dir_(fixtures_dir), fixtures_(fixtures::load_users(fixtures::FixtureFiles::in(fixtures_dir))) {}

UserDirectory::~UserDirectory() = default;

const fixtures::UserFixture& UserDirectory::fixture(const std::string& username) {
  for (const auto& user : fixtures_) {
    if (user.username == username) return user;
  }
  static const std::regex generated_name("user([0-9]{4})");
  std::smatch match;
  if (std::regex_match(username, match, generated_name)) {
    auto [it, fresh] = generated_.try_emplace(username);
    if (fresh) it->second = fixtures::generated_user(std::stoi(match[1]));
    return it->second;
  }
  throw std::runtime_error("unknown user \"" + username + "\": not in the fixtures and not a generated user (user0001…)");
}

const std::string& UserDirectory::keycloak_id(const std::string& username) {
  auto it = keycloak_ids_.find(username);
  if (it != keycloak_ids_.end()) return it->second;
  return keycloak_ids_[username] = stack_.identity_provider().subject(stack_.identity_provider_site(fixtures_dir_), username);
}

const std::string& UserDirectory::entity_id(const std::string& username) {
  auto it = entity_ids_.find(username);
  if (it != entity_ids_.end()) return it->second;
  const stack::ServiceEntry& vault = stack_.service("vault");
  vault::Client client(vault.url);
  const auto response = client.request("GET", "identity/entity/name/" + http::percent_encode(username), vault.vault.token);
  std::string id;
  if (const Json body = Json::parse(response.body, nullptr, false); response.status == 200 && body.is_object()) {
    id = body.value("/data/id"_json_pointer, "");
  }
  if (!id.empty()) entity_names_[id] = username;
  return entity_ids_[username] = id;
}

std::string UserDirectory::entity_name(const std::string& entity_id) {
  if (entity_id.empty()) return "";
  auto it = entity_names_.find(entity_id);
  if (it != entity_names_.end()) return it->second;
  const stack::ServiceEntry& vault = stack_.service("vault");
  vault::Client client(vault.url);
  std::string name;
  try {
    name = client.entity_name(entity_id, vault.vault.token);
  } catch (const vault::VaultError&) {
    // No such entity (or a nameless one): shown as its id by the callers.
  }
  return entity_names_[entity_id] = name;
}

std::string UserDirectory::client_secret(const std::string& client_id) {
  if (!clients_loaded_) {
    for (auto& client : fixtures::load_realm_clients(fixtures::FixtureFiles::in(fixtures_dir_))) {
      client_secrets_[client.client_id] = std::move(client.secret);
    }
    clients_loaded_ = true;
  }
  if (auto it = client_secrets_.find(client_id); it != client_secrets_.end()) return it->second;
  // A client the stack made (an agent's service account) has a secret only Keycloak knows.
  const auto secret = stack_.identity_provider().client_secret(stack_.identity_provider_site(fixtures_dir_), client_id);
  if (!secret) {
    throw std::runtime_error("neither the realm fixture nor Keycloak has a secret of client " + client_id +
                             " (give client_secret in the step)");
  }
  return client_secrets_[client_id] = *secret;
}

}  // namespace mcph::harness::scenario
