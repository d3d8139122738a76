// The `http` step: a raw HTTP request to a service of the stack, with the headers, body and
// token the scenario chooses (family 9, protocol robustness; families 2, 3 and 8), a held
// DPoP-bound token with a proof of its key (`dpop:`).
#include <algorithm>

#include "../capability_call.h"
#include "../recorder.h"
#include "agent_fields.h"
#include "../oauth_metadata_urls.h"
#include "../observers.h"
#include "dpop_presentation.h"
#include "../step_executor.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/http/client.h"
#include "mcph/http/trace_context.h"
#include "mcph/http/url.h"
#include "mcph/sync/elapsed.h"
#include "rpc_outcome.h"
#include "sse_stream.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// A generated body ({"pad":""} and its filler): from 10 bytes to 64 MiB, past any server's
// limit (Vault's is 32 MiB).
constexpr long kMinGeneratedBody = 10;
constexpr long kMaxGeneratedBody = 64L * 1024 * 1024;

// {"pad":"xxx…"}, exactly `bytes` long (the loader allows no fewer than its 10 bytes of frame).
std::string generated_body(std::size_t bytes) {
  const std::string open = R"({"pad":")", close = R"("})";
  return open + std::string(bytes - open.size() - close.size(), 'x') + close;
}

// The request the target's profile says an MCP server answers an authorised caller with; `what`
// names the step field that asked for it when the service is no MCP server.
ProbeRequest mcp_probe(const StepExecutor& executor, const stack::ServiceEntry& entry, const std::string& service,
                       const std::string& what) {
  const stack::ServiceRow* row = stack::find_service_row(executor.stack().role_of(service));
  if (!row || !row->mcp_server()) throw std::runtime_error(what + ": " + service + " is not an MCP server, which has no probe");
  return probe_request(entry, service);
}

// The connection a step names, opened by the first step that names it.
http::Client& held_connection(ScenarioState& state, const std::string& name, const std::string& origin,
                              const http::ClientOptions& options) {
  HeldConnection& held = state.connections[name];
  if (!held.client) {
    held = {origin, options.client_certificate_file, std::make_unique<http::Client>(origin, options)};
  } else if (held.origin != origin || held.client_certificate_file != options.client_certificate_file) {
    throw std::runtime_error("connection " + name + " was opened to " + held.origin +
                             (held.client_certificate_file.empty() ? "" : " with another client certificate") +
                             ": a step naming it is sent there, as the same client");
  }
  return *held.client;
}

// The step's answer from an HTTP response.
void take_answer(const http::ClientResponse& response, StepOutcome& out) {
  out.http.status = response.status;
  out.http.headers = response.headers;
  out.http.body = response.body;
  if (response.status == 429) out.burst.retry_after = http::find_field(response.headers, "Retry-After").value_or("");
  const Json parsed = json_of_answer(response.header("Content-Type"), response.body);
  if (!parsed.is_discarded()) {
    out.result = parsed;
    take_rpc_error(parsed, out);
    out.rpc.result = parsed.is_object() && parsed.contains("result");
  }
}

// `metadata: protected_resource`: the server's probe without a credential (its challenge may
// name where its metadata is), then each place an MCP client looks, until one answers 200. The
// step's answer is that one, else the last place's.
void run_metadata_discovery(const HttpStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  const stack::ServiceEntry& entry = executor.target_service(step.server);
  const std::string service = executor.target_service_name(step.server);
  const ProbeRequest probe_message = mcp_probe(executor, entry, service, "metadata");
  const std::string& probe = probe_message.body;
  http::ClientOptions options;
  options.read_timeout = executor.options().http_timeout;
  const http::Url endpoint = http::parse_url(entry.url);
  http::Fields probe_headers = {{"Accept", "application/json, text/event-stream"}};
  probe_headers.insert(probe_headers.end(), probe_message.headers.begin(), probe_message.headers.end());
  auto started = sync::SteadyClock::now();
  const std::string method = probe_message.method.empty() ? "POST" : probe_message.method;
  const std::string path = probe_message.path.empty() ? endpoint.path : probe_message.path;
  const http::ClientResponse challenged = http::Client(endpoint.origin(), options)
                                              .request(method, path, probe_headers, probe, probe.empty() ? "" : "application/json");
  run.record.exchange(method, endpoint.origin() + path, probe_headers, probe, challenged.status, challenged.headers, challenged.body,
                      sync::ms_since(started));
  http::ClientResponse answer;
  for (const std::string& url : protected_resource_metadata_urls(entry.url, challenged.header("WWW-Authenticate"))) {
    const http::Url where = http::parse_url(url);
    started = sync::SteadyClock::now();
    answer = http::Client(where.origin(), options).request("GET", where.path, {}, "", "");
    run.record.exchange("GET", url, {}, "", answer.status, answer.headers, answer.body, sync::ms_since(started));
    if (answer.status == 200) break;
  }
  take_answer(answer, run.out);
}

