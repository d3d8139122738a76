// The `call` step: an MCP tool call as the acting user, or a burst of them (family 5), with a
// W3C traceparent so that the backend's ledger and Vault's audit log say which entries the call
// caused; then the server's side of it, for the user's flow.
#include <algorithm>
#include <atomic>
#include <exception>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>

#include "../capability_call.h"
#include "../load_checks.h"
#include "../recorder.h"
#include "../step_executor.h"
#include "../tool_result.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/http/trace_context.h"
#include "mcph/mcp/json.h"
#include "mcph/mcp/protocol.h"
#include "mcph/sync/elapsed.h"
#include "mcph/text/join.h"
#include "agent_fields.h"
#include "dpop_presentation.h"
#include "input_answer.h"
#include "rpc_outcome.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using sync::SteadyClock;

// The rest of a burst, `calls` calls numbered from 0, on `session` and on up to
// kBurstConnections - 1 more connections of the same user at once, all started together. A
// burst must outpace a rate limit whatever one call costs here: under a sanitizer on two busy
// cores a call can take 100 ms, and four connections at a time offered 40 calls slower than a
// bucket of 20 a second refills. The other connections join `session` (its Mcp-Session-Id,
// without an initialize of their own, which a limiter may count), so they cost the limit nothing
// before the burst. Whether the burst did reach the limit is judged afterwards from each call's
// times (limit_not_reached), never assumed.
constexpr int kBurstConnections = 16;
// Each connection that joins the session numbers its requests from its own multiple of this:
// no JSON-RPC id is used twice in the session (a burst is at most 1,000 calls).
constexpr std::int64_t kIdsPerJoinedClient = 1'000'000;
// `call` returns false to end the burst early (until: rate_limited): the calls in flight finish,
// no other starts.
void run_burst(mcp::Client& session, const std::function<std::unique_ptr<mcp::Client>()>& join_session, int calls,
               const std::function<bool(mcp::Client&, int)>& call) {
  std::vector<std::unique_ptr<mcp::Client>> more;
  for (int k = 1; k < kBurstConnections && k < calls; ++k) more.push_back(join_session());
  std::atomic<int> next{0};
  std::mutex failure_lock;
  std::exception_ptr failure;
  std::latch ready(static_cast<std::ptrdiff_t>(more.size()) + 1);
  const auto work = [&](mcp::Client& client) {
    ready.arrive_and_wait();
    try {
      for (int i; (i = next++) < calls;) {
        if (!call(client, i)) next = calls;
      }
    } catch (...) {
      const std::lock_guard<std::mutex> hold(failure_lock);
      if (!failure) failure = std::current_exception();
      next = calls;  // the others stop too
    }
  };
  std::vector<std::thread> threads;
  for (auto& client : more) threads.emplace_back(work, std::ref(*client));
  work(session);
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

// The call `batch` times in one JSON-RPC batch on `session` (a 2025-03-26 one), as one POST: its
// answer is the step's HTTP answer, and its body, parsed, the result (the answers, in any order).
mcp::RpcOutcome send_batch(mcp::Client& session, const std::string& tool, const std::string& args, int batch,
                           const http::Fields& headers, StepOutcome& out) {
  if (session.protocol_version() != mcp::kBatchProtocolVersion) {
    throw std::runtime_error("batch: the server chose protocol " + session.protocol_version() + " at initialize, which has no "
                             "batches (" + std::string(mcp::kBatchProtocolVersion) + " has)");
  }
  const std::string calls = mcp::tool_call_batch(batch, tool, nlohmann::json::parse(args)).dump();
  const auto started = SteadyClock::now();
  mcp::RpcOutcome answer = session.post_raw(calls, headers);
  fill_from_rpc(answer, out);
  out.result = json_of_answer(answer.header("Content-Type"), answer.body);
  if (out.result.is_discarded()) out.result = nullptr;
  out.burst.statuses.push_back(answer.http_status);
  out.burst.calls.push_back({started, SteadyClock::now(), answer.http_status, answer.header("Retry-After")});
  if (answer.http_status >= 400) out.burst.retry_after = answer.header("Retry-After");
  return answer;
}

// The server's side of a call for the user's flow: its Vault login and paths (from the audit
// log), the masked credential and the backend's ledger entry.
void trace_server_side(const std::string& server, UserDirectory& users, const StepOutcome& out, Recorder& record) {
  const std::string entity = out.caller.empty() ? "" : users.entity_id(out.caller);
  bool logged_in = false;
  for (const auto& entry : out.audit.entries) {
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (entry.value("type", "") == "response" && path.rfind("auth/", 0) == 0 && path.ends_with("/login")) {
      const std::string id = entry.value("/response/auth/entity_id"_json_pointer, "");
      if (id != entity) continue;
      logged_in = true;
      record.flow(out.caller, "Vault login and entity", server + " → " + path + " → entity " + users.entity_name(id));
    } else if (entry.value("type", "") == "request" && !entity.empty() &&
               entry.value("/auth/entity_id"_json_pointer, "") == entity && !path_owner(path).empty()) {
      if (!logged_in) {
        record.flow(out.caller, "Vault login and entity",
                    server + " reused its cached Vault session (entity " + users.entity_name(entity) + ")");
      }
      logged_in = true;
      record.flow(out.caller, "Vault path", server + " → " + entry.value("/request/operation"_json_pointer, "read") + " " + path);
    }
  }
  for (const auto& item : out.ledger.entries) {
    record.flow(out.caller, "masked credential", item.value("scheme", "") + " " + item.value("credential", ""));
    record.flow(out.caller, "backend ledger entry",
                out.ledger.backend + ": " + item.value("method", "") + " " + item.value("path", "") + " → " +
                    std::to_string(item.value("status", 0)) + ", credential of " + item.value("credential_of", "?"));
    break;  // one is enough for the flow; the trace has them all
  }
}

// A capability call's answer as the expectations read it: the capability's fields as the result,
// and the refusal kinds it shows, by the target's tool map.
void read_capability_answer(const stack::ToolMap& map, const stack::CapabilityTool& tool, const mcp::ToolCallOutcome& result, StepOutcome& out) {
  const nlohmann::json source = capability_source(tool, result.structured_content, result.text());
  out.result = result.ok() ? capability_fields_of(tool, source) : nlohmann::json::object();
  out.tool.refusals = refusal_kinds(map, out, source);
}

void run_call(const CallStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  const stack::StackFile& stack = executor.stack();
  StepOutcome& out = run.out;
  const std::string service = executor.mcp_service(step.server);
  const stack::ServiceEntry& entry = stack.service(service);
  const stack::TargetProfile profile = stack::target_profile(entry, service);
  // An agent of a target whose profile has `auth` presents its own credential; a user, their token.
  const std::optional<AgentCredential> agent = step_agent_credential(executor, service, run.step, step.agent);
  http::Fields credential_headers;
  std::string session_key;
  std::shared_ptr<const DpopPresenter> dpop;  // a held bound token, a proof made for each request
  if (agent) {
    act_as_agent(*agent, run.step, profile, out, run.record);
    credential_headers = agent->headers;
    // A bent credential is never an earlier session's: each such step opens its own.
    session_key = agent->mode + "|" + out.caller + "|" + step.agent.shape;
  } else {
    HeldToken& token = executor.token_for(run.step, run.state, out, run.record);
    if (out.caller.empty()) out.caller = token.user;
    out.sent_token = token.value;
    session_key = run.step.token_name.empty() ? out.caller : run.step.token_name;
    if (step.dpop) {
      if (!token.dpop_key) throw std::runtime_error("dpop: the harness holds no key of this token (get it with token: … dpop: true)");
      dpop = std::make_shared<const DpopPresenter>(*step.dpop, *token.dpop_key, token.value);
    } else {
      credential_headers = {{"Authorization", "Bearer " + token.value}};
    }
  }
  const mcp::Era era = step.era.value_or(stack::protocol_era(entry, service));
  const std::string key = service + "|" + session_key + (step.batch > 0 ? "|batch" : "") + (step.answer ? "|answer" : "") +
                          "|" + std::string(mcp::to_string(era));
  auto& session = run.state.sessions[key];
  // A DPoP presentation opens a session of its own, each of its requests proven as it bends them;
  // so does a batch, whose session is of the revision that has batches, and an answer, which its
  // client gives.
  if ((agent && step.agent.shape != "{}") || dpop || step.batch > 0 || step.answer) session.reset();
  const std::string url = agent ? agent->url : entry.url;

  // A server that does not forward traceparent to its backend either: the ledger's entries
  // written from here on are the window's.
  const std::string backend = backend_of(stack, service);
  const bool ledger_by_window = !backend.empty() && profile.correlation == stack::Correlation::window;
  const std::uint64_t ledger_before = ledger_by_window ? ledger_last_seq(stack.service(backend).url) : 0;
  const http::TraceParent trace = http::new_trace();
  // A server that sends the call's traceparent on to Vault lets the step keep exactly its own
  // audit entries; one that cannot (correlation "window") is matched by time.
  if (profile.correlation == stack::Correlation::traceparent) out.trace_ids.push_back(trace.trace_id);
  http::Fields headers = {{"traceparent", http::format_traceparent(trace)}};
  for (const auto& [name, value] : step.headers) headers.emplace_back(name, substitute(value, run.resolve));
  // A capability is the tool the target's tool map names, its arguments under the tool's names.
  const bool resource = step.capability == "read_resource";
  const stack::CapabilityTool* capability =
      step.capability.empty() || resource ? nullptr : &capability_tool(profile, step.capability, service);
  if (capability) {
    // Known before the call: a call refused before the tool ran (401 at initialize) is no refusal of these.
    for (const auto& [kind, shape] : profile.tools->refusals) out.tool.refusal_shapes[kind] = describe_refusal(shape);
  }
  const nlohmann::json step_args = with_server_names(profile, substitute_json(nlohmann::json::parse(step.args), run.resolve));
  const NamedCall named = capability ? NamedCall{capability->tool, capability_arguments_json(*capability, step_args)}
                                     : named_call(profile, step.tool, step_args);
  const std::string& tool = named.tool;
  const std::string args = named.args.dump();
  // read_resource is no tool call: resources/read of the resource's URI.
  const std::string method = resource ? "resources/read" : "";
  const nlohmann::json params = resource ? nlohmann::json{{"uri", resource_uri(profile, service, step_args, out.caller)}} : nlohmann::json();
  const std::string params_text = params.is_null() ? "" : params.dump();
  const std::string sent = method.empty() ? "tools/call " + tool : method;
  http::Fields shown = headers;
  shown.insert(shown.end(), credential_headers.begin(), credential_headers.end());
  if (dpop) {
    const http::Fields presented = dpop->headers("POST", url);  // what initialize was sent with, a proof like its own
    shown.insert(shown.end(), presented.begin(), presented.end());
  }

  const auto new_session = [&] {
    mcp::ClientOptions options;
    options.transport = profile.transport;
    options.era = era;
    if (step.batch > 0) {
      if (profile.transport != mcp::Transport::streamable_http) {
        throw std::runtime_error("batch: a batch is sent in a session of Streamable HTTP, and " + service + " speaks " +
                                 std::string(mcp::to_string(profile.transport)));
      }
      options.era = mcp::Era::legacy;
      options.protocol_version = std::string(mcp::kBatchProtocolVersion);
    }
    options.http.read_timeout = executor.options().http_timeout;
    if (step.answer) options.answer_input = input_answerer(*step.answer);
    if (agent) {
      options.http.ca_file = agent->ca_file;
      options.http.client_certificate_file = agent->certificate_file;
      options.http.client_key_file = agent->key_file;
    }
    auto client = std::make_unique<mcp::Client>(url, options);
    for (const auto& [name, value] : credential_headers) client->set_header(name, value);
    if (dpop) {
      client->set_request_headers([dpop](std::string_view method, const std::string& at) { return dpop->headers(std::string(method), at); });
    }
    return client;
  };
  const stack::RateLimit limit = stated_rate_limit(entry);
  out.burst.stated_limit = limit.requests;
  out.burst.stated_window = limit.window;
  const std::string subject = agent ? "agent " + out.caller : pacing_subject(out.sent_token);
  const bool connected = session != nullptr;
  if (!session) session = new_session();
  for (const auto& [name, value] : credential_headers) session->set_header(name, value);
  if (!connected) {
    // initialize and notifications/initialized (after the GET of its stream over SSE), or the
    // modern era's server/discover and tools/list; the legacy transport has no session to open
    const mcp::Transport transport = session->transport();
    const bool modern = era == mcp::Era::modern;
    const int opening = transport == mcp::Transport::streamable_http ? 2
                        : transport == mcp::Transport::sse            ? 3
                                                                      : 0;
    executor.pace(service, subject, limit, opening, out);
    const auto started = SteadyClock::now();
    const mcp::RpcOutcome init = session->connect(headers);
    executor.answered(service, subject, limit, init.http_status, opening);
    if (init.http_status != 0) {
      run.record.exchange("POST", url, shown, modern ? "server/discover" : "initialize", init.http_status, init.headers, init.body,
                          sync::ms_since(started));
    }
    if (init.http_status != 0 && !init.ok()) {
      fill_from_rpc(init, out);
      out.burst.statuses.push_back(init.http_status);
      session.reset();  // not initialized: the next step starts over
      run.record.flow(out.caller, "MCP request",
                      "POST " + url + (modern ? " server/discover → " : " initialize → ") + out.describe());
    }
  }

  // One call of the step (of a burst, the i-th); a burst's calls run on several threads, so what
  // they share is written under `lock`.
  std::mutex lock;
  int rejections = 0;
  int done = 0;
  const auto one_call = [&](mcp::Client& client, int i) {
    const auto started = SteadyClock::now();
    mcp::ToolCallOutcome result;
    if (method.empty()) result = client.call_tool(tool, args, headers);
    else result.rpc = client.request(method, params_text, headers);
    const auto answered = SteadyClock::now();
    const bool rejected = result.rpc.http_status >= 400;
    const std::lock_guard<std::mutex> hold(lock);
    out.burst.statuses.push_back(result.rpc.http_status);
    out.burst.calls.push_back({started, answered, result.rpc.http_status, result.rpc.header("Retry-After")});
    if (result.ok()) ++out.burst.accepted;
    if (rejected && out.burst.retry_after.empty()) out.burst.retry_after = result.rpc.header("Retry-After");
    // until: rate_limited — refused, or a limiter of the file's rate would have had to refuse by now.
    // Only the verdict is needed here; limit_not_reached words it for the report afterwards.
    const bool enough = step.until_rate_limited &&
                        (result.rpc.http_status == 429 ||
                         rejection_due(out.burst.calls, step.rate_limit, std::chrono::milliseconds(step.rate_window_ms)));
    if (i == 0) {
      for (const mcp::RpcOutcome& round : result.earlier_rounds) {
        run.record.exchange("POST", url, shown, "tools/call " + tool + " (a round answered with the step's answer)", round.http_status,
                            round.headers, round.body, 0);
      }
      fill_from_rpc(result.rpc, out);
      out.tool.error = result.is_error;
      out.tool.input_required = result.input_required;
      out.tool.questions_answered = static_cast<int>(result.earlier_rounds.size());
      if (result.input_required) out.tool.input_asked = input_asked(result.input_requests);
      out.tool.text = result.text();
      out.result = tool_result_json(profile, result.structured_content, result.text(), std::move(out.result));
      if (!result.ok()) {
        // Its own words: the tool error's text, the JSON-RPC error's message, else the HTTP body.
        const std::string& words = result.is_error ? out.tool.text : result.rpc.error ? result.rpc.error->message : out.http.body;
        out.tool.failure_kinds = failure_kinds(profile, words, out.caller);
      }
      out.tool.dependency_timeout_ms = profile.dependency_timeout_ms;
      if (capability) read_capability_answer(*profile.tools, *capability, result, out);
    }
    // A burst keeps its first answer, the first rejection and the last answer in the trace.
    const bool first_rejection = rejected && ++rejections == 1;
    const bool last = i > 0 && (++done == step.repeat - 1 || enough);
    if (i == 0 || first_rejection || last) {
      const nlohmann::json request = method.empty() ? nlohmann::json{{"method", "tools/call"}, {"params", {{"name", tool}, {"arguments", named.args}}}}
                                                    : nlohmann::json{{"method", method}, {"params", params}};
      nlohmann::json& recorded = run.record.exchange("POST", url, shown, request.dump(), result.rpc.http_status,
                                                     result.rpc.headers, result.rpc.body, sync::ms_between(started, answered));
      if (step.repeat > 1) recorded["call"] = i + 1;
    }
    return !enough;
  };
  bool go_on = false;
  if (session && step.batch > 0) {
    // Each call of a batch is charged to the limit: the batch waits for as many (a full bucket
    // at most), so that only its own size can make the server refuse it.
    executor.pace(service, subject, limit, step.batch, out);
    out.caveat = batch_caveat(limit, step.batch, service);
    const mcp::RpcOutcome answer = send_batch(*session, tool, args, step.batch, headers, out);
    const auto& timed = out.burst.calls.back();
    if (answer.http_status == 429) executor.burst_answered(service, subject, limit, out.burst.statuses, step.batch);
    else executor.answered(service, subject, limit, answer.http_status, step.batch);
    run.record.exchange("POST", url, shown, "a batch of " + std::to_string(step.batch) + " tools/call " + tool, answer.http_status,
                        answer.headers, answer.body, sync::ms_between(timed.sent, timed.answered));
  } else if (session) {
    executor.pace(service, subject, limit, 1, out, step.repeat);
    go_on = one_call(*session, 0);
    executor.answered(service, subject, limit, out.burst.statuses.back());
    // A call that answered the server's questions made a request per round: the rounds before its
    // last are charged too, so that the next request waits for them.
    if (out.tool.questions_answered > 0) executor.pace(service, subject, limit, out.tool.questions_answered, out);
  }
  if (go_on && step.repeat > 1) {
    std::int64_t joined = 0;
    const auto join_session = [&] {
      auto client = new_session();
      client->set_session_id(session->session_id());
      client->set_protocol_version(session->protocol_version());
      client->set_next_request_id(++joined * kIdsPerJoinedClient + 1);
      return client;
    };
    run_burst(*session, join_session, step.repeat - 1, [&](mcp::Client& client, int i) { return one_call(client, i + 1); });
    executor.burst_answered(service, subject, limit, out.burst.statuses, step.repeat);  // a burst is not paced
  }
  if (session && step.repeat > 1) {
    // How fast the burst came (whether it could test a rate limit: limit_not_reached).
    const auto by_sending = [](const auto& a, const auto& b) { return a.sent < b.sent; };
    const auto [first, last] = std::minmax_element(out.burst.calls.begin(), out.burst.calls.end(), by_sending);
    const auto answered = std::max_element(out.burst.calls.begin(), out.burst.calls.end(),
                                           [](const auto& a, const auto& b) { return a.answered < b.answered; });
    run.record.note({{"burst",
                      {{"calls", out.burst.calls.size()},
                       {"statuses", out.burst.statuses},
                       {"sent_over_ms", sync::ms_between(first->sent, last->sent)},
                       {"answered_within_ms", sync::ms_between(first->sent, answered->answered)}}}});
  }
  if (session) {
    const std::string batch = step.batch > 0 ? " a batch of " + std::to_string(step.batch) : "";
    run.record.flow(out.caller, "MCP request", "POST " + url + batch + " " + sent + " → " + out.describe());
  }

  // The backend ledger: entries carrying this call's trace id, or by window (above).
  if (!backend.empty()) {
    out.ledger.observed = true;
    out.ledger.backend = backend;
    if (ledger_by_window) {
      const nlohmann::json written = ledger_entries_after(stack.service(backend).url, ledger_before);
      out.ledger.by_window = true;
      for (const auto& item : written) {
        if (item.value("trace_id", "").empty()) out.ledger.entries.push_back(item);
      }
      out.ledger.other_traces = written.size() - out.ledger.entries.size();
    } else {
      out.ledger.entries = ledger_entries(stack.service(backend).url, trace.trace_id);
    }
  }
  executor.observe_audit(out);
  if (!agent) trace_server_side(service, executor.users(), out, run.record);
}

// `call: <server>` with `capability:` and its arguments (`secret:`, `prefix:`, `data:`), each
// checked against what the capability takes.
void read_capability_call(const StepSource& source, CallStep& step) {
  const Reader& reader = source.reader;
  const YAML::Node& node = source.step;
  const std::string& field = source.field;
  const std::string at = Reader::join(field, "capability");
  step.capability = reader.text(node["capability"], at);
  if (!stack::is_capability(step.capability)) {
    reader.fail(node["capability"], at, "expected one of " + std::string(stack::kToolCapabilities) + ", got \"" + step.capability + "\"");
  }
  if (step.server.find('.') != std::string::npos) {
    reader.fail(source.value, source.here, "a capability call names the server alone (call: agent-bridge-mcp), not a tool");
  }
  if (node["args"].IsDefined()) reader.fail(node["args"], Reader::join(field, "args"), "a capability call takes secret, prefix or data");
  if (step.capability == "read_resource" && node["batch"].IsDefined()) {
    reader.fail(node["batch"], Reader::join(field, "batch"), "a batch is of tool calls, and read_resource is resources/read");
  }
  const std::vector<std::string> takes = stack::capability_arguments(step.capability);
  nlohmann::json args = nlohmann::json::object();
  for (const char* key : {"secret", "prefix", "data", "owner"}) {
    if (!node[key].IsDefined()) continue;
    const std::string key_field = Reader::join(field, key);
    if (std::find(takes.begin(), takes.end(), key) == takes.end()) {
      reader.fail(node[key], key_field, "the capability " + step.capability + " takes " + text::join(takes));
    }
    args[key] = std::string(key) == "data" ? read_object(reader, node[key], key_field) : nlohmann::json(reader.text(node[key], key_field));
  }
  for (const std::string& needed : takes) {
    if (needed != "prefix" && needed != "owner" && !args.contains(needed)) {
      reader.fail(node, field, "the capability " + step.capability + " needs " + needed + ":");
    }
  }
  step.args = args.dump();
}

CallStep read_call(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& node = source.step;
  const std::string& field = source.field;
  source.allowed.insert({"args", "repeat", "until", "headers", "dpop", "capability", "secret", "prefix", "data", "owner", "batch",
                          "answer", "era"});
  CallStep step;
  const std::string target = reader.text(source.value, source.here);
  if (node["capability"].IsDefined()) {
    step.server = target;
    read_capability_call(source, step);
  } else {
    const auto dot = target.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) {
      reader.fail(source.value, source.here,
                  "expected server.tool, e.g. jira.get_issue, or the server alone with capability: read, write, list or delete "
                  "(the target's tool map names the tool), got \"" + target + "\"");
    }
    step.server = target.substr(0, dot);
    step.tool = target.substr(dot + 1);
    for (const char* key : {"secret", "prefix", "data", "owner"}) {
      if (node[key].IsDefined()) reader.fail(node[key], Reader::join(field, key), "is a capability call's argument (capability:)");
    }
  }
  if (node["args"].IsDefined() && step.capability.empty()) {
    step.args = read_object(reader, node["args"], Reader::join(field, "args")).dump();
  }
  if (node["repeat"].IsDefined()) {
    step.repeat = static_cast<int>(bounded_integer(reader, node["repeat"], Reader::join(field, "repeat"), 1, 1000));
  }
  if (node["until"].IsDefined()) {
    const std::string until_field = Reader::join(field, "until");
    if (reader.text(node["until"], until_field) != "rate_limited") reader.fail(node["until"], until_field, "the only stop is rate_limited");
    if (step.repeat < 2) reader.fail(node["until"], until_field, "stops a burst: give repeat, the most calls it makes");
    if (source.needs.rate_limit <= 0) {
      reader.fail(node["until"], until_field, "needs the file's rate limit (needs: {rate_limit: {requests: N, window_ms: W}})");
    }
    step.until_rate_limited = true;
    step.rate_limit = source.needs.rate_limit;
    step.rate_window_ms = source.needs.rate_window_ms;
  }
  if (node["headers"].IsDefined()) step.headers = reader.header_fields(node["headers"], Reader::join(field, "headers"));
  step.agent = read_agent_fields(source);
  step.dpop = read_dpop_field(reader, node, field);
  if (step.dpop && step.dpop->proof == DpopProof::replayed) {
    reader.fail(node["dpop"], Reader::join(field, "dpop"), "a call sends several requests; replay a proof with an http step");
  }
  step.answer = read_input_answer(reader, node, field);
  if (node["era"].IsDefined()) step.era = read_choice<mcp::Era>(reader, node["era"], Reader::join(field, "era"), mcp::kEras, "era");
  if (node["batch"].IsDefined()) {
    const std::string batch_field = Reader::join(field, "batch");
    step.batch = static_cast<int>(bounded_integer(reader, node["batch"], batch_field, 1, 1000));
    if (node["repeat"].IsDefined() || step.dpop || step.answer) {
      reader.fail(node["batch"], batch_field, "a batch is one POST in a session of its own: give no repeat, until, dpop or answer");
    }
    if (step.era == mcp::Era::modern) {
      reader.fail(node["batch"], batch_field, "a batch is sent in a 2025-03-26 session; the modern era has no batches");
    }
  }
  return step;
}

