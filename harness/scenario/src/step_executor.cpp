#include "step_executor.h"

#include "tool_result.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "mcph/harness/response_parser.h"
#include "mcph/harness/service_table.h"
#include "mcph/harness/stack_tokens.h"
#include "load_checks.h"
#include "load_step.h"
#include "raw_tcp.h"
#include "token_forge.h"
#include "mcph/http/client.h"
#include "mcph/http/trace_context.h"
#include "mcph/http/url.h"
#include "mcph/jose/base64url.h"
#include "mcph/jose/jwt.h"
#include "mcph/oidc/token_client.h"
#include "mcph/secrets/scrub.h"
#include "mcph/secrets/mask.h"
#include "mcph/vault/client.h"
#include "mcph/text/join.h"

namespace mcph::harness {
namespace {

// The rest of a burst, `calls` calls numbered from 0, on `session` and on up to
// kBurstConnections - 1 more connections of the same user at once, all started together. A
// burst must outpace a rate limit whatever one call costs here: under a sanitizer on two busy
// cores a call can take 100 ms, and four connections at a time (as before) then offered 40
// calls slower than a bucket of 20 a second refills. The other connections join `session` (its
// Mcp-Session-Id, without an initialize of their own, which a limiter may count), so they cost
// the limit nothing before the burst. Whether the burst did reach the limit is judged
// afterwards from each call's times (limit_not_reached), never assumed.
constexpr int kBurstConnections = 16;
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

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string default_client = "mcp-client";

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The claims of a JWT, unverified, as JSON (null when it is not one): for traces and for
// knowing when a token expires, never for trust.
Json jwt_claims(const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  return payload ? Json::parse(*payload, nullptr, false) : Json(nullptr);
}

// Whom a server's limiter counts a request against: the token's subject, read unverified (a
// forged token is refused before the limiter, and UserPacer::answered gives its request back),
// or, for a token that is not a JWT, the token itself. Kept in memory only.
std::string pacing_subject(const std::string& token) {
  const Json claims = jwt_claims(token);
  if (claims.is_object() && claims.contains("sub") && claims["sub"].is_string()) return claims["sub"].get<std::string>();
  return token;
}

// The per-user limit the stack says a server has; none when it does not say.
RateLimit stated_rate_limit(const ServiceEntry& entry) {
  return RateLimit::parse(entry.get("rate_limit")).value_or(RateLimit{0, std::chrono::milliseconds(1000)});
}


// Headers worth keeping in a trace, with credentials masked.
Json trace_headers(const http::Fields& headers) {
  Json out = Json::object();
  for (const auto& [name, value] : headers) {
    std::string lowered = name;
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lowered == "authorization") {
      const auto space = value.find(' ');
      out[name] = space == std::string::npos ? secrets::mask(value) : value.substr(0, space + 1) + secrets::mask(value.substr(space + 1));
    } else if (lowered == "content-type" || lowered == "www-authenticate" || lowered == "retry-after" ||
               lowered == "traceparent" || lowered == "mcp-session-id" || lowered == "mcp-protocol-version") {
      out[name] = value;  // the whole trace is scrubbed when it is written
    }
  }
  return out;
}

std::string trace_body(const std::string& body) {
  constexpr std::size_t limit = 4096;
  // Scrubbed before it is cut: a token cut in half would no longer look like one.
  std::string out = secrets::scrub(body);
  if (out.size() > limit) out = out.substr(0, limit) + "… (" + std::to_string(body.size()) + " bytes)";
  return out;
}

Json exchange(const std::string& method, const std::string& url, const http::Fields& request_headers,
              const std::string& request_body, int status, const http::Fields& response_headers,
              const std::string& response_body, double ms) {
  return Json{{"request", {{"method", method}, {"url", url}, {"headers", trace_headers(request_headers)},
                           {"body", trace_body(request_body)}}},
              {"response", {{"status", status}, {"headers", trace_headers(response_headers)},
                            {"body", trace_body(response_body)}}},
              {"ms", ms}};
}

void fill_from_rpc(const mcp::RpcOutcome& rpc, StepOutcome& out) {
  out.http_status = rpc.http_status;
  out.headers = rpc.headers;
  out.body = rpc.body;
  out.rpc_result = rpc.result.has_value();
  out.rpc_error = rpc.error ? std::optional<int>(rpc.error->code) : std::nullopt;
  if (rpc.result) out.result = Json::parse(*rpc.result, nullptr, false);
}

// {"pad":"xxx…"}, exactly `bytes` long (the loader allows no fewer than its 10 bytes of frame).
std::string generated_body(std::size_t bytes) {
  const std::string open = R"({"pad":")", close = R"("})";
  return open + std::string(bytes - open.size() - close.size(), 'x') + close;
}

// The JSON-RPC request a target profile's `probe` names, as an MCP client would send it.
std::string probe_request(const std::string& method) {
  Json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}};
  if (method == "initialize") {
    const mcp::ClientOptions client;
    request["params"] = {{"protocolVersion", client.protocol_version},
                         {"capabilities", Json::object()},
                         {"clientInfo", {{"name", client.client_name}, {"version", client.client_version}}}};
  }
  return request.dump();
}

}  // namespace