// The probe of a server of the HTTP+SSE transport, which answers no request on its own: the
// stream opened with the step's headers (GET, initialize, initialized), as a client lets itself in.
// Its status is the GET's (200) once initialize is answered, else the refusal's, with its headers.
void probe_over_sse(const stack::ServiceEntry& entry, const std::string& service, const http::Fields& headers, StepRun& run) {
  const auto authorization = http::find_field(headers, "Authorization");
  const std::string subject =
      authorization && authorization->rfind("Bearer ", 0) == 0 ? pacing_subject(authorization->substr(7)) : "";
  mcp::RpcOutcome opened = open_sse_stream(run, entry, service, entry.url, headers, subject).init;
  if (opened.ok()) opened.http_status = 200;
  fill_from_rpc(opened, run.out);
  run.out.burst.statuses.push_back(opened.http_status);
}

void run_http(const HttpStep& step, StepRun& run) {
  if (step.protected_resource_metadata) return run_metadata_discovery(step, run);
  StepExecutor& executor = run.executor;
  StepOutcome& out = run.out;
  const stack::ServiceEntry& entry = executor.target_service(step.server);
  const std::string service = executor.target_service_name(step.server);
  const stack::TargetProfile profile = stack::target_profile(entry, service);
  std::optional<std::string> step_body = step.body;
  std::optional<ProbeRequest> probe;
  if (step.probe) {
    probe = mcp_probe(executor, entry, service, "probe");
    if (!probe->body.empty()) step_body = probe->body;  // a plain HTTP probe may have none
  }
  // An agent of a target whose profile has `auth`: its credential, and where it is sent.
  const std::optional<AgentCredential> agent =
      step.authorization == "token" ? step_agent_credential(executor, service, run.step, step.agent) : std::nullopt;
  const http::Url url = http::parse_url(agent ? agent->url : entry.url);
  const std::string origin = url.origin();
  std::string target = substitute(step.path, run.resolve);
  if (target.empty()) target = probe && !probe->path.empty() ? probe->path : url.path;  // the MCP endpoint itself, or the probe's
  // The probe's own method when it is a plain HTTP request (the loader takes no method beside probe).
  const std::string method = probe && !probe->method.empty() ? probe->method : step.method;
  http::Fields headers;
  std::optional<DpopPresenter> dpop;
  if (agent) {
    act_as_agent(*agent, run.step, profile, out, run.record);
    headers = agent->headers;
  } else if (step.authorization == "token") {
    const HeldToken& held = executor.token_for(run.step, run.state, out, run.record);
    out.sent_token = held.value;
    if (step.dpop) {
      if (!held.dpop_key) throw std::runtime_error("dpop: the harness holds no key of this token (get it with token: … dpop: true)");
      dpop.emplace(*step.dpop, *held.dpop_key, held.value);
      const http::Fields presented = dpop->headers(method, origin + target);
      headers.insert(headers.end(), presented.begin(), presented.end());
    } else {
      headers.emplace_back("Authorization", "Bearer " + out.sent_token);
    }
  }
  if (probe) headers.insert(headers.end(), probe->headers.begin(), probe->headers.end());
  for (const auto& [name, value] : step.headers) {
    // A DN written with the scenario files' agents names them as this server does, and a tool
    // named by the reference servers' name is named as this server names it.
    std::string written = substitute(value, run.resolve);
    if (http::iequals(name, "Mcp-Name")) written = named_tool(profile, written);
    headers.emplace_back(name, entry.mcp.auth ? stack::with_agent_names(entry.mcp.auth->names, written) : written);
    // A token written into a raw header is what an echo check looks for.
    if (out.sent_token.empty() && http::iequals(name, "Authorization")) {
      const std::string& sent = headers.back().second;
      out.sent_token = sent.substr(std::min(sent.find(' ') + 1, sent.size()));
    }
  }
  if (!http::find_field(headers, "Accept")) headers.emplace_back("Accept", "application/json, text/event-stream");
  // At an MCP server that sends traceparent on to Vault, the step starts a trace of its own (unless
  // it sends one itself) and keeps exactly that trace's audit entries, as a call step does.
  // The same trace names the backend's ledger entries the request caused (no_ledger_entry).
  const stack::ServiceRow* row = stack::find_service_row(executor.stack().role_of(service));
  std::string trace_id;
  if (row && row->mcp_server() && !http::find_field(headers, "traceparent") &&
      profile.correlation == stack::Correlation::traceparent) {
    const http::TraceParent trace = http::new_trace();
    trace_id = trace.trace_id;
    out.trace_ids.push_back(trace.trace_id);
    headers.emplace_back("traceparent", http::format_traceparent(trace));
  }
  if (step.probe && probe->method.empty() && profile.transport == mcp::Transport::sse) {
    if (!step.connection.empty()) throw std::runtime_error("connection: a probe over HTTP+SSE opens a stream of its own");
    return probe_over_sse(entry, service, headers, run);
  }
  std::string body = step.body_bytes > 0 ? generated_body(step.body_bytes)
                     : step_body        ? substitute(*step_body, run.resolve)
                                        : "";
  // A JSON-RPC body calls its tools as this server names them (the profile's tools.renamed).
  if (step_body && !step.probe) {
    if (auto named = body_with_named_tools(profile, body)) body = std::move(*named);
  }
  // A token sent in the query or a form body (RFC 6750 §2.2-2.3) is what an echo check looks for.
  for (const std::string* text : std::initializer_list<const std::string*>{&target, &body}) {
    const auto at = text->find("access_token=");
    if (!out.sent_token.empty() || at == std::string::npos) continue;
    const auto start = at + std::string_view("access_token=").size();
    out.sent_token = text->substr(start, text->find('&', start) - start);
  }

  // A bearer token to a server that limits its users: paced as a call is.
  const stack::RateLimit limit = stated_rate_limit(entry);
  const auto authorization = http::find_field(headers, "Authorization");
  const std::string subject = agent ? "agent " + out.caller
                              : authorization && authorization->rfind("Bearer ", 0) == 0 ? pacing_subject(authorization->substr(7))
                              : authorization && authorization->rfind("DPoP ", 0) == 0   ? pacing_subject(authorization->substr(5))
                                                                                         : "";
  // A replay is two requests, the first of which must be served.
  const bool replays = dpop && dpop->replays();
  executor.pace(service, subject, limit, replays ? 2 : 1, out, step.repeat);

  http::ClientOptions options;
  options.read_timeout = executor.options().http_timeout;
  if (agent) {
    options.ca_file = agent->ca_file;
    options.client_certificate_file = agent->certificate_file;
    options.client_key_file = agent->key_file;
  }
  std::optional<http::Client> own_client;
  http::Client& client = step.connection.empty() ? own_client.emplace(origin, options)
                                                 : held_connection(run.state, step.connection, origin, options);
  if (!step.connection.empty()) {
    run.record.note({{"connection", {{"name", step.connection}, {"was_open_before", client.holds_connection()}}}});
  }
  const auto started = sync::SteadyClock::now();
  // A body is JSON unless the step says otherwise in its headers.
  const bool typed = http::find_field(headers, "Content-Type").has_value();
  const bool has_body = step_body || step.body_bytes > 0;
  http::ClientResponse response;
  // `repeat`: the same request again and again, one after the other (a burst of refused
  // credentials); the last answer is the step's, every status is kept.
  // A DPoP presentation makes a fresh proof for each request, but for a replay: the same proof
  // twice, the first of which must be accepted, so that the second answer is about the replay.
  const auto proof_header = std::find_if(headers.begin(), headers.end(), [](const auto& field) { return field.first == "DPoP"; });
  const int sends = replays ? 2 : step.repeat;
  for (int i = 0; i < sends; ++i) {
    if (i > 0 && dpop && !replays && proof_header != headers.end()) proof_header->second = dpop->proof(method, origin + target);
    response = client.request(method, target, headers, body, has_body && !typed ? "application/json" : "");
    out.burst.statuses.push_back(response.status);
    if (replays && i == 0 && response.status != 200) {
      throw std::runtime_error("the proof's first use was refused (HTTP " + std::to_string(response.status) +
                               "): there is no replay to test");
    }
  }
  if (step.repeat > 1) run.record.note({{"repeat", {{"requests", step.repeat}, {"statuses", out.burst.statuses}}}});
  // A repeated request is a burst, never paced: it may have emptied the buckets. An agent's 403
  // is a scope refused after the server's limiter counted the request: not given back.
  if (step.repeat > 1) {
    executor.burst_answered(service, subject, limit, out.burst.statuses, step.repeat);
  } else {
    executor.answered(service, subject, limit, agent && response.status == 403 ? 200 : response.status, replays ? 2 : 1);
  }
  const std::string shown_body =
      step.body_bytes > 0 ? "(a generated body of " + std::to_string(step.body_bytes) + " bytes)" : body;
  run.record.exchange(method, origin + target, headers, shown_body, response.status, response.headers, response.body,
                      sync::ms_since(started));
  take_answer(response, out);
  // Read only when asked for: a backend a fault has stopped would make every other step an error.
  const bool ledger_asked = std::any_of(run.step.expect.begin(), run.step.expect.end(), [](const Expectation& e) {
    return e.kind == "no_ledger_entry" || e.kind == "backend_credential_of";
  });
  const std::string backend = trace_id.empty() || !ledger_asked ? "" : backend_of(executor.stack(), service);
  if (!backend.empty()) {
    out.ledger.observed = true;
    out.ledger.backend = backend;
    out.ledger.entries = ledger_entries(executor.stack().service(backend).url, trace_id);
  }
}

