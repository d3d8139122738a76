// The realm fixture in Keycloak, through its admin REST API: the realm, its clients, each user.
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "keycloak_provider.h"
#include "mcph/harness/idp/keycloak_realm_export.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/sync/parallel_for.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

// Users are provisioned this many at a time: the real Keycloak hashes every password.
constexpr std::size_t kUsersAtOnce = 8;

Json realm_fixture(const IdentityProviderSite& site) {
  const auto path = fixtures::FixtureFiles::in(fixtures::fixtures_or_default(site.fixtures_dir)).realm;
  const auto text = fixtures::read_text_file(path);
  if (!text) throw std::runtime_error("cannot read " + path.string());
  Json realm = Json::parse(*text, nullptr, false);
  if (realm.is_discarded()) throw std::runtime_error(path.string() + " is not valid JSON");
  realm["realm"] = site.realm;
  return realm;
}

// One pass over the realm, its clients and users: making what is missing, or (`drifts` given)
// recording how each differs.
class RealmPass {
 public:
  RealmPass(const IdentityProviderSite& site, const provision::ProvisionOptions& options, std::vector<provision::Drift>* drifts)
      : site_(site), options_(options), drifts_(drifts) {}

  int run(std::vector<provision::ProvisionedUser>& users) {
    say("keycloak: realm " + site_.realm);
    provision::KeycloakAdmin admin(site_.url, site_.fields.user(), site_.fields.password());
    const Json realm = realm_fixture(site_);
    // A team's realm is made from its export, under the stack's realm name; the fixture's clients
    // (the users' app, the servers' token exchange) are added to it below.
    Json own = site_.realm_file.empty() ? realm : read_realm_export(site_.realm_file);
    own["realm"] = site_.realm;
    if (const auto current = admin.find_realm(site_.realm)) {
      // The token lifespan bounds how long a signed-out user's token stays accepted (family 8)
      // and when the expiry family's tokens expire.
      if (checking()) drifted("Keycloak realm " + site_.realm, provision::json_differences(*current, own, {"accessTokenLifespan"}));
    } else {
      if (checking()) {
        drifted("Keycloak realm " + site_.realm, {provision::kMissing});
        return 0;
      }
      admin.create_realm(own);
      changed("realm " + site_.realm + (site_.realm_file.empty() ? "" : " from " + site_.realm_file.string()));
    }
    for (const auto& client : realm.value("clients", Json::array())) {
      const std::string client_id = client.value("clientId", "");
      if (admin.find_client(site_.realm, client_id)) continue;
      if (checking()) {
        drifted("Keycloak client " + client_id, {provision::kMissing});
        continue;
      }
      admin.create_client(site_.realm, client);
      changed("client " + client_id);
    }
    // One admin session per worker (a KeycloakAdmin is one connection).
    std::vector<std::unique_ptr<provision::KeycloakAdmin>> admins(kUsersAtOnce);
    sync::parallel_for(users.size(), kUsersAtOnce, [&](std::size_t i, std::size_t worker) {
      if (!admins[worker]) admins[worker] = std::make_unique<provision::KeycloakAdmin>(site_.url, site_.fields.user(), site_.fields.password());
      user(*admins[worker], users[i]);
    });
    say("keycloak: " + std::to_string(users.size()) + " users");
    return changes_;
  }

 private:
  void user(provision::KeycloakAdmin& admin, provision::ProvisionedUser& user) {
    const auto& f = user.fixture;
    if (auto existing = admin.find_user(site_.realm, f.username)) {
      user.id = existing->value("id", "");
      // A user left disabled (a scenario's idp step whose run was killed) can sign in nowhere.
      if (checking() && !existing->value("enabled", true)) {
        drifted("Keycloak user " + f.username, {"enabled: true expected, false found (the user can sign in nowhere)"});
      }
      return;
    }
    if (checking()) return drifted("Keycloak user " + f.username, {provision::kMissing});
    const Json rep = {{"username", f.username},  {"email", f.email}, {"firstName", f.first_name},
                      {"lastName", f.last_name}, {"enabled", true},  {"emailVerified", true},
                      {"credentials", Json::array({{{"type", "password"}, {"value", f.password}, {"temporary", false}}})}};
    user.id = admin.create_user(site_.realm, rep);
    changed("user " + f.username);
  }

  bool checking() const { return drifts_ != nullptr; }
  void say(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (options_.progress) options_.progress(line);
  }
  void changed(const std::string& what) {
    ++changes_;
    say("  + " + what);
  }
  void drifted(const std::string& object, const std::vector<std::string>& found) {
    std::lock_guard lock(mutex_);
    for (const auto& difference : found) drifts_->push_back({object, difference});
  }

  const IdentityProviderSite& site_;
  const provision::ProvisionOptions& options_;
  std::vector<provision::Drift>* drifts_;
  std::atomic<int> changes_{0};
  std::mutex mutex_;
};

}  // namespace

int provision_keycloak_realm(const IdentityProviderSite& site, const provision::ProvisionOptions& options,
                             std::vector<provision::ProvisionedUser>& users) {
  try {
    return RealmPass(site, options, nullptr).run(users);
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning stopped: a service did not answer: ") + e.what());
  }
}

std::vector<provision::Drift> check_keycloak_realm(const IdentityProviderSite& site, const provision::ProvisionOptions& options,
                                        std::vector<provision::ProvisionedUser>& users) {
  std::vector<provision::Drift> drifts;
  try {
    RealmPass(site, options, &drifts).run(users);
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("checking the stack's configuration: a service did not answer: ") + e.what());
  }
  return drifts;
}

}  // namespace mcph::harness::idp
