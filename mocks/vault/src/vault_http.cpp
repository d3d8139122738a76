#include "vault_http.h"

#include <array>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "json_limits.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

// Paths whose response data Vault also copies to the top level (http/handler.go
// injectDataIntoTopRoutes; a pattern ending in '/' covers the subtree).
bool inject_data_into_top(const std::string& path) {
  static constexpr std::array<std::string_view, 14> kExact{
      "sys/audit", "sys/auth", "sys/mounts", "sys/policy", "sys/capabilities", "sys/capabilities-accessor",
      "sys/capabilities-self", "sys/config/cors", "sys/key-status", "sys/remount", "sys/rotate",
      "sys/wrapping/wrap", "sys/ha-status", "sys/config/auditing/request-headers"};
  static constexpr std::array<std::string_view, 6> kSubtrees{
      "sys/audit/", "sys/audit-hash/", "sys/auth/", "sys/mounts/", "sys/policy/", "sys/config/auditing/request-headers/"};
  for (auto exact : kExact) {
    if (path == exact) return true;
  }
  for (auto subtree : kSubtrees) {
    if (starts_with(path, subtree)) return true;
  }
  return false;
}

void render(const VaultRequest& request, const VaultResponse& response, http::Response& out) {
  out.set_header("Cache-Control", "no-store");
  for (const auto& [name, value] : response.headers) out.set_header(name, value);
  if (response.is_error) {
    out.set_json(response.status, Json{{"errors", response.errors}}.dump());
    return;
  }
  if (response.empty) {
    out.status = 204;
    out.body.clear();
    return;
  }
  if (response.raw) {
    out.set_json(response.status, response.data.dump());
    return;
  }
  Json body{
      {"request_id", request.id},
      {"lease_id", response.lease_id},
      {"renewable", response.renewable},
      {"lease_duration", response.lease_duration},
      {"data", response.data},
      {"wrap_info", nullptr},
      {"warnings", response.warnings.empty() ? Json(nullptr) : Json(response.warnings)},
      {"auth", response.auth},
      // Login responses carry no mount type (vault/request_handling.go).
      {"mount_type", response.auth.is_null() || request.token ? request.mount_type : ""},
  };
  if (response.data.is_object() && inject_data_into_top(request.path)) {
    for (const auto& [key, value] : response.data.items()) {
      if (!body.contains(key)) body[key] = value;
    }
  }
  out.set_json(response.status, body.dump());
}

void redirect(http::Response& out, const std::string& location) {
  out.set_header("Cache-Control", "no-store");
  out.set_header("Location", location);
  out.content_type = "text/html; charset=utf-8";
  out.status = 307;
  out.body = "<a href=\"" + location + "\">Temporary Redirect</a>.\n\n";
}

// path.Clean as Go's ServeMux applies it, keeping a trailing slash.
std::string clean_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string clean;
  for (const auto& segment : segments) clean += "/" + segment;
  if (clean.empty()) return "/";
  const bool trailing = path.size() > 1 && path.back() == '/';
  return trailing ? clean + "/" : clean;
}

void error_out(http::Response& out, int status, std::vector<std::string> errors) {
  out.set_header("Cache-Control", "no-store");
  out.set_json(status, Json{{"errors", std::move(errors)}}.dump());
}

Json query_data(const http::Request& in) {
  Json data = Json::object();
  for (const auto& [name, value] : in.query) {
    if (name == "list") continue;
    data[name] = value;
  }
  return data;
}

