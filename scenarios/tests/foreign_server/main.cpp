// foreign-mcp: an MCP server with the original demo's conventions, written here to prove that the
// harness judges a server it did not write by its defects, never by its conventions.
// Its conventions are the demo's (the `demo-python` target profile): plain JSON-RPC on POST /sse,
// no traceparent sent on to Vault or the backend, the backend's JSON as the tool result's text
// (a bare array where the backend answers one), Basic username:password to Jira, and the demo's
// error text for a missing secret ("Secret not found at path: secret/data/users/<name>/jira").
// Without switches it behaves: it verifies the JWT (lib's authenticator: JWKS, issuer, audience,
// expiry, client), answers 401 with a challenge, reads the secret of the entity Vault verified,
// limits calls per subject, and says which backend failed without the backend's own text.
// Each switch adds one of the demo's defects, so a test can show the suites name exactly it:
//   --trust-claim           the Vault path from the token's preferred_username claim
//   --500-on-missing-token  500 where 401 is due (no bearer token, or not a bearer one)
//   --no-rate-limit         no per-subject rate limit
//   --raw-backend-errors    the backend's URL reaches the user, as in httpx's message
// Another switch keeps it correct but unlike the demo, so a test can show the harness does not
// mistake a convention for the property a scenario tests:
//   --no-challenge          401 without WWW-Authenticate (the refusal stands; only the challenge
//                           RFC 6750 requires is missing)
#include <nlohmann/json.hpp>

#include <cstdio>

#include "mcph/broker/authenticator.h"
#include "mcph/broker/credential_broker.h"
#include "mcph/broker/rate_limiter.h"
#include "mcph/cli/flags.h"
#include "mcph/http/basic_auth.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/mcp/server.h"
#include "mcph/servers/runtime.h"
#include "mcph/vault/client.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;

struct Misbehaviour {
  bool trust_claim = false;
  bool status_500_on_missing_token = false;
  bool no_rate_limit = false;
  bool raw_backend_errors = false;
  bool no_challenge = false;
};

// The caller's secret `kind` ("jira", "github") and the KV path it was read from, as the demo
// reads it: at users/<name>/<kind>, <name> being Vault's entity — or, with --trust-claim, the
// token's preferred_username, read with the caller's own Vault token.
class Secrets {
 public:
  Secrets(broker::CredentialBroker& broker, std::string vault_url, bool trust_claim)
      : broker_(broker), vault_url_(std::move(vault_url)), trust_claim_(trust_claim) {}

  std::map<std::string, std::string> read(const broker::Principal& who, const std::string& kind) const {
    const broker::VaultSession session = broker_.session(who);
    const std::string name = trust_claim_ ? who.username : session.entity_name;
    const std::string path = "secret/data/users/" + name + "/" + kind;
    std::optional<std::map<std::string, std::string>> data;
    if (trust_claim_) {
      http::ClientOptions within;  // the broker's own timeout: the defect is the path, not a hang
      within.read_timeout = broker_.config().timeout;
      vault::Client vault(vault_url_, within);
      const auto response = vault.request("GET", path, session.token);
      if (response.status == 404) throw mcp::ToolError("Secret not found at path: " + path);
      if (response.status != 200) {
        throw mcp::ToolError("Vault answered HTTP " + std::to_string(response.status) + " for " + path);
      }
      data.emplace();
      const Json body = Json::parse(response.body, nullptr, false);
      const Json fields = body.is_object() ? body.value("data", Json::object()).value("data", Json::object()) : Json::object();
      for (const auto& [field, value] : fields.items()) {
        if (value.is_string()) (*data)[field] = value.get<std::string>();
      }
    } else if (auto secret = broker_.user_secret(who, kind)) {
      data = std::move(secret->data);
    }
    if (!data) throw mcp::ToolError("Secret not found at path: " + path);
    return *data;
  }

 private:
  broker::CredentialBroker& broker_;
  std::string vault_url_;
  bool trust_claim_;
};

// One backend (Jira or GitHub): a call with the caller's Authorization, the JSON answer as the
// tool's text; no traceparent.
class Backend {
 public:
  Backend(std::string name, std::string url, bool raw_errors)
      : name_(std::move(name)), url_(std::move(url)), raw_errors_(raw_errors) {}

