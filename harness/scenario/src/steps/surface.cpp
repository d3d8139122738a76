// The `surface` step: what a server publishes beside its MCP endpoint, asked as nobody and as an
// agent. A server of the agent design holds every agent's secrets; a debug, event or log route
// that answers without a credential, or answers one agent with another's data, gives them away
// without any attack on the endpoint the other families test.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "../recorder.h"
#include "../step_executor.h"
#include "agent_fields.h"
#include "mcph/harness/fixtures/agent_fixtures.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// Where servers and their frameworks publish an OpenAPI document, and the routes a server keeps
// for its operators (debug, events, logs, status) that a client finds without one. Bounded: the
// step asks at most kMaxRoutes routes, each twice.
const std::vector<std::string> kOpenApiDocuments = {"/openapi.json", "/swagger.json", "/v3/api-docs", "/docs/openapi.json",
                                                    "/api/openapi.json"};
const std::vector<std::string> kOperatorRoutes = {
    "/debug",   "/debug/vars", "/debug/calls", "/debug/requests", "/debug/config", "/_debug", "/events", "/logs",
    "/log",     "/echo",       "/admin",       "/status",         "/metrics",      "/env",    "/config", "/actuator/env",
    "/info",    "/version",    "/health",      "/healthz",        "/livez",        "/readyz", "/internal", "/agents",
    "/secrets", "/sessions",   "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"};
constexpr std::size_t kMaxRoutes = 80;
// A route that streams (server-sent events) never ends its answer: it is cut off after this.
constexpr std::chrono::milliseconds kRouteTimeout{2000};

// Something an answer must not show: its text, whose it is (a scenario agent; "" for the stack's
// own), how a report names it, and what it is: a secret value the harness seeded (a marker, shown
// as it is), a key or token (never shown), or the stack's topology (Vault's address).
enum class Shown { seeded_secret, key, internal_address };
struct Marker {
  std::string text;
  std::string owner;
  std::string named;
  Shown kind = Shown::seeded_secret;
};

Json json_file(const std::string& path) {
  if (path.empty()) return Json();
  const auto text = fixtures::read_text_file(path);
  return text ? Json::parse(*text, nullptr, false) : Json();
}

std::vector<Marker> markers_of(const StepExecutor& executor, const std::optional<stack::AuthProfile>& auth) {
  std::vector<Marker> markers;
  for (const fixtures::AgentFixture& agent : fixtures::load_agent_fixtures(fixtures::default_fixtures_dir())) {
    for (const auto& [key, fields] : agent.secrets) {
      for (const auto& [field, value] : fields) markers.push_back({value, agent.name, agent.name + "'s secret " + key + " (" + value + ")"});
    }
  }
  if (auth) {
    const Json keys = auth->api_key ? json_file(auth->api_key->keys_file) : Json();
    const Json clients = auth->client_credentials ? json_file(auth->client_credentials->clients_file) : Json();
    for (const std::string& agent : auth->agents) {
      const std::string name = auth->name_of(agent);
      if (keys.is_object() && keys.contains(name) && keys.at(name).is_string()) {
        markers.push_back({keys.at(name).get<std::string>(), agent, agent + "'s API key", Shown::key});
      }
      if (clients.is_object() && clients.contains(name) && clients.at(name).is_object()) {
        markers.push_back({clients.at(name).value("client_secret", ""), agent, agent + "'s client secret", Shown::key});
      }
    }
  }
  const stack::StackFile& stack = executor.stack();
  if (const stack::ServiceEntry* vault = stack.find_service("vault")) {
    if (!vault->vault.token.empty()) markers.push_back({vault->vault.token, "", "Vault's root token", Shown::key});
    for (const std::string& url : {vault->url, vault->url_for_servers}) {
      if (url.empty()) continue;
      const std::string address = http::parse_url(url).authority();
      markers.push_back({address, "", "the address of Vault (" + address + ")", Shown::internal_address});
    }
  }
  markers.erase(std::remove_if(markers.begin(), markers.end(), [](const Marker& m) { return m.text.size() < 6; }), markers.end());
  return markers;
}

