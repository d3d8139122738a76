#include "model.h"

#include <algorithm>
#include <chrono>

#include "errors.h"

namespace mcph::mock_cognito {

bool AppClient::allows(const std::string& flow) const {
  return std::find(explicit_auth_flows.begin(), explicit_auth_flows.end(), flow) != explicit_auth_flows.end();
}

std::string to_string(UserStatus status) {
  return status == UserStatus::confirmed ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
}

const std::string* User::attribute(const std::string& name) const {
  if (name == "sub") return &sub;
  for (const auto& [key, value] : attributes) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string MockCognito::State::issuer(const std::string& pool_id) const {
  const std::string base = options.issuer_base.empty()
                               ? "https://cognito-idp." + options.region + ".amazonaws.com"
                               : options.issuer_base;
  return base + "/" + pool_id;
}

std::string MockCognito::State::local_url() const { return server->url(); }

Pool& MockCognito::State::pool(const std::string& pool_id) {
  const auto it = pools.find(pool_id);
  if (it == pools.end()) throw resource_not_found("User pool " + pool_id + " does not exist.");
  return *it->second;
}

std::pair<Pool*, AppClient*> MockCognito::State::client(const std::string& client_id) {
  for (auto& [id, pool] : pools) {
    const auto it = pool->clients.find(client_id);
    if (it != pool->clients.end()) return {pool.get(), &it->second};
  }
  throw resource_not_found("User pool client " + client_id + " does not exist.");
}

double now_seconds() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return static_cast<double>(ms.count()) / 1000.0;
}

std::int64_t now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mcph::mock_cognito