void ScenarioState::flow(const std::string& user, std::string stage, std::string detail) {
  auto it = std::find_if(flows.begin(), flows.end(), [&](const reports::UserFlow& f) { return f.user == user; });
  if (it == flows.end()) {
    flows.push_back({user, {}});
    it = std::prev(flows.end());
  }
  std::string shown = secrets::scrub(detail);
  // A burst repeats the same stage call after call: once is what a person needs.
  if (!it->steps.empty() && it->steps.back().stage == stage && it->steps.back().detail == shown) return;
  it->steps.push_back({std::move(stage), std::move(shown)});
}

StepExecutor::StepExecutor(const StackFile& stack, UserDirectory& users, const RunnerOptions& options)
    : stack_(stack),
      users_(users),
      options_(options),
      audit_(stack.services.count("vault") ? std::filesystem::path(stack.service("vault").get("audit_log"))
                                           : std::filesystem::path()),
      faults_(stack),
      pacer_(options.pacing_dir) {}

std::string StepExecutor::realm_url() const { return stack_.service("keycloak").url + "/realms/" + stack_.realm; }

std::string StepExecutor::mcp_service(const std::string& written) const {
  // "postgres" names both the database and, as a server, postgres-mcp: a server wins.
  if (stack_.services.count(written + "-mcp")) return written + "-mcp";
  if (stack_.services.count(written)) return written;
  throw std::runtime_error("the stack has no MCP server \"" + written + "\" (nor \"" + written + "-mcp\")");
}

StepOutcome StepExecutor::run(const Step& step, ScenarioState& state, const Resolver& resolve) {
  StepOutcome out;
  out.caller = step.as.empty() ? "" : substitute(step.as, resolve);
  if (out.caller.empty() && state.tokens.count(step.token_name)) out.caller = state.tokens[step.token_name].user;
  out.server = addressed_service(step);
  const auto started = Clock::now();
  audit_.skip_to_end();
  switch (step.kind) {
    case StepKind::call: call(step, state, resolve, out); break;
    case StepKind::http: http(step, state, resolve, out); break;
    case StepKind::vault: vault(step, state, resolve, out); break;
    case StepKind::token: token(step, state, resolve, out); break;
    case StepKind::sql: sql(step, resolve, out); break;
    case StepKind::tcp: tcp(step, resolve, out); break;
    case StepKind::fault: faults_.apply(step.fault, state.faults, out); break;
    case StepKind::idp: idp(step, out); break;
    case StepKind::load: load(step, out); break;
    case StepKind::wait:
      announce_wait(step.seconds, "wait step at " + step.where.to_string());
      std::this_thread::sleep_for(std::chrono::duration<double>(step.seconds));
      break;
  }
  // A load step's many calls are checked by the ledgers (load_step.h), not one by one in the
  // audit log, whose entries for them would swamp the trace.
  if (step.kind == StepKind::load) {
    audit_.skip_to_end();
  } else {
    observe_audit(out);
  }
  if (step.kind == StepKind::call) server_flow(mcp_service(step.server), out, state);
  out.ms = ms_since(started) - out.paced_ms;  // the server's time, not the runner's pacing
  return out;
}

void StepExecutor::announce_wait(double seconds, const std::string& why) const {
  if (seconds < 1 || !options_.progress) return;
  char line[64];
  std::snprintf(line, sizeof line, "  … waiting %.1f s ", seconds);
  options_.progress(line + why);
}

void StepExecutor::observe_audit(StepOutcome& out) {
  out.audit_observed = audit_.available();
  if (!out.audit_observed) return;
  const Json written = audit_.read_new();
  // A step whose requests carried a traceparent owns exactly the entries carrying it: what other
  // scenarios on the same stack cause meanwhile is not its (issue 13).
  if (!out.trace_ids.empty()) {
    out.audit = entries_of_traces(written, out.trace_ids);
    return;
  }
  // The others keep the time window: of the entries written while the step ran, those of
  // another trace are provably not its; the untraced rest may be, or may be a neighbour's.
  out.audit_by_window = true;
  out.audit = entries_without_trace(written);
  out.audit_other_traces = written.size() - out.audit.size();
}

HeldToken StepExecutor::login(const std::string& user, const std::string& client, const std::string& secret,
                              ScenarioState& state, StepOutcome& out, const std::string& asked_scope) {
  const UserFixture& fixture = users_.fixture(user);
  oidc::TokenClient tokens(realm_url(), {client, secret}, {});
  const auto started = Clock::now();
  // By default a token for every MCP server of the stack: each accepts only its own audience.
  const std::string scope = asked_scope.empty() ? mcp_scopes(stack_) : asked_scope;
  const oidc::TokenResponse response = tokens.password_grant(user, fixture.password, scope);
  const Json claims = jwt_claims(response.access_token);
  out.exchanges.push_back(exchange("POST", realm_url() + "/protocol/openid-connect/token", {},
                                   "grant_type=password&client_id=" + client + (scope.empty() ? "" : "&scope=" + scope),
                                   200, {}, "access token " + secrets::mask(response.access_token), ms_since(started)));
  state.flow(user, "login", "password grant at " + realm_url() + " as " + user + ", client " + client +
                                " → access token " + secrets::mask(response.access_token) + " (expires in " +
                                std::to_string(response.expires_in) + " s)");
  if (claims.is_object()) {
    std::string aud = claims.contains("aud") ? (claims["aud"].is_string() ? claims["aud"].get<std::string>() : claims["aud"].dump()) : "";
    state.flow(user, "JWT claims", "sub " + claims.value("sub", "") + " · preferred_username " +
                                       claims.value("preferred_username", "") + " · aud " + aud + " · azp " +
                                       claims.value("azp", "") + " · exp " + reports::utc_timestamp(claims.value("exp", 0L)));
  }
  return {user, response.access_token, response.refresh_token, client};
}