// The GET paths an OpenAPI document names, without templated segments ("/agents/{id}").
std::vector<std::string> openapi_paths(const std::string& body) {
  const Json document = Json::parse(body, nullptr, false);
  std::vector<std::string> paths;
  if (!document.is_object() || !document.contains("paths") || !document["paths"].is_object()) return paths;
  for (const auto& [path, item] : document["paths"].items()) {
    if (path.starts_with("/") && path.find('{') == std::string::npos && item.is_object() && item.contains("get")) paths.push_back(path);
  }
  return paths;
}

struct Asked {
  int status = 0;  // 0: no complete answer (a stream cut off, a transport failure)
  std::string body;
};

// `body` as a trace keeps it: at most 512 bytes, every key and token it shows masked.
std::string shown(std::string body, const std::vector<Marker>& markers) {
  body = body.substr(0, 512);
  for (const Marker& marker : markers) {
    if (marker.kind != Shown::key) continue;  // a seeded marker value and an address are shown as they are
    for (auto at = body.find(marker.text); at != std::string::npos; at = body.find(marker.text, at)) body.replace(at, marker.text.size(), "(masked)");
  }
  return body;
}

Asked ask(StepRun& run, http::Client& client, const std::string& origin, const std::string& path, const http::Fields& headers,
          const std::vector<Marker>& markers) {
  const auto started = sync::SteadyClock::now();
  Asked asked;
  try {
    const http::ClientResponse response = client.request("GET", path, headers, "", "");
    asked = {response.status, response.body};
    run.record.exchange("GET", origin + path, headers, "", response.status, response.headers, shown(response.body, markers),
                        sync::ms_since(started));
  } catch (const http::TransportError& e) {
    run.record.note({{"surface", path}, {"no_answer", e.what()}});
  }
  return asked;
}

