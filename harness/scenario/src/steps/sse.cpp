// The `sse` step: MCP's HTTP+SSE transport (protocol 2024-11-05) taken apart for the cases of its
// sessions. `open` opens a stream as the acting user (GET, initialize, initialized) and keeps it
// for the scenario under a name; `post` sends one tools/call to a kept stream's messages endpoint
// as anyone (another user, no token, another session id or none) and watches that stream for
// what the POST made arrive on it: the answer of an accepted call, or nothing.
#include <chrono>

#include "../capability_call.h"
#include "../observers.h"
#include "../recorder.h"
#include "../step_executor.h"
#include "../tool_result.h"
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
using sync::SteadyClock;

// The stream's URL: the server's own when its transport is sse, else /sse beside its Streamable
// HTTP endpoint (where the reference servers serve it).
std::string stream_url(const stack::ServiceEntry& entry, const std::string& service) {
  if (stack::target_profile(entry, service).transport == mcp::Transport::sse) return entry.url;
  return http::parse_url(entry.url).origin() + "/sse";
}

// The caller's bearer token as a header (none with auth: none), and whom the limiter counts.
http::Fields credential(const SseStep& step, StepRun& run, std::string& subject) {
  if (step.authorization != "token") return {};
  HeldToken& token = run.executor.token_for(run.step, run.state, run.out, run.record);
  if (run.out.caller.empty()) run.out.caller = token.user;
  run.out.sent_token = token.value;
  subject = pacing_subject(token.value);
  return {{"Authorization", "Bearer " + token.value}};
}

void run_open(const SseStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  StepOutcome& out = run.out;
  const std::string service = executor.mcp_service(step.server);
  const stack::ServiceEntry& entry = executor.stack().service(service);
  std::string subject;
  const http::Fields headers = credential(step, run, subject);
  const std::string url = stream_url(entry, service);
  auto [client, init] = open_sse_stream(run, entry, service, url, headers, subject);
  fill_from_rpc(init, out);
  run.state.sse_streams.erase(step.open);  // a name opened again is the new stream's
  if (init.ok()) run.state.sse_streams[step.open] = HeldStream{service, out.caller, std::move(client)};
  run.record.flow(out.caller, "MCP request", "GET " + url + " and initialize → " + out.describe());
}

// The session id a post sends: the stream's own, none, one no server gave out, or the step's.
std::string session_id_to_send(const SseStep& step, const mcp::Client& stream, const Resolver& resolve) {
  if (step.session_id.empty()) return stream.session_id();
  if (step.session_id == "none") return "";
  if (step.session_id == "unknown") return http::new_trace().trace_id;  // 32 random hex digits, as a real one
  return substitute(step.session_id, resolve);
}

// Fills the call's answer from the response `message` (JSON text) that came on the stream.
void take_answer(const std::string& message, const stack::TargetProfile& profile, StepOutcome& out) {
  const Json response = Json::parse(message, nullptr, false);
  if (const auto error = response.find("error"); error != response.end() && error->is_object()) {
    take_rpc_error(response, out);
    return;
  }
  const Json result = response.value("result", Json());
  out.rpc.result = !result.is_null();
  if (!result.is_object()) return;
  out.tool.error = result.value("isError", false);
  for (const auto& item : result.value("content", Json::array())) {
    if (item.is_object() && item.value("type", "") == "text") {
      out.tool.text += (out.tool.text.empty() ? "" : "\n") + item.value("text", "");
    }
  }
  const std::string structured = result.contains("structuredContent") ? result["structuredContent"].dump() : "";
  out.result = tool_result_json(profile, structured, out.tool.text, result);
}