std::string call_title(const CallStep& step, const std::string& who) {
  std::string what = who + " calls " + step.server + "." + step.tool;
  if (!step.capability.empty()) {
    const nlohmann::json args = nlohmann::json::parse(step.args);
    what = who + " calls " + step.server + " to " + step.capability;
    if (args.contains("owner")) what += " " + args["owner"].get<std::string>() + "'s";
    if (args.contains("secret")) what += " " + args["secret"].get<std::string>();
    if (args.contains("prefix")) what += " under " + args["prefix"].get<std::string>();
  }
  if (step.batch > 0) what += " " + std::to_string(step.batch) + " times in one batch";
  if (step.repeat > 1) {
    what += step.until_rate_limited ? " until rate-limited (at most " + std::to_string(step.repeat) + " times)"
                                    : " " + std::to_string(step.repeat) + " times";
  }
  return what;
}

}  // namespace

StepKindInfo call_step_kind() {
  return {
      .kind = StepKind::call,
      .name = "call",
      .summary = "An MCP tool call as the acting user, or a burst of them; the backend's ledger entry and Vault's "
                 "audit entries it caused are kept for the expectations.",
      .example = "as: alice\ncall: jira.get_issue\nargs: {issue_key: DEMO-1}",
      .fields = {{"call", "`server.tool`; `jira` means jira-mcp; with `capability:`, the server alone"},
                 {"args", "the tool's arguments (a mapping; `${…}` substituted)"},
                 {"capability", "instead of a tool: `read`, `write`, `list` or `delete` one of the calling agent's secrets, the "
                                "tool the target's tool map names (target-profiles.md, `tools`); the result is then the "
                                "capability's fields (`/data` of read, `/keys` of list) and `refused:` reads its refusals; "
                                "`read_resource`: resources/read of the URI the map's `read_resource` template makes of the "
                                "secret, the result its JSON-RPC result (`/contents/0/text`)"},
                 {"secret", "a capability call's secret, below the agent's own prefix (read, write, delete, read_resource; "
                            "`${…}` substituted)"},
                 {"owner", "read_resource: the agent whose resource it names (default: the caller)"},
                 {"prefix", "a list's prefix (none: all the agent's keys)"},
                 {"data", "a write's data (a mapping)"},
                 {"repeat", "a burst of this many calls (1 to 1000), on up to 16 connections of the caller's session at once"},
                 {"until", "`rate_limited`: the burst stops at its first 429, or once a limiter of the file's stated rate "
                           "would have had to refuse a call (needs `needs: rate_limit`)"},
                 {"batch", "this many of the call (1 to 1000) in one JSON-RPC batch, one POST in a 2025-03-26 session the "
                           "step opens (Streamable HTTP; the revision that has batches); the answer is the step's HTTP "
                           "answer, its parsed body the result"},
                 {"headers", "extra request headers: a mapping, or a list of `{Name: value}` when a name repeats"},
                 {"dpop", kDpopFieldMeaning},
                 {"answer", kAnswerFieldMeaning},
                 {"era", "the era of MCP the call speaks: `legacy` (initialize and a session), `modern` (2026-07-28, each "
                         "request on its own) or `dual`; default: the server entry's `protocol`"},
                 kViaField,
                 kCredentialField},
      .yields = {ResultPart::http_answer, ResultPart::rpc_answer, ResultPart::tool_answer, ResultPart::json_result, ResultPart::sent_token, ResultPart::burst, ResultPart::ledger, ResultPart::audit, ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec { return read_call(source); },
      .run = runner<CallStep>(run_call),
      .title = titler<CallStep>(call_title),
      .addressed = [](const StepExecutor& executor, const Step& step) { return executor.mcp_service(step.get<CallStep>().server); },
      .needs_caller = always,
      .audit = AuditReading::by_the_step,
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