  mcp::ToolResult get(const std::string& path, const std::string& authorization) const {
    http::ClientResponse response;
    try {
      http::Client client(url_);
      response = client.request("GET", path, {{"Authorization", authorization}, {"Accept", "application/json"}});
    } catch (const http::TransportError&) {
      throw mcp::ToolError(name_ + " did not answer");
    }
    if (response.status < 200 || response.status >= 300) {
      // httpx's words, as the demo's raise_for_status gives them; the defect adds where, as httpx
      // does: the backend's URL, which is all the demo's message leaks.
      const std::string error = std::string(response.status >= 500 ? "Server" : "Client") + " error '" +
                                std::to_string(response.status) + "'";
      if (raw_errors_) throw mcp::ToolError(error + " for url '" + url_ + path + "'");
      throw mcp::ToolError(error + " from " + name_);
    }
    return mcp::ToolResult::text(Json::parse(response.body).dump(2));
  }

 private:
  std::string name_, url_;
  bool raw_errors_;
};

std::string field(const std::map<std::string, std::string>& secret, const std::string& name, const std::string& kind) {
  const auto it = secret.find(name);
  if (it == secret.end() || it->second.empty()) throw mcp::ToolError("The " + kind + " secret has no " + name);
  return it->second;
}

bool bearer(const std::string& authorization) {
  return authorization.size() > 7 && (authorization.rfind("Bearer ", 0) == 0 || authorization.rfind("bearer ", 0) == 0);
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("foreign-mcp", "An MCP server with the original demo's conventions, for the harness's own tests.");
  flags.option("port", "0", "TCP port (0 = any free port)")
      .required("backend", "jira or github: the tools this server offers")
      .required("backend-url", "the backend's base URL")
      .required("issuer", "expected token issuer")
      .option("jwks-url", "", "JWKS URL (default: <issuer>/protocol/openid-connect/certs)")
      .required("audience", "the audience a token must carry")
      .repeated("allowed-client", "an OIDC client (azp) whose tokens are accepted")
      .required("vault-url", "Vault address")
      .option("client-id", "", "this server's OIDC client for the token exchange (default: <backend>-mcp)")
      .option("client-secret", "", "its secret", "MCPH_CLIENT_SECRET")
      .option("rate-limit", "20", "calls per subject per window")
      .option("rate-window-ms", "1000", "rate-limit window in milliseconds")
      .toggle("trust-claim", "DEFECT: pick the Vault path from the token's preferred_username claim")
      .toggle("500-on-missing-token", "DEFECT: answer 500 where 401 is due")
      .toggle("no-rate-limit", "DEFECT: no per-subject rate limit")
      .toggle("raw-backend-errors", "DEFECT: the backend's own error text reaches the user")
      .toggle("no-challenge", "answer 401 without WWW-Authenticate");
  flags.parse(argc, argv);
  const std::string kind = flags.get("backend");
  if (kind != "jira" && kind != "github") {
    std::fprintf(stderr, "foreign-mcp: --backend must be jira or github\n");
    return 2;
  }
  const Misbehaviour defects{flags.on("trust-claim"), flags.on("500-on-missing-token"), flags.on("no-rate-limit"),
                             flags.on("raw-backend-errors"), flags.on("no-challenge")};

  broker::AuthConfig auth;
  auth.issuer = flags.get("issuer");
  auth.jwks_url = flags.get("jwks-url");
  auth.audience = flags.get("audience");
  auth.scope = kind + "-mcp";
  auth.allowed_clients = flags.all("allowed-client");
  broker::Authenticator authenticator(auth);

  broker::BrokerConfig vault_config;
  vault_config.realm_url = flags.get("issuer");
  vault_config.client_id = flags.get("client-id").empty() ? kind + "-mcp" : flags.get("client-id");
  vault_config.client_secret = flags.get("client-secret");
  vault_config.vault_url = flags.get("vault-url");
  broker::CredentialBroker broker(vault_config);
  const Secrets secrets(broker, flags.get("vault-url"), defects.trust_claim);
  broker::RateLimiter limiter(flags.get_int("rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms")));

  mcp::ServerOptions options;
  options.name = "foreign-" + kind + "-mcp";
  options.legacy_path = "/sse";
  options.legacy_methods = {"tools/list", "tools/call"};  // the demo answers initialize with "Unknown method"
  options.authenticate = [&](const http::Request& request) {
    if (defects.status_500_on_missing_token && !bearer(request.header("Authorization"))) {
      mcp::AuthRejection crash;  // the demo's unhandled HTTPException inside its middleware
      crash.status = 500;
      crash.message = "Internal Server Error";
      return mcp::AuthResult::reject(crash);
    }
    broker::AuthResult result = authenticator.authenticate(request);
    if (!result.principal) {
      mcp::AuthRejection rejection;
      rejection.status = result.status;
      rejection.message = result.description;
      if (!result.www_authenticate.empty() && !defects.no_challenge) rejection.headers.emplace_back("WWW-Authenticate", result.www_authenticate);
      return mcp::AuthResult::reject(rejection);
    }
    if (!defects.no_rate_limit) {
      if (auto wait = limiter.acquire(result.principal->subject)) {
        return mcp::AuthResult::too_many_requests(static_cast<int>(wait->count()), "rate limit exceeded");
      }
    }
    result.principal->trace.reset();  // the demo sends no traceparent on
    mcp::Principal principal;
    principal.subject = result.principal->subject;
    principal.context = *result.principal;
    return mcp::AuthResult::allow(std::move(principal));
  };
  mcp::Server mcp(options);
  const Backend backend(kind == "jira" ? "Jira" : "GitHub", flags.get("backend-url"), defects.raw_backend_errors);

  // The caller's backend Authorization: Jira Basic username:password, GitHub Bearer token.
  auto authorization = [&](mcp::ToolContext& context) {
    const auto secret = secrets.read(servers::caller(context), kind);
    if (kind == "jira") return http::basic_authorization(field(secret, "username", kind), field(secret, "password", kind));
    return "Bearer " + field(secret, "token", kind);
  };
  auto tool = [&](std::string name, std::string schema, std::function<std::string(const mcp::Arguments&)> path) {
    mcp.add_tool(servers::tool(name, name, std::move(schema)), [&, path](const mcp::Arguments& args, mcp::ToolContext& context) {
      return servers::with_broker([&] { return backend.get(path(args), authorization(context)); });
    });
  };
  if (kind == "jira") {
    tool("list_issues", R"({"type":"object","properties":{"jql":{"type":"string"}}})", [](const mcp::Arguments& args) {
      const auto jql = args.get_string("jql");
      return jql ? "/rest/api/3/search?jql=" + http::percent_encode(*jql) : std::string("/rest/api/3/search");
    });
    tool("get_issue", R"({"type":"object","properties":{"issue_key":{"type":"string"}},"required":["issue_key"]})",
         [](const mcp::Arguments& args) { return "/rest/api/3/issue/" + http::percent_encode(*args.get_string("issue_key")); });
  } else {
    tool("list_repos", R"({"type":"object","properties":{}})", [](const mcp::Arguments&) { return std::string("/user/repos"); });
  }

  http::ServerOptions http_options;
  http_options.name = options.name;
  http_options.port = flags.get_int("port");
  // A request whose headers cannot be read (an Authorization line over 8 KiB) still gets a challenge.
  http_options.malformed_request_headers = [&] {
    if (defects.no_challenge) return http::Fields{};
    return http::Fields{{"WWW-Authenticate", authenticator.challenge("invalid_request", "the request could not be read")}};
  };
  http::Server server(http_options);
  server.route("GET", "/health", [](const http::Request&, http::Response& res) {
    res.set_json(200, R"({"status":"healthy"})");
  });
  // RFC 9728 metadata, named in the 401 challenges (resource_metadata), once the URL is known.
  std::string resource;
  server.route("GET", "/.well-known/oauth-protected-resource", [&](const http::Request&, http::Response& res) {
    res.set_json(200, Json{{"resource", resource}, {"authorization_servers", Json::array({auth.issuer})},
                           {"bearer_methods_supported", Json::array({"header"})},
                           {"scopes_supported", Json::array({auth.scope})}}.dump());
  });
  mcp.mount(server);
  return http::serve_until_signal(server, [&] {
    resource = server.url() + "/sse";
    authenticator.set_resource(resource, server.url() + "/.well-known/oauth-protected-resource");
  });
}