HeldToken& StepExecutor::token_for(const Step& step, ScenarioState& state, StepOutcome& out) {
  const std::string name = step.token_name.empty() ? out.caller : step.token_name;
  auto it = state.tokens.find(name);
  if (it != state.tokens.end()) return it->second;
  if (!step.token_name.empty() && step.token_name != out.caller) {
    throw std::runtime_error("no token named \"" + step.token_name + "\" yet (make one with a token step)");
  }
  return state.tokens[name] = login(out.caller, default_client, users_.client_secret(default_client), state, out);
}

void StepExecutor::pace(const std::string& server, const std::string& subject, const RateLimit& limit, int requests,
                        StepOutcome& out) {
  out.paced_ms += std::chrono::duration<double, std::milli>(pacer_.take(server, subject, limit, requests)).count();
}

void StepExecutor::call(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out) {
  const std::string service = mcp_service(step.server);
  const ServiceEntry& entry = stack_.service(service);
  const TargetProfile profile = target_profile(entry, service);
  HeldToken& token = token_for(step, state, out);
  if (out.caller.empty()) out.caller = token.user;
  out.sent_token = token.value;
  const std::string key = service + "|" + (step.token_name.empty() ? out.caller : step.token_name);
  auto& session = state.sessions[key];

  // A server that does not forward traceparent to its backend either: the ledger's entries
  // written from here on are the window's.
  const std::string backend = backend_of(stack_, service);
  const bool ledger_by_window = !backend.empty() && profile.correlation == "window";
  const std::uint64_t ledger_before = ledger_by_window ? ledger_last_seq(stack_.service(backend).url) : 0;
  const http::TraceParent trace = http::new_trace();
  const std::string& trace_id = trace.trace_id;
  // A server that sends the call's traceparent on to Vault lets the step keep exactly its own
  // audit entries; one that cannot (correlation "window") is matched by time.
  if (profile.correlation == "traceparent") out.trace_ids.push_back(trace_id);
  http::Fields headers = {{"traceparent", http::format_traceparent(trace)}};
  for (const auto& [name, value] : step.headers) headers.emplace_back(name, substitute(value, resolve));
  const std::string args = substitute_json(Json::parse(step.args), resolve).dump();
  const http::Fields shown = [&] {
    http::Fields all = headers;
    all.emplace_back("Authorization", "Bearer " + token.value);
    return all;
  }();

  const auto new_session = [&] {
    mcp::ClientOptions options;
    options.transport = mcp::parse_transport(profile.transport);
    options.http.read_timeout = options_.http_timeout;
    auto client = std::make_unique<mcp::Client>(entry.url, options);
    client->set_header("Authorization", "Bearer " + token.value);
    return client;
  };
  const RateLimit limit = stated_rate_limit(entry);
  const std::string subject = pacing_subject(token.value);
  bool connected = session != nullptr;
  if (!session) session = new_session();
  session->set_header("Authorization", "Bearer " + token.value);
  if (!connected) {
    // initialize and notifications/initialized; the legacy transport has no session to open
    const int opening = session->transport() == mcp::Transport::streamable_http ? 2 : 0;
    pace(service, subject, limit, opening, out);
    const auto started = Clock::now();
    const mcp::RpcOutcome init = session->connect(headers);
    pacer_.answered(service, subject, limit, init.http_status, opening);
    if (init.http_status != 0) {
      out.exchanges.push_back(exchange("POST", entry.url, shown, "initialize", init.http_status, init.headers, init.body, ms_since(started)));
    }
    if (init.http_status != 0 && !init.ok()) {
      fill_from_rpc(init, out);
      out.statuses.push_back(init.http_status);
      session.reset();  // not initialized: the next step starts over
      state.flow(out.caller, "MCP request", "POST " + entry.url + " initialize → " + out.describe());
    }
  }

  // One call of the step (of a burst, the i-th); a burst's calls run on several threads, so what
  // they share is written under `lock`.
  std::mutex lock;
  int rejections = 0;
  int done = 0;
  const auto one_call = [&](mcp::Client& client, int i) {
    const auto started = Clock::now();
    const mcp::ToolCallOutcome result = client.call_tool(step.tool, args, headers);
    const auto answered = Clock::now();
    const double ms = std::chrono::duration<double, std::milli>(answered - started).count();
    const bool rejected = result.rpc.http_status >= 400;
    const std::lock_guard<std::mutex> hold(lock);
    out.statuses.push_back(result.rpc.http_status);
    out.calls.push_back({started, answered, result.rpc.http_status, result.rpc.header("Retry-After")});
    if (result.ok()) ++out.accepted;
    if (rejected && out.retry_after.empty()) out.retry_after = result.rpc.header("Retry-After");
    // until: rate_limited — refused, or a limiter of the file's rate would have had to refuse by now.
    // Only the verdict is needed here; limit_not_reached words it for the report afterwards.
    const bool enough = step.until_rate_limited &&
                        (result.rpc.http_status == 429 ||
                         rejection_due(out.calls, step.rate_limit, std::chrono::milliseconds(step.rate_window_ms)));
    if (i == 0) {
      fill_from_rpc(result.rpc, out);
      out.tool_error = result.is_error;
      out.tool_text = result.text();
      out.result = tool_result_json(profile, result.structured_content, result.text(), std::move(out.result));
      if (!result.ok()) {
        // Its own words: the tool error's text, the JSON-RPC error's message, else the HTTP body.
        const std::string& words = result.is_error ? out.tool_text : result.rpc.error ? result.rpc.error->message : out.body;
        out.failure_kinds = failure_kinds(profile, words, out.caller);
      }
      out.dependency_timeout_ms = profile.dependency_timeout_ms;
    }
    // A burst keeps its first answer, the first rejection and the last answer in the trace.
    const bool first_rejection = rejected && ++rejections == 1;
    const bool last = i > 0 && (++done == step.repeat - 1 || enough);
    if (i == 0 || first_rejection || last) {
      Json recorded = exchange("POST", entry.url, shown,
                               Json{{"method", "tools/call"}, {"params", {{"name", step.tool}, {"arguments", Json::parse(args)}}}}.dump(),
                               result.rpc.http_status, result.rpc.headers, result.rpc.body, ms);
      if (step.repeat > 1) recorded["call"] = i + 1;
      out.exchanges.push_back(std::move(recorded));
    }
    return !enough;
  };
  if (session) pace(service, subject, limit, 1, out);
  const bool go_on = session && one_call(*session, 0);
  if (session) pacer_.answered(service, subject, limit, out.statuses.back());
  if (go_on && step.repeat > 1) {
    const auto join_session = [&] {
      auto client = new_session();
      client->set_session_id(session->session_id());
      client->set_protocol_version(session->protocol_version());
      return client;
    };
    run_burst(*session, join_session, step.repeat - 1, [&](mcp::Client& client, int i) { return one_call(client, i + 1); });
    pacer_.used_up(service, subject, limit);  // a burst is not paced: it is how a scenario meets the limit
  }
  if (session && step.repeat > 1) {
    // How fast the burst came (whether it could test a rate limit: limit_not_reached).
    const auto [first, last] = std::minmax_element(out.calls.begin(), out.calls.end(),
                                                   [](const auto& a, const auto& b) { return a.sent < b.sent; });
    const auto answered = std::max_element(out.calls.begin(), out.calls.end(),
                                           [](const auto& a, const auto& b) { return a.answered < b.answered; });
    const auto ms_between = [](Clock::time_point from, Clock::time_point to) {
      return std::chrono::duration<double, std::milli>(to - from).count();
    };
    out.exchanges.push_back({{"burst",
                              {{"calls", out.calls.size()},
                               {"statuses", out.statuses},
                               {"sent_over_ms", ms_between(first->sent, last->sent)},
                               {"answered_within_ms", ms_between(first->sent, answered->answered)}}}});
  }
  if (session) state.flow(out.caller, "MCP request", "POST " + entry.url + " tools/call " + step.tool + " → " + out.describe());

  // The backend ledger: entries carrying this call's trace id, or by window (above).
  if (!backend.empty()) {
    out.ledger_observed = true;
    out.backend = backend;
    if (ledger_by_window) {
      const Json written = ledger_entries_after(stack_.service(backend).url, ledger_before);
      out.ledger_by_window = true;
      for (const auto& entry : written) {
        if (entry.value("trace_id", "").empty()) out.ledger.push_back(entry);
      }
      out.ledger_other_traces = written.size() - out.ledger.size();
    } else {
      out.ledger = ledger_entries(stack_.service(backend).url, trace_id);
    }
  }
}