void run_surface(const SurfaceStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  const std::string service = executor.target_service_name(step.server);
  const stack::ServiceEntry& entry = executor.target_service(step.server);
  const stack::TargetProfile profile = stack::target_profile(entry, service);
  const std::optional<stack::AuthProfile> auth =
      profile.auth ? std::optional(profile.auth->resolved(executor.stack().directory)) : std::nullopt;
  const std::vector<Marker> markers = markers_of(executor, auth);

  const std::string origin = http::parse_url(entry.url).origin();
  http::ClientOptions options;
  options.read_timeout = kRouteTimeout;
  http::Client anonymous(origin, options);
  const http::Fields accept = {{"Accept", "application/json, */*"}};

  // The agent's own credential, where its mode sends it (a certificate goes to the TLS proxy).
  std::optional<AgentCredential> agent;
  std::optional<http::Client> as_agent;
  std::string agent_origin;
  if (!run.step.as.empty()) {
    agent = step_agent_credential(executor, service, run.step, AgentCredentialSpec{});
    if (!agent) throw std::runtime_error("surface: as " + run.step.as + ", but " + service + "'s profile has no agent `auth`");
    act_as_agent(*agent, run.step, profile, run.out, run.record);
    http::ClientOptions agent_options = options;
    agent_options.ca_file = agent->ca_file;
    agent_options.client_certificate_file = agent->certificate_file;
    agent_options.client_key_file = agent->key_file;
    agent_origin = http::parse_url(agent->url).origin();
    as_agent.emplace(agent_origin, agent_options);
  }

  std::vector<std::string> routes;
  std::set<std::string> seen;
  const auto add = [&](const std::string& path) {
    if (routes.size() < kMaxRoutes && seen.insert(path).second) routes.push_back(path);
  };
  const std::string endpoint = http::parse_url(entry.url).path;
  add("/.well-known/oauth-protected-resource" + (endpoint == "/" ? std::string() : endpoint));
  add("/.well-known/oauth-protected-resource");
  std::map<std::string, Asked> documents;  // each OpenAPI document's answer without a credential, asked once
  for (const std::string& document : kOpenApiDocuments) {
    add(document);
    const Asked& asked = documents[document] = ask(run, anonymous, origin, document, accept, markers);
    if (asked.status == 200) {
      for (const std::string& path : openapi_paths(asked.body)) {
        if (path != endpoint) add(path);  // the MCP endpoint itself is the other families'
      }
    }
  }
  for (const std::string& path : kOperatorRoutes) add(path);

  Json listed = Json::array(), exposed = Json::array(), internal = Json::array();
  const auto judge = [&](const std::string& path, const Asked& asked, const std::string& who) {
    for (const Marker& marker : markers) {
      if (asked.body.find(marker.text) == std::string::npos) continue;
      const std::string line = "GET " + path + " " + who + " (" + std::to_string(asked.status) + ") shows " + marker.named;
      if (marker.kind == Shown::internal_address) {
        internal.push_back(line);
      } else if (asked.status >= 200 && asked.status < 300 && (!agent || marker.owner != run.step.as)) {
        exposed.push_back(line);
      }
    }
  };
  for (const std::string& path : routes) {
    const auto found = documents.find(path);
    const Asked nobody = found != documents.end() ? found->second : ask(run, anonymous, origin, path, accept, markers);
    judge(path, nobody, "without a credential");
    Json route = {{"path", path}, {"without_credential", nobody.status}};
    if (as_agent) {
      http::Fields headers = accept;
      headers.insert(headers.end(), agent->headers.begin(), agent->headers.end());
      const Asked own = ask(run, *as_agent, agent_origin, path, headers, markers);
      judge(path, own, "as " + run.step.as);
      route["as_agent"] = own.status;
    }
    listed.push_back(route);
  }
  run.out.http.status = 200;
  run.out.result = {{"routes", listed}, {"exposed", exposed}, {"internal_addresses", internal}};
  run.record.note({{"surface", {{"routes", routes.size()}, {"exposed", exposed.size()}, {"internal_addresses", internal.size()}}}});
}

SurfaceStep read_surface(const StepSource& source) {
  SurfaceStep step;
  step.server = source.reader.text(source.value, source.here);
  return step;
}

std::string surface_title(const SurfaceStep& step, const std::string& who) {
  return "the routes " + step.server + " publishes, asked without a credential" + (who.empty() ? "" : " and as " + who);
}

}  // namespace

StepKindInfo surface_step_kind() {
  return {
      .kind = StepKind::surface,
      .name = "surface",
      .summary = "Every route the server publishes that a client can find — the paths of its OpenAPI document (at the usual "
                 "places), its metadata, and the usual debug, event, log and status routes, at most 80 — asked with GET "
                 "without a credential and, with `as:`, as that agent. The result lists each route's statuses (`/routes`), "
                 "what an answer shows that it must not (`/exposed`: an agent's seeded secret, an API key, a client secret "
                 "or Vault's token, shown without a credential or to another agent) and Vault's address wherever it shows "
                 "(`/internal_addresses`). A route that streams is cut off after 2 s. A trace keeps each answer's first "
                 "512 bytes, keys and tokens masked.",
      .example = "as: agent-c\nsurface: agent-bridge-mcp\nexpect: {result_json: {/exposed: {equals: []}}}",
      .fields = {{"surface", "the MCP server whose routes are asked (its entry's origin; an agent's certificate goes to its TLS proxy)"}},
      .yields = {ResultPart::json_result},
      .read = [](const StepSource& source) -> StepSpec { return read_surface(source); },
      .run = runner<SurfaceStep>(run_surface),
      .title = titler<SurfaceStep>(surface_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<SurfaceStep>().server);
      },
      .needs_caller = never,
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
