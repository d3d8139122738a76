#include "mcph/mock_keycloak/mock_keycloak.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "errors.h"
#include "realm_import.h"
#include "state.h"

namespace mcph::mock_keycloak {
namespace {

// Quarkus' default request body limit (quarkus.http.limits.max-body-size = 10240K).
constexpr std::size_t kMaxBodyBytes = 10240 * 1024;

std::string describe(const KeycloakError& error) {
  const auto& body = error.body();
  for (const char* key : {"errorMessage", "error_description", "error"}) {
    if (body.contains(key) && body[key].is_string()) return body[key].get<std::string>();
  }
  return body.dump();
}

std::unique_ptr<Realm> load_realm_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot import realm from " + path + ": cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  const auto rep = nlohmann::json::parse(text.str(), nullptr, false);
  if (rep.is_discarded() || !rep.is_object()) {
    throw std::runtime_error("cannot import realm from " + path + ": not a JSON object");
  }
  try {
    return import_realm(rep);
  } catch (const KeycloakError& error) {
    throw std::runtime_error("cannot import realm from " + path + ": " + describe(error));
  }
}

}  // namespace

MockKeycloak::MockKeycloak(Options options) : state_(std::make_unique<State>()) {
  while (!options.hostname_url.empty() && options.hostname_url.back() == '/') options.hostname_url.pop_back();
  state_->options = options;
  state_->bundle_keys.keep_removed_keys(options.unsafe_federated.keep_removed_bundle_keys);
  http::ServerOptions server_options;
  server_options.name = "keycloak";
  server_options.port = options.port;
  server_options.access_log = options.access_log;
  server_options.max_body_bytes = kMaxBodyBytes;
  server_options.error_formatter = format_router_error;
  server_ = std::make_unique<http::Server>(server_options);

  http::Server* server = server_.get();
  const std::string hostname = options.hostname_url;
  state_->base_url = [server, hostname] { return hostname.empty() ? server->url() : hostname; };

  state_->realms.emplace("master", master_realm(options.admin_user, options.admin_password));
  for (const auto& path : options.import_realm_files) {
    auto realm = load_realm_file(path);
    if (state_->realms.count(realm->name)) {
      // Keycloak's --import-realm skips a realm that already exists.
      std::fprintf(stderr, "[keycloak] realm '%s' already exists. Import skipped: %s\n", realm->name.c_str(),
                   path.c_str());
      continue;
    }
    const std::string name = realm->name;
    state_->realms.emplace(name, std::move(realm));
  }

  add_oidc_routes(*server_, *state_);
  add_authorization_server_metadata_routes(*server_, *state_);
  add_admin_routes(*server_, *state_);
  add_admin_user_routes(*server_, *state_);
  add_admin_client_routes(*server_, *state_);
  add_admin_client_scope_routes(*server_, *state_);
  add_admin_mapper_routes(*server_, *state_);
  add_admin_client_role_routes(*server_, *state_);
  add_admin_key_routes(*server_, *state_);
  add_admin_group_role_routes(*server_, *state_);
  add_admin_identity_provider_routes(*server_, *state_);
}

MockKeycloak::~MockKeycloak() { stop(); }

int MockKeycloak::start() { return server_->start(); }

void MockKeycloak::stop() {
  if (server_) server_->stop();
}

std::string MockKeycloak::url() const { return server_->url(); }

http::Server& MockKeycloak::server() { return *server_; }

}  // namespace mcph::mock_keycloak