void StepExecutor::server_flow(const std::string& server, StepOutcome& out, ScenarioState& state) {
  // What the server did in Vault for this call, as Vault's audit log shows it.
  const std::string entity = out.caller.empty() ? "" : users_.entity_id(out.caller);
  bool logged_in = false;
  for (const auto& entry : out.audit) {
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (entry.value("type", "") == "response" && path.rfind("auth/", 0) == 0 && path.ends_with("/login")) {
      const std::string id = entry.value("/response/auth/entity_id"_json_pointer, "");
      if (id != entity) continue;
      logged_in = true;
      state.flow(out.caller, "Vault login and entity", server + " → " + path + " → entity " + users_.entity_name(id));
    } else if (entry.value("type", "") == "request" && !entity.empty() &&
               entry.value("/auth/entity_id"_json_pointer, "") == entity && !path_owner(path).empty()) {
      if (!logged_in) state.flow(out.caller, "Vault login and entity", server + " reused its cached Vault session (entity " + users_.entity_name(entity) + ")");
      logged_in = true;
      state.flow(out.caller, "Vault path", server + " → " + entry.value("/request/operation"_json_pointer, "read") + " " + path);
    }
  }
  for (const auto& item : out.ledger) {
    state.flow(out.caller, "masked credential", item.value("scheme", "") + " " + item.value("credential", ""));
    state.flow(out.caller, "backend ledger entry",
               out.backend + ": " + item.value("method", "") + " " + item.value("path", "") + " → " +
                   std::to_string(item.value("status", 0)) + ", credential of " + item.value("credential_of", "?"));
    break;  // one is enough for the flow; the trace has them all
  }
}

