// Fuzzes mock-keycloak's request handling in process: its OIDC and admin routes on an
// http::Server that is never started, fed through http::Server::dispatch (no socket).
// The realms (master, and mcp-demo imported from fixtures/keycloak) are made once — their RSA
// keys take ~0.1 s each — and every input starts from a copy of them, so inputs do not leak
// state into each other and a finding replays alone.
//
// Input: up to 8 requests in lib/fuzz's text form (mcph/fuzz/http_requests.h). In header
// values and bodies, $ADMIN_TOKEN becomes a fresh access token of the master realm's
// administrator and $ALICE_TOKEN one of alice in mcp-demo (client mcp-client), both obtained
// through the token endpoint of the same copy.
// Properties: every answer has a valid status and a JSON body when it says so; no request
// ends in a 5xx (an unexpected exception: a bad input must get a clear 4xx).
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "mcph/fuzz/check.h"
#include "mcph/fuzz/http_requests.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/http/server.h"
#include "mcph/text/replace.h"
#include "realm_import.h"
#include "state.h"

using namespace mcph;
using namespace mcph::mock_keycloak;

namespace {

constexpr std::string_view kBaseUrl = "http://127.0.0.1:8080";

struct Fixture {
  std::map<std::string, std::unique_ptr<Realm>> pristine;
  State state;
  http::Server server{server_options()};

  static http::ServerOptions server_options() {
    http::ServerOptions options;
    options.name = "keycloak";
    options.access_log = false;
    options.error_formatter = format_router_error;
    return options;
  }

  Fixture() {
    pristine.emplace("master", master_realm("admin", "admin"));
    std::ifstream in(MCPH_FIXTURES_DIR "/keycloak/realm-mcp-demo.json");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto demo = import_realm(nlohmann::json::parse(text));
    const std::string name = demo->name;
    pristine.emplace(name, std::move(demo));
    for (auto& [_, realm] : pristine) realm->make_deferred_keys();  // not once per input
    state.base_url = [] { return std::string(kBaseUrl); };
    add_oidc_routes(server, state);
    add_admin_routes(server, state);
    add_admin_user_routes(server, state);
    add_admin_client_routes(server, state);
    add_admin_key_routes(server, state);
    add_admin_group_role_routes(server, state);
    add_admin_identity_provider_routes(server, state);
  }

  void reset() {
    state.realms.clear();
    for (const auto& [name, realm] : pristine) state.realms.emplace(name, std::make_unique<Realm>(*realm));
  }

  std::string token(std::string_view realm, std::string_view form) {
    http::Request request;
    request.method = "POST";
    request.path = "/realms/" + std::string(realm) + "/protocol/openid-connect/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = std::string(form);
    const auto response = server.dispatch(request);
    fuzz::check(response.status == 200, "the fixture's password grant failed");
    return nlohmann::json::parse(response.body).at("access_token").get<std::string>();
  }
};

void check_answer(const http::Response& response) {
  fuzz::check(response.status >= 200 && response.status <= 599, "an invalid status");
  fuzz::check(response.status < 500, "a 5xx answer (an unexpected exception)");
  if (response.content_type.find("json") != std::string::npos && !response.body.empty()) {
    fuzz::check(!nlohmann::json::parse(response.body, nullptr, false).is_discarded(), "an answer that is not JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  fixture.reset();
  const std::string_view input = fuzz::as_text(data, size);
  std::map<std::string_view, std::string> tokens;
  if (input.find("$ADMIN_TOKEN") != std::string_view::npos) {
    tokens["$ADMIN_TOKEN"] = fixture.token("master", "grant_type=password&client_id=admin-cli&username=admin&password=admin");
  }
  if (input.find("$ALICE_TOKEN") != std::string_view::npos) {
    tokens["$ALICE_TOKEN"] = fixture.token(
        "mcp-demo", "grant_type=password&client_id=mcp-client&client_secret=mcp-client-secret&username=alice&password=alice123");
  }
  for (auto& request : fuzz::parse_requests(input, 8)) {
    for (const auto& [placeholder, token] : tokens) {
      for (auto& [_, value] : request.headers) value = text::replace_all(std::move(value), placeholder, token);
      request.body = text::replace_all(std::move(request.body), placeholder, token);
    }
    const auto response = fixture.server.dispatch(request);
    fuzz::trace_exchange(request, response);
    check_answer(response);
  }
  return 0;
}