HttpStep read_http(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here,
                   {"server", "method", "path", "body", "json", "body_bytes", "probe", "metadata", "headers", "auth", "repeat", "dpop", "connection"});
  HttpStep step;
  step.server = reader.required_text(value, "server", here);
  if (value["metadata"].IsDefined()) {
    const std::string where = Reader::join(here, "metadata");
    if (reader.text(value["metadata"], where) != "protected_resource") {
      reader.fail(value["metadata"], where, "expected protected_resource (the server's RFC 9728 metadata, found as an MCP client finds it)");
    }
    for (const char* key : {"method", "path", "body", "json", "body_bytes", "probe", "headers", "auth", "repeat", "dpop", "connection"}) {
      if (value[key].IsDefined()) reader.fail(value[key], Reader::join(here, key), "metadata finds its own requests: leave out " + std::string(key));
    }
    step.protected_resource_metadata = true;
    step.method = "GET";
    step.authorization = "none";
    return step;
  }
  step.method = reader.text_or(value, "method", here, "POST");
  step.path = reader.text_or(value, "path", here);
  const int bodies = value["body"].IsDefined() + value["json"].IsDefined() + value["body_bytes"].IsDefined() +
                     value["probe"].IsDefined();
  if (bodies > 1) reader.fail(value, here, "body, json, body_bytes and probe: give one");
  if (value["probe"].IsDefined()) {
    const Json probe = reader.json(value["probe"], Reader::join(here, "probe"));
    if (probe != Json(true)) reader.fail(value["probe"], Reader::join(here, "probe"), "expected true (the target profile's probe request)");
    if (value["method"].IsDefined()) reader.fail(value["method"], Reader::join(here, "method"), "the probe is sent as the target profile says: leave out method");
    step.probe = true;
  }
  if (value["body"].IsDefined()) step.body = reader.text(value["body"], Reader::join(here, "body"));
  if (value["json"].IsDefined()) step.body = reader.json(value["json"], Reader::join(here, "json")).dump();
  if (value["body_bytes"].IsDefined()) {
    step.body_bytes = static_cast<std::size_t>(
        bounded_integer(reader, value["body_bytes"], Reader::join(here, "body_bytes"), kMinGeneratedBody, kMaxGeneratedBody));
  }
  if (value["headers"].IsDefined()) step.headers = reader.header_fields(value["headers"], Reader::join(here, "headers"));
  step.authorization = reader.text_or(value, "auth", here, "token");
  step.agent = read_agent_fields(source);
  if (value["repeat"].IsDefined()) {
    step.repeat = static_cast<int>(bounded_integer(reader, value["repeat"], Reader::join(here, "repeat"), 1, 1000));
  }
  if (step.authorization != "token" && step.authorization != "none") {
    reader.fail(value["auth"], Reader::join(here, "auth"), "expected token or none");
  }
  step.dpop = read_dpop_field(reader, value, here);
  step.connection = reader.text_or(value, "connection", here);
  if (step.dpop && step.authorization != "token") reader.fail(value["dpop"], Reader::join(here, "dpop"), "presents the held token: drop auth: none");
  if (step.dpop && step.dpop->proof == DpopProof::replayed && step.repeat > 1) {
    reader.fail(value["repeat"], Reader::join(here, "repeat"), "a replay sends its proof twice: give no repeat");
  }
  return step;
}