void StepExecutor::http(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out) {
  const ServiceEntry& entry = target_service(step.server);
  std::optional<std::string> step_body = step.body;
  if (step.probe) {
    const std::string service = target_service_name(step.server);
    const ServiceRow* row = find_service_row(service);
    if (!row || !row->mcp_server()) throw std::runtime_error("probe: " + service + " is not an MCP server, which has no probe");
    step_body = probe_request(target_profile(entry, service).probe);
  }
  const http::Url url = http::parse_url(entry.url);
  const std::string origin = url.origin();
  std::string target = substitute(step.path, resolve);
  if (target.empty()) target = url.path;  // the MCP endpoint itself
  http::Fields headers;
  if (step.authorization == "token") {
    out.sent_token = token_for(step, state, out).value;
    headers.emplace_back("Authorization", "Bearer " + out.sent_token);
  }
  for (const auto& [name, value] : step.headers) {
    headers.emplace_back(name, substitute(value, resolve));
    // A token written into a raw header is what an echo check looks for.
    if (out.sent_token.empty() && http::iequals(name, "Authorization")) {
      const std::string& sent = headers.back().second;
      out.sent_token = sent.substr(std::min(sent.find(' ') + 1, sent.size()));
    }
  }
  if (!http::find_field(headers, "Accept")) headers.emplace_back("Accept", "application/json, text/event-stream");
  const std::string body = step.body_bytes > 0 ? generated_body(step.body_bytes)
                           : step_body        ? substitute(*step_body, resolve)
                                              : "";
  // A token sent in the query or a form body (RFC 6750 §2.2-2.3) is what an echo check looks for.
  for (const std::string* text : std::initializer_list<const std::string*>{&target, &body}) {
    const auto at = text->find("access_token=");
    if (!out.sent_token.empty() || at == std::string::npos) continue;
    const auto start = at + std::string_view("access_token=").size();
    out.sent_token = text->substr(start, text->find('&', start) - start);
  }

  // A bearer token to a server that limits its users: paced as a call is.
  const RateLimit limit = stated_rate_limit(entry);
  const std::string service = target_service_name(step.server);
  const auto authorization = http::find_field(headers, "Authorization");
  const std::string subject =
      authorization && authorization->rfind("Bearer ", 0) == 0 ? pacing_subject(authorization->substr(7)) : "";
  if (!subject.empty()) pace(service, subject, limit, 1, out);

  http::ClientOptions options;
  options.read_timeout = options_.http_timeout;
  http::Client client(origin, options);
  const auto started = Clock::now();
  // A body is JSON unless the step says otherwise in its headers.
  const bool typed = http::find_field(headers, "Content-Type").has_value();
  const bool has_body = step_body || step.body_bytes > 0;
  const http::ClientResponse response =
      client.request(step.method, target, headers, body, has_body && !typed ? "application/json" : "");
  if (!subject.empty()) pacer_.answered(service, subject, limit, response.status);
  const std::string shown_body =
      step.body_bytes > 0 ? "(a generated body of " + std::to_string(step.body_bytes) + " bytes)" : body;
  out.exchanges.push_back(exchange(step.method, origin + target, headers, shown_body, response.status, response.headers,
                                   response.body, ms_since(started)));
  out.http_status = response.status;
  out.headers = response.headers;
  out.body = response.body;
  const Json parsed = Json::parse(response.body, nullptr, false);
  if (!parsed.is_discarded()) {
    out.result = parsed;
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
      out.rpc_error = parsed["error"].value("code", 0);
    }
    out.rpc_result = parsed.is_object() && parsed.contains("result");
  }
}

const ServiceEntry& StepExecutor::target_service(const std::string& written) const {
  return stack_.service(target_service_name(written));
}

std::string StepExecutor::target_service_name(const std::string& written) const {
  return stack_.services.count(written) ? written : mcp_service(written);
}

std::vector<std::string> StepExecutor::servers_called(const Step& step) const {
  if (step.kind == StepKind::load) {
    std::vector<std::string> servers;
    for (const auto& call : step.load.servers) servers.push_back(mcp_service(call.server));
    return servers;
  }
  // Vault, token, sql, idp, fault and wait steps are the harness's own requests, never through
  // the fault proxy; so are http and tcp steps at a service the proxy fronts, or at the proxy.
  if (step.kind != StepKind::call && step.kind != StepKind::http && step.kind != StepKind::tcp) return {};
  const std::string name = addressed_service(step);
  const auto fronted = fault_proxy_targets();
  if (name == kFaultProxyService || std::find(fronted.begin(), fronted.end(), name) != fronted.end()) return {};
  return {name};
}