void run_post(const SseStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  StepOutcome& out = run.out;
  const auto kept = run.state.sse_streams.find(step.post);
  if (kept == run.state.sse_streams.end()) {
    throw std::runtime_error("sse post: no stream \"" + step.post + "\" is open (an sse open step of this scenario "
                             "opens it, and it must have succeeded)");
  }
  HeldStream& stream = kept->second;
  const std::string service = executor.mcp_service(step.server);
  if (service != stream.service) {
    throw std::runtime_error("sse post: stream \"" + step.post + "\" is " + stream.service + "'s, not " + service + "'s");
  }
  const stack::ServiceEntry& entry = executor.stack().service(service);
  const stack::TargetProfile profile = stack::target_profile(entry, service);
  std::string subject;
  http::Fields headers = credential(step, run, subject);
  const http::TraceParent trace = http::new_trace();
  if (profile.correlation == stack::Correlation::traceparent) out.trace_ids.push_back(trace.trace_id);
  headers.emplace_back("traceparent", http::format_traceparent(trace));
  const std::string id = "sse-" + trace.trace_id;
  const NamedCall named = named_call(profile, step.tool, substitute_json(step.args, run.resolve));
  const Json message = {{"jsonrpc", "2.0"},
                        {"id", id},
                        {"method", "tools/call"},
                        {"params", {{"name", named.tool}, {"arguments", named.args}}}};
  const std::string target = stream.client->messages_target(session_id_to_send(step, *stream.client, run.resolve));
  const std::string origin = http::parse_url(stream.client->endpoint_url()).origin();
  const std::string backend = backend_of(executor.stack(), service);

  stream.client->unclaimed_messages(std::chrono::milliseconds(0));  // what came before is not this POST's
  const stack::RateLimit limit = stated_rate_limit(entry);
  executor.pace(service, subject, limit, 1, out);
  http::ClientOptions options;
  options.read_timeout = executor.options().http_timeout;
  http::Client client(origin, options);
  const auto started = SteadyClock::now();
  const http::ClientResponse response = client.post(target, message.dump(), "application/json", headers);
  executor.answered(service, subject, limit, response.status);
  run.record.exchange("POST", origin + target, headers, message.dump(), response.status, response.headers, response.body,
                      sync::ms_since(started));
  out.http.status = response.status;
  out.burst.statuses.push_back(response.status);
  out.http.headers = response.headers;
  out.http.body = response.body;
  const Json parsed = Json::parse(response.body, nullptr, false);
  take_rpc_error(parsed, out);

  // The stream, until the call's answer comes on it or the watch ends.
  std::vector<std::string> arrived;
  bool answered = false;
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(step.watch_ms);
  while (!answered && SteadyClock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    for (std::string& text : stream.client->unclaimed_messages(left)) {
      const Json item = Json::parse(text, nullptr, false);
      if (!answered && item.is_object() && item.value("id", Json()) == id) {
        answered = true;
        take_answer(text, profile, out);
      }
      arrived.push_back(std::move(text));
    }
  }
  out.stream.messages = static_cast<int>(arrived.size());
  run.record.note({{"stream",
                    {{"of", stream.owner.empty() ? "(no user)" : stream.owner},
                     {"watched_ms", sync::ms_since(started)},
                     {"messages", arrived.size()},
                     {"answer_arrived", answered}}}});
  run.record.flow(out.caller, "MCP request",
                  "POST " + origin + target + " tools/call " + named.tool + " → HTTP " + std::to_string(response.status) +
                      ", " + std::to_string(arrived.size()) + " message(s) on " +
                      (stream.owner.empty() ? "the" : stream.owner + "'s") + " stream");
  if (!backend.empty() && profile.correlation == stack::Correlation::traceparent) {
    out.ledger.observed = true;
    out.ledger.backend = backend;
    out.ledger.entries = ledger_entries(executor.stack().service(backend).url, trace.trace_id);
  }
}

void run_sse(const SseStep& step, StepRun& run) {
  if (!step.open.empty()) {
    run_open(step, run);
  } else {
    run_post(step, run);
  }
}