std::string http_title(const HttpStep& step, const std::string& who) {
  if (step.protected_resource_metadata) return "the protected-resource metadata of " + step.server;
  // A probe's method and path are the target profile's, unknown until the step runs.
  const std::string request = step.probe ? step.server + "'s probe" : step.method + " " + step.server + step.path;
  return who + (who.empty() ? "" : " sends ") + request;
}

}  // namespace

StepKindInfo http_step_kind() {
  return {
      .kind = StepKind::http,
      .name = "http",
      .summary = "A raw HTTP request to a service of the stack, with the headers, body and token the scenario chooses.",
      .example = "as: alice\nhttp: {server: jira-mcp, method: POST, json: {jsonrpc: \"2.0\", id: 1, method: ping}}",
      .fields = {{"http.server", "a service of the stack, or an MCP server's short name"},
                 {"http.method", "default POST"},
                 {"http.path", "appended to the service's URL; default: the MCP endpoint"},
                 {"http.body", "the body as text"},
                 {"http.json", "the body as JSON"},
                 {"http.body_bytes", "a generated body of exactly this many bytes (10 to 64 MiB)"},
                 {"http.probe", "`true`: the request the target's profile says it answers an authorised caller: its body, or, when the "
                                "profile's probe is a plain HTTP request, its method, path and body (no `method` beside it)"},
                 {"http.metadata", "`protected_resource`: the server's RFC 9728 metadata, asked without a credential where an MCP "
                                   "client looks: the 401 challenge's `resource_metadata`, then `/.well-known/oauth-protected-resource` "
                                   "before the endpoint's path, then at the root; the first 200 is the answer"},
                 {"http.headers", "a mapping, or a list of `{Name: value}` when a name repeats"},
                 {"http.auth", "`token` (default: the caller's bearer token, or an agent's credential) or `none`"},
                 {"http.repeat", "send the request this many times, one after the other (1 to 1000); the last answer is "
                                 "the step's, every status is kept (`some_http_status`)"},
                 {"http.dpop", kDpopFieldMeaning},
                 {"http.connection", "a name: the scenario's steps that give the same one send on one kept-alive HTTP "
                                     "connection, opened by the first (the trace notes whether it was still open), so "
                                     "that a server trusting what an earlier request on the connection proved is seen"},
                 kViaField,
                 kCredentialField},
      .yields = {ResultPart::http_answer, ResultPart::rpc_answer, ResultPart::json_result, ResultPart::sent_token, ResultPart::burst, ResultPart::ledger, ResultPart::audit, ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec { return read_http(source); },
      .run = runner<HttpStep>(run_http),
      .title = titler<HttpStep>(http_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<HttpStep>().server);
      },
      .needs_caller = [](const Step& step) { return step.get<HttpStep>().authorization == "token"; },
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
