// mock-spiffe's HTTP API:
//   GET  /                         the SPIFFE bundle endpoint: the trust domain's JWT bundle
//   GET  /live, /ready             health, as SPIRE's health-check listener names them
//   POST /_svid                    mint a JWT-SVID (the stand-in's Workload API FetchJWTSVID); with
//                                  "foreign": true, one for another trust domain's SPIFFE ID
//   GET|POST /_workloads           list or register workloads; DELETE /_workloads/<path>
//   GET  /_keys                    the JWT keys and their states
//   POST /_keys/prepare|activate   rotation; DELETE /_keys/<kid> removes a key at once
#include <nlohmann/json.hpp>

#include "mcph/spiffe/spiffe_id.h"
#include "mcph/sync/unix_time.h"
#include "state.h"

namespace mcph::mock_spiffe {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMaxSvidTtl = 24 * 3600;

Json json_object(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw http::HttpError(400, "the body must be a JSON object");
  return body;
}

// "audience": a string or an array of strings, empty ones dropped (as SPIRE drops them).
std::vector<std::string> audience_of(const Json& body) {
  std::vector<std::string> audience;
  const auto found = body.find("audience");
  if (found != body.end()) {
    const Json list = found->is_string() ? Json::array({*found}) : *found;
    if (!list.is_array()) throw http::HttpError(400, "audience must be a string or an array of strings");
    for (const Json& entry : list) {
      if (!entry.is_string()) throw http::HttpError(400, "audience must be a string or an array of strings");
      if (!entry.get_ref<const std::string&>().empty()) audience.push_back(entry.get<std::string>());
    }
  }
  // The SPIRE agent's words for a request without one.
  if (audience.empty()) throw http::HttpError(400, "audience must be specified");
  return audience;
}

std::int64_t ttl_of(const Json& body, std::int64_t fallback) {
  const auto found = body.find("ttl");
  if (found == body.end()) return fallback;
  if (!found->is_number_integer() || found->get<std::int64_t>() < 1 || found->get<std::int64_t>() > kMaxSvidTtl) {
    throw http::HttpError(400, "ttl must be a number of seconds from 1 to 86400");
  }
  return found->get<std::int64_t>();
}

std::string string_member(const Json& body, const char* name) {
  const auto found = body.find(name);
  if (found == body.end()) return {};
  if (!found->is_string()) throw http::HttpError(400, std::string(name) + " must be a string");
  return found->get<std::string>();
}

// "foreign": true asks for what SPIRE never mints: an SVID for a SPIFFE ID of another trust
// domain, registered nowhere, signed by this trust domain's key, which only a relying party's
// comparison of the SPIFFE ID's trust domain with its provider's refuses.
bool foreign_of(const Json& body) {
  const auto found = body.find("foreign");
  if (found == body.end()) return false;
  if (!found->is_boolean()) throw http::HttpError(400, "foreign must be true or false");
  return found->get<bool>();
}

void mint_svid(State& state, const http::Request& request, http::Response& response) {
  const Json body = json_object(request);
  const std::vector<std::string> audience = audience_of(body);
  const std::string spiffe_id = string_member(body, "spiffe_id");
  if (spiffe_id.empty()) throw http::HttpError(400, "spiffe_id must be specified");
  const bool foreign = foreign_of(body);
  const std::string domain = foreign ? spiffe::trust_domain_of(spiffe_id) : state.options.trust_domain;
  if (auto why = spiffe::why_not_member_id(spiffe_id, domain)) throw http::HttpError(400, *why);
  if (foreign && domain == state.options.trust_domain) {
    throw http::HttpError(400, "foreign: the SPIFFE ID is of this trust domain");
  }
  const std::int64_t ttl = ttl_of(body, state.options.default_svid_ttl);
  std::lock_guard lock(state.mutex);
  // What the Workload API answers a caller no registration entry matches.
  if (!foreign && state.workloads.count(spiffe_id) == 0) throw http::HttpError(403, "no identity issued");
  try {
    const MintedSvid svid = state.authority.mint(spiffe_id, audience, ttl, sync::unix_seconds());
    // The Workload API's JWTSVIDResponse, and when the SVID expires.
    const Json answer = {{"svids", Json::array({{{"spiffe_id", spiffe_id}, {"svid", svid.token}, {"hint", ""}}})},
                         {"expires_at", svid.expires_at}};
    response.set_json(200, answer.dump());
  } catch (const std::logic_error& error) {
    throw http::HttpError(503, error.what());
  }
}

Json workload_listing(const State& state) {
  return {{"trust_domain", state.options.trust_domain}, {"workloads", state.workloads}};
}

void register_workload(State& state, const http::Request& request, http::Response& response) {
  const Json body = json_object(request);
  const std::string name = string_member(body, "name");
  const std::string spiffe_id = string_member(body, "spiffe_id");
  if (name.empty() == spiffe_id.empty()) throw http::HttpError(400, "give either name or spiffe_id");
  std::string id;
  try {
    id = workload_id(state.options.trust_domain, name.empty() ? spiffe_id : name);
  } catch (const std::invalid_argument& error) {
    throw http::HttpError(400, error.what());
  }
  std::lock_guard lock(state.mutex);
  const bool added = state.workloads.insert(id).second;
  response.set_json(added ? 201 : 200, Json({{"spiffe_id", id}}).dump());
}

}  // namespace

