#include "model.h"

#include <chrono>

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

User* Realm::find_user(const std::string& id) {
  auto it = users.find(id);
  return it == users.end() ? nullptr : &it->second;
}

User* Realm::find_user_by_username(std::string_view username) {
  const std::string wanted = text::ascii_lower(username);
  for (auto& [id, user] : users) {
    if (user.username == wanted) return &user;
  }
  return nullptr;
}

User* Realm::find_user_by_email(std::string_view email) {
  const std::string wanted = text::ascii_lower(email);
  if (wanted.empty()) return nullptr;
  for (auto& [id, user] : users) {
    if (user.email == wanted) return &user;
  }
  return nullptr;
}

Client* Realm::find_client(const std::string& id) {
  auto it = clients.find(id);
  return it == clients.end() ? nullptr : &it->second;
}

Client* Realm::find_client_by_client_id(std::string_view client_id) {
  for (auto& [id, client] : clients) {
    if (client.client_id == client_id) return &client;
  }
  return nullptr;
}

ClientScope* Realm::find_client_scope(const std::string& id) {
  const auto it = client_scopes.find(id);
  return it == client_scopes.end() ? nullptr : &it->second;
}

const ClientScope* Realm::find_client_scope_by_name(std::string_view name) const {
  for (const auto& [id, scope] : client_scopes) {
    if (scope.name == name) return &scope;
  }
  return nullptr;
}

const RealmKey* Realm::active_key(std::string_view algorithm) const {
  const RealmKey* best = nullptr;
  for (const auto& key : keys) {
    if (!key.spec.enabled || !key.spec.active || key.spec.algorithm != algorithm) continue;
    if (key.use != KeyUse::sig) continue;
    if (best == nullptr || key.spec.priority > best->spec.priority) best = &key;
  }
  return best;
}

const RealmKey* Realm::find_hmac_key(const std::string& kid) const {
  for (const auto& key : keys) {
    if (key.type == "OCT" && key.spec.enabled && key.kid == kid) return &key;
  }
  return nullptr;
}

void Realm::keys_changed() {
  jose::JwkSet set;
  for (const auto& key : keys) {
    if (key.is_rsa() && key.use == KeyUse::sig && key.spec.enabled) {
      set.add(jose::Jwk{key.rsa->public_only(), key.kid, jose::Alg::RS256, "sig"});
    }
  }
  verification_keys = std::make_shared<const jose::JwkSet>(std::move(set));
}

void Realm::make_deferred_keys() {
  if (deferred_keys.empty()) return;
  for (auto& spec : deferred_keys) keys.push_back(make_key(name, std::move(spec)));
  deferred_keys.clear();
  keys_changed();
}

void Realm::remove_user(std::string id) {
  users.erase(id);
  for (auto it = sessions.begin(); it != sessions.end();) {
    it = it->second.user_id == id ? sessions.erase(it) : std::next(it);
  }
}

}  // namespace mcph::mock_keycloak