std::string StepExecutor::addressed_service(const Step& step) const {
  switch (step.kind) {
    case StepKind::call: return mcp_service(step.server);
    case StepKind::http:
    case StepKind::tcp: return target_service_name(step.server);
    case StepKind::vault: return "vault";
    case StepKind::token:
    case StepKind::idp: return "keycloak";
    case StepKind::sql: return "postgres";
    case StepKind::fault: return std::string(kFaultProxyService);
    case StepKind::wait:
    case StepKind::load: return "";  // a load step addresses every MCP server
  }
  return "";
}

void StepExecutor::tcp(const Step& step, const Resolver& resolve, StepOutcome& out) {
  const http::Url url = http::parse_url(target_service(step.server).url);
  RawSend send;
  send.host = url.host;
  send.port = url.port;
  for (const auto& chunk : step.chunks) send.chunks.push_back(substitute(chunk, resolve));
  send.delay = std::chrono::milliseconds(step.delay_ms);
  send.trickle = substitute(step.trickle, resolve);
  send.trickle_every = std::chrono::milliseconds(step.trickle_every_ms);
  send.trickle_times = step.trickle_times;
  send.read_for = std::chrono::milliseconds(step.read_ms);
  const auto started = Clock::now();
  const RawReply reply = exchange_raw(send);
  // The answer, when a whole one came (a server may also just hang up: status 0).
  load::ResponseParser parser;
  auto parsed = parser.feed(reply.received);
  if (parsed == load::ResponseParser::State::incomplete) parsed = parser.finish();
  const load::ParsedResponse response =
      parsed == load::ResponseParser::State::complete ? parser.take() : load::ParsedResponse{};
  out.http_status = response.status;
  out.headers = response.headers;
  out.body = response.body;
  out.closed_after_ms = reply.closed_after_ms;
  std::string sent;
  for (const auto& chunk : send.chunks) sent += chunk;
  if (send.trickle_times > 0) sent += "… then \"" + send.trickle + "\" every " + std::to_string(step.trickle_every_ms) + " ms";
  Json record = exchange("TCP", url.origin(), {}, sent, response.status, response.headers, response.body, ms_since(started));
  record["bytes_sent"] = reply.bytes_sent;
  record["closed_after_ms"] = reply.closed_after_ms ? Json(*reply.closed_after_ms) : Json(nullptr);
  out.exchanges.push_back(std::move(record));
}

void StepExecutor::load(const Step& step, StepOutcome& out) {
  std::vector<LoadTarget> targets;
  for (const LoadCall& call : step.load.servers) {
    const std::string service = mcp_service(call.server);
    const ServiceEntry& entry = stack_.service(service);
    const std::string backend = backend_of(stack_, service);
    if (backend.empty() && call.role_at.empty()) {
      throw std::runtime_error("load: " + service + " has no backend ledger to check its calls by, and no role_at");
    }
    targets.push_back({service, entry.url, mcp::parse_transport(target_profile(entry, service).transport),
                       backend.empty() ? "" : stack_.service(backend).url, call});
  }
  run_load_step(step.load, targets, LoadContext{stack_, users_.fixtures_dir(), options_.progress}, out);
}

void StepExecutor::vault(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out) {
  const ServiceEntry& entry = stack_.service("vault");
  vault::Client client(entry.url);
  // The runner's own Vault requests are traced too, so that the step's audit entries are its own.
  const http::TraceParent trace = http::new_trace();
  client.continue_trace(http::TraceContext{trace, {}});
  out.trace_ids.push_back(trace.trace_id);
  std::string vault_token;
  if (out.caller == "root") {
    vault_token = entry.get("token");
  } else {
    const HeldToken& held = token_for(step, state, out);
    std::string jwt = held.value;
    if (step.vault_login == "exchanged") {
      // As an MCP server does: Vault's role takes only tokens issued for Vault.
      try {
        jwt = vault_login_token(stack_, users_.fixtures_dir(), held.value);
      } catch (const oidc::OidcError& e) {
        out.http_status = e.status();
        out.body = Json{{"error", e.error()}, {"error_description", e.description()}}.dump();
        state.flow(out.caller, "token exchange", "refused by the identity provider: " + e.error() + " (" +
                                                     e.description() + ")");
        return;
      }
      if (jwt != held.value) {
        state.flow(out.caller, "token exchange", "the user's token exchanged for Vault → " + secrets::mask(jwt));
      }
    }
    out.sent_token = jwt;
    const auto started = Clock::now();
    const auto login = client.request("POST", "auth/jwt/login", "", Json{{"role", "user"}, {"jwt", jwt}}.dump());
    out.exchanges.push_back(exchange("POST", entry.url + "/v1/auth/jwt/login", {}, R"({"role":"user","jwt":"****"})",
                                     login.status, {}, login.body, ms_since(started)));
    // The stack opened Vault's role to the users' own tokens (fit_vault_to_target_profiles):
    // Vault taking one says nothing of Vault, and the defect is the servers', found as theirs.
    const auto passing = login.status == 200 && step.vault_login == "raw" ? caller_token_servers(stack_) : std::vector<std::string>{};
    if (!passing.empty()) {
      out.caveat = "on this stack Vault's role user takes the users' own tokens, because " + text::join(passing) +
                   " log in to Vault with their caller's token (vault_login caller_token), which is found against them as"
                   " \"passes its caller's token through to Vault\"";
    }
    const Json body = Json::parse(login.body, nullptr, false);
    if (login.status != 200 || !body.is_object()) {
      out.http_status = login.status;
      out.body = login.body;
      if (body.is_object()) {
        for (const auto& error : body.value("errors", Json::array())) out.vault_errors.push_back(error.get<std::string>());
      }
      return;
    }
    vault_token = body.value("/auth/client_token"_json_pointer, "");
    const std::string entity_id = body.value("/auth/entity_id"_json_pointer, "");
    out.entity_name = users_.entity_name(entity_id);
    state.flow(out.caller, "Vault login and entity",
               "auth/jwt/login role user → token " + secrets::mask(vault_token) + ", entity " +
                   (out.entity_name.empty() ? entity_id : out.entity_name));
    if (step.whoami) {
      // Ask Vault itself, with the user's own token, as a server would.
      const auto started_lookup = Clock::now();
      const auto self = client.request("GET", "auth/token/lookup-self", vault_token);
      out.exchanges.push_back(exchange("GET", entry.url + "/v1/auth/token/lookup-self", {}, "", self.status, {}, self.body,
                                       ms_since(started_lookup)));
      out.http_status = self.status;
      const Json info = Json::parse(self.body, nullptr, false);
      if (self.status == 200 && info.is_object()) {
        const std::string id = info.value("/data/entity_id"_json_pointer, "");
        try {
          out.entity_name = client.entity_name(id, vault_token);
        } catch (const vault::VaultError&) {
          out.entity_name = users_.entity_name(id);  // the user's token may not read its entity
        }
      }
      return;
    }
  }
  const std::string path = substitute(step.path, resolve);
  const std::string body = step.body ? substitute(*step.body, resolve) : "";
  const auto started = Clock::now();
  const auto response = client.request(step.method, path, vault_token, body);
  out.exchanges.push_back(exchange(step.method, entry.url + "/v1/" + path, {}, body, response.status, {}, response.body,
                                   ms_since(started)));
  out.http_status = response.status;
  out.body = response.body;
  const Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_object()) {
    out.result = parsed;
    for (const auto& error : parsed.value("errors", Json::array())) out.vault_errors.push_back(error.get<std::string>());
  }
  if (out.caller != "root") {
    state.flow(out.caller, "Vault path", step.method + " " + path + " → " + std::to_string(response.status));
  }
}