void add_routes(http::Server& server, State& state) {
  server.route("GET", "/", [&state](const http::Request&, http::Response& response) {
    std::lock_guard lock(state.mutex);
    response.set_json(200, state.authority.bundle(sync::unix_seconds()).dump(4));
  });
  for (const char* path : {"/live", "/ready"}) {
    server.route("GET", path, [](const http::Request&, http::Response& response) { response.set_json(200, "{}"); });
  }
  server.route("POST", "/_svid", [&state](const http::Request& request, http::Response& response) {
    mint_svid(state, request, response);
  });
  server.route("GET", "/_workloads", [&state](const http::Request&, http::Response& response) {
    std::lock_guard lock(state.mutex);
    response.set_json(200, workload_listing(state).dump());
  });
  server.route("POST", "/_workloads", [&state](const http::Request& request, http::Response& response) {
    register_workload(state, request, response);
  });
  server.route("DELETE", "/_workloads/(.+)", [&state](const http::Request& request, http::Response& response) {
    const std::string id = "spiffe://" + state.options.trust_domain + "/" + request.captures.at(0);
    std::lock_guard lock(state.mutex);
    if (state.workloads.erase(id) == 0) throw http::HttpError(404, "no workload " + id + " is registered");
    response.status = 204;
  });
  server.route("GET", "/_keys", [&state](const http::Request&, http::Response& response) {
    std::lock_guard lock(state.mutex);
    response.set_json(200, state.authority.key_listing(sync::unix_seconds()).dump());
  });
  server.route("POST", "/_keys/prepare", [&state](const http::Request&, http::Response& response) {
    std::lock_guard lock(state.mutex);
    const std::string kid = state.authority.prepare(sync::unix_seconds()).kid;
    response.set_json(200, Json({{"kid", kid}, {"state", "prepared"}}).dump());
  });
  server.route("POST", "/_keys/activate", [&state](const http::Request&, http::Response& response) {
    std::lock_guard lock(state.mutex);
    const std::string kid = state.authority.activate(sync::unix_seconds()).kid;
    response.set_json(200, Json({{"kid", kid}, {"state", "active"}}).dump());
  });
  server.route("DELETE", "/_keys/([^/]+)", [&state](const http::Request& request, http::Response& response) {
    std::lock_guard lock(state.mutex);
    if (!state.authority.remove(request.captures.at(0), sync::unix_seconds())) {
      throw http::HttpError(404, "no JWT key has that kid");
    }
    response.status = 204;
  });
}

}  // namespace mcph::mock_spiffe
