// Admin REST: the protocol mappers of a client (/clients/{id}/protocol-mappers/…) and of a client
// scope (/client-scopes/{id}/protocol-mappers/…) — one resource in Keycloak
// (ProtocolMappersResource), with the same answers for both owners.
#include <algorithm>
#include <array>
#include <string_view>

#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;
using MapperList = std::vector<ProtocolMapper>;

// The protocol mapper providers of Keycloak 26.5 (GET /admin/serverinfo, protocolMapperTypes).
// A mapper may use any of them; those the stand-in does not implement add no claims.
constexpr std::array<std::string_view, 36> kMapperProviders = {
    "docker-v2-allow-all-mapper",
    "oidc-acr-mapper", "oidc-address-mapper", "oidc-allowed-origins-mapper", "oidc-amr-mapper",
    "oidc-audience-mapper", "oidc-audience-resolve-mapper", "oidc-claims-param-token-mapper",
    "oidc-claims-param-value-idtoken-mapper", "oidc-full-name-mapper", "oidc-group-membership-mapper",
    "oidc-hardcoded-claim-mapper", "oidc-hardcoded-role-mapper", "oidc-nonce-backwards-compatible-mapper",
    "oidc-organization-membership-mapper", "oidc-role-name-mapper", "oidc-session-state-mapper",
    "oidc-sha256-pairwise-sub-mapper", "oidc-sub-mapper", "oidc-usermodel-attribute-mapper",
    "oidc-usermodel-client-role-mapper", "oidc-usermodel-property-mapper", "oidc-usermodel-realm-role-mapper",
    "oidc-usersessionmodel-note-mapper",
    "saml-audience-mapper", "saml-audience-resolve-mapper", "saml-group-membership-mapper",
    "saml-hardcode-attribute-mapper", "saml-hardcode-role-mapper", "saml-organization-membership-mapper",
    "saml-role-list-mapper", "saml-role-name-mapper", "saml-user-attribute-mapper",
    "saml-user-attribute-nameid-mapper", "saml-user-property-mapper", "saml-user-session-note-mapper"};

// A ProtocolMapperRepresentation as the admin endpoints take it: an unknown provider is a 404;
// no name or protocol breaks a database constraint in Keycloak, which answers 409.
ProtocolMapper checked_mapper(const nlohmann::json& rep) {
  const std::string provider = get_string(rep, "protocolMapper").value_or("");
  if (std::find(kMapperProviders.begin(), kMapperProviders.end(), provider) == kMapperProviders.end()) {
    throw plain_error(404, "ProtocolMapper provider not found");
  }
  if (get_string(rep, "name").value_or("").empty() || get_string(rep, "protocol").value_or("").empty()) {
    throw oauth_error(409, "conflict", "Duplicate resource error");
  }
  return mapper_from_rep(rep);
}

bool name_taken(const MapperList& mappers, const ProtocolMapper& mapper) {
  return std::any_of(mappers.begin(), mappers.end(), [&mapper](const ProtocolMapper& other) {
    return other.id != mapper.id && other.name == mapper.name && other.protocol == mapper.protocol;
  });
}

ProtocolMapper& mapper_or_404(MapperList& mappers, const std::string& id) {
  for (auto& mapper : mappers) {
    if (mapper.id == id) return mapper;
  }
  throw plain_error(404, "Model not found");
}

// Who owns a mapper list: the path prefix of its routes and how a path capture finds it.
struct Owner {
  std::string path;  // "/clients/([^/]+)"
  std::string location_prefix;  // "/clients/"
  std::function<MapperList&(Realm&, const std::string& id)> mappers;
};

void add_routes(http::Server& server, State& state, const Owner& owner) {
  const std::string models = owner.path + "/protocol-mappers/models";
  realm_admin_route(server, state, "GET", models, [owner](Realm& realm, const Request& request, Response& response) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& mapper : owner.mappers(realm, request.captures.at(0))) list.push_back(mapper_rep(mapper));
    write_json(response, 200, list);
  });
  realm_admin_route(server, state, "POST", models,
                    [owner, &state](Realm& realm, const Request& request, Response& response) {
                      MapperList& mappers = owner.mappers(realm, request.captures.at(0));
                      ProtocolMapper mapper = checked_mapper(json_body(request));
                      if (name_taken(mappers, mapper)) throw error_message(409, "Protocol mapper exists with same name");
                      response.status = 201;
                      response.set_header("Location", admin_location(state, realm,
                                                                     owner.location_prefix + request.captures.at(0) +
                                                                         "/protocol-mappers/models/" + mapper.id));
                      mappers.push_back(std::move(mapper));
                    });
  // Several at once, all or none.
  realm_admin_route(server, state, "POST", owner.path + "/protocol-mappers/add-models",
                    [owner](Realm& realm, const Request& request, Response& response) {
                      MapperList& mappers = owner.mappers(realm, request.captures.at(0));
                      const auto reps = json_body(request, true);
                      if (!reps.is_array()) throw invalid_json();
                      MapperList added = mappers;
                      for (const auto& rep : reps) {
                        ProtocolMapper mapper = checked_mapper(rep);
                        if (name_taken(added, mapper)) {
                          throw oauth_error(409, "conflict", "Protocol mapper name must be unique per protocol");
                        }
                        added.push_back(std::move(mapper));
                      }
                      mappers = std::move(added);
                      response.status = 204;
                    });
  realm_admin_route(server, state, "GET", models + "/([^/]+)",
                    [owner](Realm& realm, const Request& request, Response& response) {
                      MapperList& mappers = owner.mappers(realm, request.captures.at(0));
                      write_json(response, 200, mapper_rep(mapper_or_404(mappers, request.captures.at(1))));
                    });
  realm_admin_route(server, state, "PUT", models + "/([^/]+)",
                    [owner](Realm& realm, const Request& request, Response& response) {
                      MapperList& mappers = owner.mappers(realm, request.captures.at(0));
                      ProtocolMapper& mapper = mapper_or_404(mappers, request.captures.at(1));
                      ProtocolMapper updated = checked_mapper(json_body(request));
                      updated.id = mapper.id;
                      if (name_taken(mappers, updated)) throw error_message(409, "Protocol mapper exists with same name");
                      mapper = std::move(updated);
                      response.status = 204;
                    });
  realm_admin_route(server, state, "DELETE", models + "/([^/]+)",
                    [owner](Realm& realm, const Request& request, Response& response) {
                      MapperList& mappers = owner.mappers(realm, request.captures.at(0));
                      const std::string id = mapper_or_404(mappers, request.captures.at(1)).id;
                      std::erase_if(mappers, [&id](const ProtocolMapper& m) { return m.id == id; });
                      response.status = 204;
                    });
}

}  // namespace

void add_admin_mapper_routes(http::Server& server, State& state) {
  add_routes(server, state,
             Owner{"/clients/([^/]+)", "/clients/",
                   [](Realm& realm, const std::string& id) -> MapperList& { return client_or_404(realm, id).mappers; }});
  add_routes(server, state,
             Owner{"/client-scopes/([^/]+)", "/client-scopes/", [](Realm& realm, const std::string& id) -> MapperList& {
                     ClientScope* scope = realm.find_client_scope(id);
                     if (scope == nullptr) throw plain_error(404, "Could not find client scope");
                     return scope->mappers;
                   }});
}

}  // namespace mcph::mock_keycloak