SseStep read_sse(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"server", "open", "post", "session_id", "tool", "args", "auth", "watch_ms"});
  SseStep step;
  step.server = reader.required_text(value, "server", here);
  step.open = reader.text_or(value, "open", here);
  step.post = reader.text_or(value, "post", here);
  if (step.open.empty() == step.post.empty()) reader.fail(value, here, "give one of open (a stream's name) and post (a kept stream's)");
  step.authorization = reader.text_or(value, "auth", here, "token");
  if (step.authorization != "token" && step.authorization != "none") {
    reader.fail(value["auth"], Reader::join(here, "auth"), "expected token or none");
  }
  if (!step.open.empty()) {
    for (const char* key : {"session_id", "tool", "args", "watch_ms"}) {
      if (value[key].IsDefined()) reader.fail(value[key], Reader::join(here, key), "is a post's, not an open's");
    }
    return step;
  }
  step.session_id = reader.text_or(value, "session_id", here);
  step.tool = reader.required_text(value, "tool", here);
  if (value["args"].IsDefined()) step.args = read_object(reader, value["args"], Reader::join(here, "args"));
  if (value["watch_ms"].IsDefined()) {
    step.watch_ms = static_cast<int>(bounded_integer(reader, value["watch_ms"], Reader::join(here, "watch_ms"), 100, 30000));
  }
  return step;
}

std::string sse_title(const SseStep& step, const std::string& who) {
  const std::string actor = who.empty() ? "no user" : who;
  if (!step.open.empty()) return actor + " opens an SSE stream at " + step.server + " (" + step.open + ")";
  const std::string session = step.session_id.empty()        ? step.post + "'s session"
                              : step.session_id == "none"    ? "no session_id"
                              : step.session_id == "unknown" ? "an unknown session_id"
                                                             : "session_id " + step.session_id;
  return actor + " posts " + step.tool + " to " + step.server + "'s /messages/ with " + session;
}

}  // namespace

StepKindInfo sse_step_kind() {
  return {
      .kind = StepKind::sse,
      .name = "sse",
      .summary = "MCP's HTTP+SSE transport (2024-11-05) taken apart: open a stream as the acting user and keep it under "
                 "a name, or POST a tools/call to a kept stream's messages endpoint as anyone and watch that stream.",
      .example = "as: alice\nsse: {server: github-mcp, post: bobs, tool: list_repos}",
      .fields = {{"sse.server", "an MCP server (`jira` means jira-mcp); its stream is its URL when its transport is `sse`, "
                                "else `/sse` beside it"},
                 {"sse.open", "open a stream (GET, initialize at 2024-11-05, initialized) and keep it under this name "
                              "for the scenario; `ok: true` once it is"},
                 {"sse.post", "POST to the messages endpoint of the stream kept under this name (the endpoint its "
                              "`endpoint` event named); the step's answer is the POST's, its call's result the "
                              "response that came on that stream, if one did"},
                 {"sse.session_id", "post: `none` sends no session_id, `unknown` one no server gave out, any other "
                                    "text that one; default the stream's own"},
                 {"sse.tool", "post: the tool called (tools/call)"},
                 {"sse.args", "post: its arguments (a mapping; `${…}` substituted)"},
                 {"sse.auth", "`token` (default: the caller's bearer token) or `none`"},
                 {"sse.watch_ms", "post: how long the stream is watched for the call's answer (100 to 30000, default "
                                  "2000); `stream_messages` counts what came meanwhile"}},
      .yields = {ResultPart::http_answer, ResultPart::rpc_answer, ResultPart::tool_answer, ResultPart::json_result, ResultPart::sent_token, ResultPart::ledger, ResultPart::stream},
      .read = [](const StepSource& source) -> StepSpec { return read_sse(source); },
      .run = runner<SseStep>(run_sse),
      .title = titler<SseStep>(sse_title),
      .addressed = [](const StepExecutor& executor, const Step& step) { return executor.mcp_service(step.get<SseStep>().server); },
      .needs_caller = [](const Step& step) { return step.get<SseStep>().authorization == "token"; },
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