// Vault checks a body against its JSON limits first (500 with the limit's message), then decodes
// it into map[string]interface{}: anything but an object (or nothing) is a 400. The parser's own
// text is not echoed since bodies carry secrets.
Json body_data(const http::Request& in) {
  const std::string& body = in.body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  if (const auto broken = json_limit_broken(body)) throw VaultError(500, {*broken});
  // Within the limits, the depth is bounded, so nlohmann's recursive parser is safe here.
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    throw VaultError::bad_request("error parsing JSON: failed to parse JSON input: invalid JSON in request body");
  }
  if (!parsed.is_object()) {
    const std::string type = parsed.is_array() ? "array" : (parsed.is_string() ? "string" : (parsed.is_number() ? "number" : "bool"));
    throw VaultError::bad_request("error parsing JSON: failed to parse JSON input: json: cannot unmarshal " + type +
                                  " into Go value of type map[string]interface {}");
  }
  return parsed;
}

std::string bearer_token(const http::Request& in) {
  if (auto token = in.header("X-Vault-Token"); !token.empty()) return token;
  const std::string authorization = in.header("Authorization");
  if (authorization.size() > 7 && http::iequals(std::string_view(authorization).substr(0, 7), "bearer ")) return authorization.substr(7);
  return {};
}

}  // namespace

void format_http_error(int status, std::string_view message, http::Response& response) {
  // Only a method no route takes gets here with 405 (a method Vault does not know): Vault's
  // handler answers it with an empty error list.
  if (status == 405) return error_out(response, status, {});
  std::string text(message);
  if (status == 413) text = "failed to parse JSON input: http: request body too large";
  error_out(response, status, {text});
}

void install_routes(http::Server& server, Core& core) {
  auto serve = [&core](const http::Request& in, http::Response& out) {
    VaultRequest request;
    request.id = random_uuid();
    request.path = in.captures.at(0);
    request.remote_address = in.remote_addr;
    request.headers = in.headers;
    try {
      if (in.method == "GET" || in.method == "HEAD") {
        request.data = query_data(in);
        const auto list = in.query_param("list");
        request.operation = list && fields::get_bool(Json{{"list", *list}}, "list").value_or(false)
                                ? Operation::list
                                : Operation::read;
      } else if (in.method == "POST" || in.method == "PUT") {
        request.operation = Operation::update;
        request.data = body_data(in);
      } else if (in.method == "DELETE") {
        request.operation = Operation::delete_op;
        request.data = query_data(in);
      } else if (in.method == "LIST") {
        // Vault's list verb (hvac, node-vault, curl -X LIST): the operation of GET ?list=true.
        request.operation = Operation::list;
        request.data = query_data(in);
      } else {
        throw VaultError::unsupported_operation();
      }
      if (request.operation == Operation::list && (request.path.empty() || request.path.back() != '/')) {
        request.path.push_back('/');
      }
      if (request.path == "sys/health" && request.operation == Operation::read) {
        render(request, health_response(request.data), out);
        return;
      }
      request.client_token = bearer_token(in);
    } catch (const VaultError& e) {
      error_out(out, e.status(), e.errors());
      return;
    }
    render(request, core.handle(request), out);
  };
  auto serve_clean = [serve](const http::Request& in, http::Response& out) {
    // Go's ServeMux answers a path with empty, "." or ".." segments with a redirect to its
    // clean form before Vault sees it.
    if (const std::string clean = clean_path(in.path); clean != in.path) {
      redirect(out, clean);
      return;
    }
    serve(in, out);
  };
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "LIST"}) {
    server.route(method, "/v1/(.*)", serve_clean);
    // Everything else is the UI's: /ui/ itself (a placeholder page in a binary built without the
    // UI, as this one), a redirect there from anywhere else, and /v1 to /v1/.
    server.route(method, "/ui/", [](const http::Request&, http::Response& out) {
      out.set_header("Cache-Control", "no-store");
      out.status = 200;
      out.body = "<!DOCTYPE html>\n<html><body><p>Vault UI is not available in this binary.</p></body></html>\n";
      out.content_type = "text/html; charset=utf-8";
    });
    server.route(method, "(?!/v1/).*", [](const http::Request& in, http::Response& out) {
      redirect(out, in.path == "/v1" ? "/v1/" : "/ui/");
    });
  }
}

}  // namespace mcph::mock_vault
