// probe_target: which transport and era answer, the challenge, the tools, an OpenAPI document.
#include "mcph/harness/scenario/target_probe.h"

#include "mcph/http/url.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/protocol.h"
#include "mcph/secrets/scrub.h"
#include "mcph/text/join.h"
#include "target_probe_parts.h"
#include "tool_map_guess.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

mcp::ClientOptions client_options(mcp::Transport transport, mcp::Era era, const ProbeOptions& options) {
  mcp::ClientOptions client;
  client.transport = transport;
  client.era = era;
  client.http.connect_timeout = options.timeout;
  client.http.read_timeout = options.timeout;
  client.sse_idle_timeout = options.timeout;
  return client;
}

mcp::Client client_for(const std::string& url, mcp::Transport transport, mcp::Era era, const ProbeOptions& options) {
  mcp::Client client(url, client_options(transport, era, options));
  if (!options.token.empty()) client.set_header("Authorization", "Bearer " + options.token);
  return client;
}

void note_refusal(ProbeFacts& facts, const mcp::RpcOutcome& outcome) {
  if ((outcome.http_status != 401 && outcome.http_status != 403) || facts.challenge) return;
  if (const std::string header = outcome.header("WWW-Authenticate"); !header.empty()) {
    facts.challenge = read_challenge(header);
  }
}

std::string described(const mcp::RpcOutcome& outcome) {
  std::string text = "HTTP " + std::to_string(outcome.http_status);
  if (outcome.error) text += ", JSON-RPC error " + std::to_string(outcome.error->code) + " " + outcome.error->message;
  return secrets::scrub(text);
}

// Streamable HTTP, the newest era first: server/discover as a modern request, then initialize.
// True when either answered with a result.
bool try_streamable_http(ProbeFacts& facts, const ProbeOptions& options, mcp::RpcOutcome& refused) {
  bool modern = false, legacy = false;
  try {
    mcp::Client client = client_for(facts.url, mcp::Transport::streamable_http, mcp::Era::modern, options);
    const mcp::RpcOutcome discover = client.connect();
    facts.reached = true;
    modern = discover.ok();
    note_refusal(facts, discover);
    refused = discover;
  } catch (const http::TransportError&) {
    throw;
  } catch (const std::exception&) {
    facts.reached = true;  // an answer the client could not read as MCP
  }
  try {
    mcp::Client client = client_for(facts.url, mcp::Transport::streamable_http, mcp::Era::legacy, options);
    const mcp::RpcOutcome initialize = client.initialize();
    legacy = initialize.ok();
    note_refusal(facts, initialize);
    if (legacy) facts.protocol_version = client.protocol_version();
    if (!modern) refused = initialize;
  } catch (const http::TransportError&) {
    throw;
  } catch (const std::exception&) {
  }
  if (!modern && !legacy) return false;
  facts.transport = mcp::Transport::streamable_http;
  facts.protocol = modern && legacy ? mcp::Era::dual : modern ? mcp::Era::modern : mcp::Era::legacy;
  facts.found.push_back("transport streamable-http, protocol " + std::string(mcp::to_string(*facts.protocol)) +
                        (modern ? " (server/discover answered)" : "") +
                        (legacy ? " (initialize answered, version " + facts.protocol_version + ")" : ""));
  return true;
}

// Whether a client of `transport` gets a result for `ask` (the first request as such clients
// send it); an answer that is no such transport's (no event stream, no JSON-RPC) is a no.
bool answers(ProbeFacts& facts, const ProbeOptions& options, mcp::Transport transport, mcp::RpcOutcome (*ask)(mcp::Client&)) {
  mcp::Client client = client_for(facts.url, transport, mcp::Era::legacy, options);
  try {
    const mcp::RpcOutcome answer = ask(client);
    note_refusal(facts, answer);
    return answer.ok();
  } catch (const std::exception&) {
    return false;
  }
}

constexpr const char* kSseHow = "GET opened an event stream; initialize answered on its messages endpoint";

bool serves_sse(ProbeFacts& facts, const ProbeOptions& options) {
  return answers(facts, options, mcp::Transport::sse, [](mcp::Client& client) { return client.connect(); });
}

bool try_older_transport(ProbeFacts& facts, const ProbeOptions& options) {
  if (serves_sse(facts, options)) {
    facts.transport = mcp::Transport::sse;
    facts.found.push_back(std::string("transport sse (") + kSseHow + ")");
    return true;
  }
  if (answers(facts, options, mcp::Transport::legacy_sse_post, [](mcp::Client& client) { return client.list_tools_raw(); })) {
    facts.transport = mcp::Transport::legacy_sse_post;
    facts.found.push_back("transport legacy-sse-post (plain JSON-RPC: tools/list answered without initialize)");
    return true;
  }
  return false;
}

