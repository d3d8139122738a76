#include "client_auth.h"

#include "crypto_util.h"
#include "errors.h"
#include "request_util.h"

namespace mcph::mock_keycloak {

Client& authenticate_client(Realm& realm, const http::Request& request, const http::Fields& form) {
  std::optional<std::string> client_id;
  std::optional<std::string> secret;
  if (const auto basic = basic_credentials(request)) {
    client_id = basic->first;
    secret = basic->second;
  } else {
    client_id = form_value(form, "client_id");
    secret = form_value(form, "client_secret");
  }
  Client* client = client_id ? realm.find_client_by_client_id(*client_id) : nullptr;
  // No client_id at all is answered like an unknown client.
  if (client == nullptr || !client->enabled) {
    throw oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials");
  }
  if (client->public_client) return *client;
  if (!secret || client->secret.empty() || !constant_time_equals(*secret, client->secret)) {
    throw oauth_error(401, "unauthorized_client", "Invalid client or Invalid client credentials");
  }
  return *client;
}

}  // namespace mcph::mock_keycloak
