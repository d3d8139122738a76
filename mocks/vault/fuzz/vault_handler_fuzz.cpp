// Fuzzes mock-vault's request handling end to end, in process: a fresh dev-mode core (root
// token "root") per input and its routes on an http::Server that is never started; requests
// go through http::Server::dispatch, so no socket is opened (Vault's HTTP layer, routing,
// token and ACL checks, every backend).
//
// Input: up to 8 requests in lib/fuzz's text form (mcph/fuzz/http_requests.h).
// Left out, so that a run never leaves the machine or writes files: requests that name a URL
// or a host (the JWT method's JWKS/discovery fetch, database connections) and enabling audit
// devices (a file device writes where it is told).
// Properties: every answer has a valid status and a JSON body (the UI's pages and redirects:
// HTML); errors have Vault's {"errors":[strings]} shape (but KV's 404 with a warning, as Vault
// gives); no request ends in the core's catch-all 500 "internal error" (an unexpected
// exception: a bad input must get a clear 4xx).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core.h"
#include "mcph/fuzz/check.h"
#include "mcph/fuzz/http_requests.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/http/server.h"
#include "mcph/text/ascii_case.h"
#include "vault_http.h"

using namespace mcph;

namespace {

bool contains_folded(std::string_view text, std::string_view word) {
  return mcph::text::ascii_lower(text).find(word) != std::string::npos;
}

bool leaves_the_process(const http::Request& request) {
  std::string text = request.path + "\n" + request.body;
  for (const auto& [name, value] : request.query) text += "\n" + name + "=" + value;
  for (auto word : {"url", "host", "://"}) {
    if (contains_folded(text, word)) return true;
  }
  return contains_folded(request.path, "audit") && !contains_folded(request.path, "audit-hash");
}

void check_answer(const http::Response& response) {
  fuzz::check(response.status >= 200 && response.status <= 599, "an invalid status");
  if (response.status == 204) return;
  // Vault's UI: its placeholder page and the redirects to it (and from /v1 to /v1/) are HTML.
  if (response.content_type.rfind("text/html", 0) == 0) {
    fuzz::check(response.status == 200 || response.status == 307, "an HTML answer that is not the UI's");
    return;
  }
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  fuzz::check(!body.is_discarded(), "an answer that is not JSON");
  if (response.status < 400) return;
  // KV v2 answers a path outside data/, metadata/, … with 404 and a warning, no errors (Vault 1.21).
  if (response.status == 404 && body.is_object() && !body.contains("errors") && body.contains("warnings") &&
      body["warnings"].is_array() && !body["warnings"].empty()) {
    return;
  }
  // KV v2 reads a deleted or destroyed version as 404 with its metadata and data null, no
  // errors (Vault 1.21's kv backend: RespondWithStatusCode(resp, req, 404)).
  if (response.status == 404 && body.is_object() && !body.contains("errors") &&
      body.contains("/data/metadata/deletion_time"_json_pointer) && body["data"]["data"].is_null()) {
    return;
  }
  fuzz::check(body.is_object() && body.contains("errors") && body["errors"].is_array(), "an error without errors[]");
  for (const auto& error : body["errors"]) {
    fuzz::check(error.is_string(), "an error that is not a string");
    fuzz::check(response.status != 500 || error.get<std::string>().find("internal error") == std::string::npos,
                "an unexpected exception (500 internal error)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mock_vault::Core core(mock_vault::CoreOptions{"root", ""});
  http::ServerOptions options;
  options.name = "mock-vault";
  options.access_log = false;
  options.error_formatter = mock_vault::format_http_error;
  options.extension_methods = {"LIST"};  // as src/app.cpp: the routes take Vault's list verb
  http::Server server(options);
  mock_vault::install_routes(server, core);
  for (auto& request : fuzz::parse_requests(fuzz::as_text(data, size), 8)) {
    if (leaves_the_process(request)) continue;
    const auto response = server.dispatch(request);
    fuzz::trace_exchange(request, response);
    check_answer(response);
  }
  return 0;
}