void list_tools(ProbeFacts& facts, const ProbeOptions& options) {
  try {
    const mcp::Era era = facts.protocol == mcp::Era::modern ? mcp::Era::modern : mcp::Era::legacy;
    mcp::Client client = client_for(facts.url, *facts.transport, era, options);
    client.connect();
    std::vector<ProbedTool> tools;
    for (const auto& tool : client.list_tools()) {
      Json schema = Json::parse(tool.input_schema, nullptr, false);
      tools.push_back({tool.name, schema.is_discarded() ? Json() : schema});
    }
    std::vector<std::string> names;
    for (const auto& tool : tools) names.push_back(tool.name);
    facts.found.push_back("tools/list: " + std::to_string(tools.size()) + " tools (" + text::join(names, ", ") + ")");
    facts.tool_map_guess = guess_tool_map(tools);
    facts.tools = std::move(tools);
  } catch (const std::exception& e) {
    facts.unknowns.push_back("tools: tools/list failed: " + secrets::scrub(e.what()));
  }
}

void probe_openapi(ProbeFacts& facts, const ProbeOptions& options) {
  const std::string origin = http::parse_url(facts.url).origin();
  for (const char* path : {"/openapi.json", "/docs/openapi.json"}) {
    std::string error;
    const auto response = probe_get(origin + path, options, error);  // nothing served: no document
    if (!response || response->status != 200) continue;
    const Json document = Json::parse(response->body, nullptr, false);
    if (!document.is_object() || (!document.contains("openapi") && !document.contains("swagger"))) continue;
    const Json info = document.value("info", Json::object());
    facts.openapi_url = origin + std::string(path);
    facts.openapi = {{"title", info.is_object() ? info.value("title", "") : ""},
                     {"version", info.is_object() ? info.value("version", "") : ""},
                     {"paths", document.contains("paths") && document["paths"].is_object() ? document["paths"].size() : 0}};
    facts.found.push_back("OpenAPI document at " + facts.openapi_url + ": " + facts.openapi["title"].get<std::string>() + ", " +
                          std::to_string(facts.openapi["paths"].get<std::size_t>()) + " paths");
    return;
  }
}

}  // namespace

bool probe_may_ask(const std::string& probed_url, const std::string& url) {
  try {
    const http::Url probed = http::parse_url(probed_url), asked = http::parse_url(url);
    return asked.origin() == probed.origin() || http::is_loopback_ipv4(asked.host) || asked.host == "localhost";
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::optional<http::ClientResponse> probe_get(const std::string& url, const ProbeOptions& options, std::string& error) {
  try {
    const http::Url parsed = http::parse_url(url);
    http::ClientOptions client_options;
    client_options.connect_timeout = options.timeout;
    client_options.read_timeout = options.timeout;
    client_options.keep_alive = false;
    http::Client client(parsed.origin(), client_options);
    return client.get(parsed.path, {{"Accept", "application/json"}});
  } catch (const std::exception& e) {
    error = secrets::scrub(e.what());
    return std::nullopt;
  }
}

ProbeFacts probe_target(const std::string& url, const ProbeOptions& options) {
  ProbeFacts facts;
  facts.url = url;
  (void)http::parse_url(url);  // std::invalid_argument for what is not an http(s) URL
  mcp::RpcOutcome refused;
  try {
    if (try_streamable_http(facts, options, refused)) {
      // A client tries Streamable HTTP first, as MCP's backwards compatibility has it; an older
      // client would find the stream too.
      if (serves_sse(facts, options)) facts.found.push_back(std::string("also transport sse at this URL (") + kSseHow + ")");
    } else if (!try_older_transport(facts, options)) {
      if (facts.challenge) {
        facts.unknowns.push_back("transport, protocol: the server refused every attempt (" + described(refused) +
                                 "); give a token with --token-command to tell them");
      } else {
        facts.unknowns.push_back("transport: neither Streamable HTTP (" + described(refused) +
                                 "), nor an HTTP+SSE stream, nor plain JSON-RPC answered at " + url);
      }
    }
  } catch (const http::TransportError& e) {
    facts.not_reached = secrets::scrub(e.what());
    return facts;
  }
  if (facts.challenge) {
    const ProbedChallenge& c = *facts.challenge;
    facts.found.push_back("401 challenge: scheme " + c.scheme + (c.dpop && c.scheme != "DPoP" ? " (and DPoP)" : "") +
                          (c.realm.empty() ? "" : ", realm " + c.realm) +
                          (c.resource_metadata.empty() ? "" : ", resource_metadata " + c.resource_metadata) +
                          (c.scope.empty() ? "" : ", scope " + c.scope) + (c.well_formed ? "" : " (malformed)"));
  } else if (facts.transport && options.token.empty()) {
    facts.found.push_back("no challenge: the server answered without a credential");
  }
  probe_authorization(facts, options);
  if (facts.transport) list_tools(facts, options);
  else facts.unknowns.push_back("tools: tools/list needs the transport, which was not told");
  probe_openapi(facts, options);
  return facts;
}

}  // namespace mcph::harness::scenario