void StepExecutor::token(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out) {
  const std::string name = step.token_name.empty() ? out.caller : step.token_name;
  if (step.action != "fresh" && step.action != "refresh" && step.action != "expire" && step.action != "tamper") {
    new_token(step, state, resolve, out);
    return;
  }
  if (step.action == "fresh") {
    const std::string client = step.client.empty() ? default_client : step.client;
    const std::string secret = step.client_secret.empty() ? users_.client_secret(client) : step.client_secret;
    try {
      state.tokens[name] = login(out.caller, client, secret, state, out, step.scope);
      out.token_ok = true;
      out.http_status = 200;
      // Its claims, unverified, for result_json: what a scenario takes as given about the token
      // (an e-mail as preferred_username) is checked, not assumed.
      out.result = jwt_claims(state.tokens[name].value);
    } catch (const oidc::OidcError& e) {
      out.oauth_error = e.error();
      out.http_status = e.status();
    }
    return;
  }
  // tamper makes a new token (named by `name`) from `from`, by default the caller's own.
  const std::string source = step.action != "tamper" ? name : !step.from.empty() ? step.from : out.caller;
  auto it = state.tokens.find(source);
  if (it == state.tokens.end() && source == out.caller && !out.caller.empty()) {
    it = state.tokens.emplace(source, login(out.caller, default_client, users_.client_secret(default_client), state, out)).first;
  }
  if (it == state.tokens.end()) throw std::runtime_error("no token \"" + source + "\" to " + step.action + " yet");
  HeldToken& held = it->second;
  if (out.caller.empty()) out.caller = held.user;
  if (step.action == "refresh") {
    if (held.refresh.empty()) throw std::runtime_error("token \"" + name + "\" has no refresh token");
    oidc::TokenClient tokens(realm_url(), {held.client, users_.client_secret(held.client)});
    try {
      const auto response = tokens.refresh(held.refresh);
      held.value = response.access_token;
      if (!response.refresh_token.empty()) held.refresh = response.refresh_token;
      out.token_ok = true;
      out.http_status = 200;
    } catch (const oidc::OidcError& e) {
      out.oauth_error = e.error();
      out.http_status = e.status();
    }
  } else if (step.action == "expire") {
    const Json claims = jwt_claims(held.value);
    const std::int64_t exp = claims.is_object() ? claims.value("exp", 0L) : 0;
    const std::int64_t now = std::time(nullptr);
    if (exp - now > 120) {
      throw std::runtime_error("token \"" + name + "\" expires in " + std::to_string(exp - now) +
                               " s; use a short-lived client (token: fresh, client: …) to let one expire");
    }
    // One second past exp: a verifier with no leeway rejects it from then on.
    const std::int64_t wait = std::max<std::int64_t>(0, exp + 1 - now);
    announce_wait(static_cast<double>(wait), "until token \"" + name + "\" has expired");
    std::this_thread::sleep_until(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(exp + 1)));
    out.token_ok = true;
    state.flow(held.user, "token expired", "waited " + std::to_string(wait) + " s until exp " + reports::utc_timestamp(exp) + " passed");
  } else {  // tamper: change the payload, keep header and signature
    const std::string& value = held.value;
    const auto first = value.find('.');
    const auto second = value.find('.', first + 1);
    Json claims = jwt_claims(value);
    if (!claims.is_object()) throw std::runtime_error("token \"" + name + "\" is not a JWT");
    const Json changes = substitute_json(Json::parse(step.claims), resolve);
    for (const auto& [claim, claim_value] : changes.items()) claims[claim] = claim_value;
    HeldToken forged = held;
    forged.value = value.substr(0, first + 1) + jose::base64url_encode(claims.dump()) + value.substr(second);
    state.tokens[step.token_name.empty() ? name + "-tampered" : step.token_name] = forged;
    out.token_ok = true;
  }
}

void StepExecutor::new_token(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out) {
  const std::string name = step.token_name.empty() ? out.caller + "-" + step.action : step.token_name;
  const std::string client = step.client.empty() ? default_client : step.client;
  const auto secret = [&] { return step.client_secret.empty() ? users_.client_secret(client) : step.client_secret; };
  // The token a forge or an exchange starts from: the named one, else the caller's own.
  const auto source = [&]() -> HeldToken& {
    const std::string from = step.from.empty() ? out.caller : step.from;
    auto it = state.tokens.find(from);
    if (it == state.tokens.end() && from == out.caller && !from.empty()) {
      it = state.tokens.emplace(from, login(from, default_client, users_.client_secret(default_client), state, out)).first;
    }
    if (it == state.tokens.end()) throw std::runtime_error("no token \"" + from + "\" to " + step.action + " from yet");
    return it->second;
  };
  HeldToken made{out.caller, "", "", client};
  try {
    if (step.action == "forge") {
      const HeldToken& from = source();
      ForgeSpec spec;
      if (!step.header.empty()) spec.header = substitute_json(Json::parse(step.header), resolve);
      if (!step.claims.empty()) spec.claims = substitute_json(Json::parse(step.claims), resolve);
      spec.payload_text = substitute(step.payload_text, resolve);
      spec.sign = step.sign.empty() ? "keep" : step.sign;
      spec.pad_bytes = step.pad_bytes;
      spec.encoding = step.encoding;
      const std::string jwks = spec.sign == "hs256_realm_public"
                                   ? http::Client(stack_.service("keycloak").url)
                                         .get("/realms/" + stack_.realm + "/protocol/openid-connect/certs")
                                         .body
                                   : std::string();
      made = from;
      made.value = forge_token(from.value, spec, jwks);
      made.refresh.clear();
    } else if (step.action == "raw") {
      made.value = substitute(step.value, resolve);
    } else if (step.action == "id_token" || step.action == "refresh_token") {
      oidc::TokenClient tokens(realm_url(), {client, secret()});
      const auto response = tokens.password_grant(out.caller, users_.fixture(out.caller).password,
                                                  step.scope.empty() ? "openid" : step.scope);
      made.value = step.action == "id_token" ? response.id_token : response.refresh_token;
      if (made.value.empty()) throw std::runtime_error("the identity provider gave no " + step.action);
    } else if (step.action == "client_credentials") {
      oidc::TokenClient tokens(realm_url(), {client, secret()});
      made.value = tokens.client_credentials_grant(step.scope).access_token;
      made.user = "service-account-" + client;
    } else if (step.action == "exchange") {
      const HeldToken& from = source();
      oidc::TokenClient tokens(realm_url(), {client, secret()});
      made.value = tokens.exchange(from.value, step.audience).access_token;
      made.user = from.user;
    } else if (step.action == "other_realm") {
      // The admin of the master realm: a token the same Keycloak signed, for another realm.
      const ServiceEntry& keycloak = stack_.service("keycloak");
      oidc::TokenClient tokens(keycloak.url + "/realms/master", {"admin-cli", ""});
      made.value = tokens.password_grant(keycloak.get("admin_user", "admin"), keycloak.get("admin_password", "admin")).access_token;
      made.user = "master-realm-admin";
    }
  } catch (const oidc::OidcError& e) {
    out.oauth_error = e.error();
    out.http_status = e.status();
    return;
  }
  state.tokens[name] = made;
  out.token_ok = true;
  out.http_status = 200;
  state.flow(out.caller, "token " + step.action, name + " → " + secrets::mask(made.value));
}

void StepExecutor::sql(const Step& step, const Resolver& resolve, StepOutcome& out) {
  const std::string query = substitute(step.query, resolve);
  const auto started = Clock::now();
  pqxx::connection connection(stack_.service("postgres").url);
  pqxx::nontransaction tx(connection);
  const pqxx::result rows = tx.exec(query);
  out.sql_rows = static_cast<int>(rows.size());
  if (!rows.empty() && rows.columns() > 0) {
    out.sql_value = rows[0][0].is_null() ? "null" : rows[0][0].c_str();
  }
  out.exchanges.push_back({{"sql", query},
                           {"rows", out.sql_rows},
                           {"value", out.sql_value ? Json(*out.sql_value) : Json(nullptr)},
                           {"ms", ms_since(started)}});
}

}  // namespace mcph::harness
