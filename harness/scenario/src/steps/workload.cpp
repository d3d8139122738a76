// The `workload` step: a tool call of the workload-identity design as an agent workload makes
// it (workload_client.h: its JWT-SVID traded at Keycloak for a DPoP-bound token), each part
// bendable: whose token, which scheme, the proof's fields, its key, a replay. The step says what
// the target's policy should decide; the cell called is picked from its table and tool map
// (workload_cells.h), in a session of the entry's transport with a fresh proof per request, and
// the answer is read back as the policy's decision.
#include <algorithm>
#include <chrono>

#include "../capability_call.h"
#include "../recorder.h"
#include "../step_executor.h"
#include "../workload_cells.h"
#include "../workload_client.h"
#include "agent_fields.h"
#include "dpop_presentation.h"
#include "forged_token.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/harness/stack/workload_tool_map.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/json.h"
#include "mcph/mcp/protocol.h"
#include "mcph/sync/elapsed.h"
#include "mcph/text/join.h"
#include "rpc_outcome.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

Json tool_call(const PickedCell& cell, int id) { return mcp::tool_call_request(id, cell.tool.tool, cell.tool.arguments); }

// The DPoP header among `headers`, or end().
http::Fields::iterator dpop_header(http::Fields& headers) {
  return std::find_if(headers.begin(), headers.end(), [](const auto& field) { return field.first == "DPoP"; });
}

bool says_policy(const WorkloadStep& step) { return !step.policy.empty() || !step.granted_to.empty() || !step.denied_to.empty(); }

// The cell the step calls: its tool class and operation, if given, and what the table decides
// for the tiers it names. A step that says nothing of the policy calls a cell granted to its
// caller, when the policy gives the caller a tier.
PickedCell step_cell(const WorkloadStep& step, const stack::PolicyProfile& policy, const stack::WorkloadToolMap& map) {
  CellWish wish{step.tool, policy.table_operation(step.operation), {}, {}};
  const auto tiers_named = [&](const std::vector<std::string>& agents) {
    if (agents.size() == 1 && agents.front() == "all") return tiers_of(policy);
    std::vector<std::string> tiers;
    for (const std::string& agent : agents) {
      const auto tier = tier_of(policy, agent);
      if (!tier) throw std::runtime_error("the target's policy gives " + agent + " no tier (its `agents`)");
      tiers.push_back(*tier);
    }
    return tiers;
  };
  wish.granted_to = tiers_named(step.granted_to);
  wish.denied_to = tiers_named(step.denied_to);
  const std::string verdict = says_policy(step) ? step.policy : "grants";
  if (!verdict.empty()) {
    const auto tier = tier_of(policy, step.agent);
    if (tier) {
      (verdict == "grants" ? wish.granted_to : wish.denied_to).push_back(*tier);
    } else if (!step.policy.empty()) {
      throw std::runtime_error("policy: " + step.policy + " — the target's policy gives " + step.agent + " no tier (its `agents`)");
    }
  }
  return pick_cell(policy, map, wish);
}

// A batch's session: initialize at `target` in protocol 2025-03-26 (the one with batches), with
// `headers` and a proof of its own (`fresh_proof`). Adds the session's headers to `headers`;
// throws when it is refused.
template <class FreshProof>
void open_batch_session(const std::string& target, http::Client& client, http::Fields& headers, StepRun& run,
                        const std::string& url, const FreshProof& fresh_proof) {
  headers.emplace_back("Accept", "application/json, text/event-stream");
  http::Fields initialize = headers;
  if (const auto dpop = dpop_header(initialize); dpop != initialize.end()) dpop->second = fresh_proof();
  const std::string body = Json{{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"},
                                {"params", {{"protocolVersion", mcp::kBatchProtocolVersion}, {"capabilities", Json::object()},
                                            {"clientInfo", {{"name", "mcph-workload-step"}, {"version", "1"}}}}}}
                               .dump();
  const auto started = sync::SteadyClock::now();
  const auto response = client.request("POST", target, initialize, body, "application/json");
  run.record.exchange("POST", url, initialize, body, response.status, response.headers, response.body, sync::ms_since(started));
  const auto session = http::find_field(response.headers, "Mcp-Session-Id");
  if (response.status != 200 || !session) {
    throw std::runtime_error("the batch's session was not opened (HTTP " + std::to_string(response.status) + "): there is no batch to test");
  }
  headers.emplace_back("Mcp-Session-Id", *session);
  headers.emplace_back("MCP-Protocol-Version", std::string(mcp::kBatchProtocolVersion));
}

// What one workload call needs, whichever way it is sent.
struct WorkloadCall {
  const WorkloadStep& step;
  StepRun& run;
  const stack::ServiceEntry& entry;
  std::string service;
  std::string url;
  PickedCell cell;
  const stack::WorkloadToolMap& map;
  const DpopPresenter& presenter;
  http::Fields extra;  // the step's own headers, substituted
};

// As one raw POST (or a batch in a raw 2025-03-26 session): a request a session cannot carry,
// such as one with a second DPoP header. The answer is the step's as it came.
void run_raw(const WorkloadCall& call) {
  const WorkloadStep& step = call.step;
  StepRun& run = call.run;
  StepOutcome& out = run.out;
  const http::Url parsed_url = http::parse_url(call.url);
  const std::string origin = parsed_url.origin();
  http::Fields headers = call.presenter.headers("POST", call.url);
  headers.insert(headers.end(), call.extra.begin(), call.extra.end());
  http::ClientOptions options;
  options.read_timeout = run.executor.options().http_timeout;
  http::Client client(origin, options);
  if (step.batch > 0) {
    open_batch_session(parsed_url.path, client, headers, run, call.url, [&] { return call.presenter.proof("POST", call.url); });
    out.caveat = batch_caveat(stated_rate_limit(call.entry), step.batch, call.service);
  }
  const std::string body = step.batch > 0 ? mcp::tool_call_batch(step.batch, call.cell.tool.tool, call.cell.tool.arguments).dump()
                                          : tool_call(call.cell, 1).dump();
  const auto started = sync::SteadyClock::now();
  const auto response = client.request("POST", parsed_url.path, headers, body, "application/json");
  run.record.exchange("POST", call.url, headers, body, response.status, response.headers, response.body, sync::ms_since(started));
  const std::string retry_after = http::find_field(response.headers, "Retry-After").value_or("");
  out.burst.statuses.push_back(response.status);
  out.burst.calls.push_back({started, sync::SteadyClock::now(), response.status, retry_after});
  if (response.status == 429) out.burst.retry_after = retry_after;
  out.http.status = response.status;
  out.http.headers = response.headers;
  out.http.body = response.body;
  const Json answer = Json::parse(response.body, nullptr, false);
  if (!answer.is_discarded()) {
    out.rpc.result = answer.is_object() && answer.contains("result");
    take_rpc_error(answer, out);
    out.result = answer;
  }
}

// A tool call's answer (or, `tool` null, a refused initialize) in `out`, and the policy's
// decision it shows by the map; `source` gets the answer where the tool's result says.
std::string decision_in(const WorkloadCall& call, const mcp::RpcOutcome& rpc, const mcp::ToolCallOutcome* tool, StepOutcome& out,
                        Json& source) {
  fill_from_rpc(rpc, out);
  if (tool) {
    out.tool.error = tool->is_error;
    out.tool.text = tool->text();
    source = capability_source(stack::CapabilityTool{call.cell.tool.tool, {}, call.cell.tool.result, {}}, tool->structured_content, tool->text());
  }
  return policy_decision(call.map, out, tool && tool->ok(), source);
}

// The step's outcome from its last answer: the policy's decision by the map, and the caller the
// result names.
void read_decision(const WorkloadCall& call, const mcp::RpcOutcome& rpc, const mcp::ToolCallOutcome* tool) {
  StepOutcome& out = call.run.out;
  Json source = nullptr;
  const std::string decision = decision_in(call, rpc, tool, out, source);
  out.burst.decisions.push_back(decision);
  out.result = {{"decision", decision}, {"tool_class", call.cell.tool_class}, {"operation", call.cell.operation},
                {"tool", call.cell.tool.tool}};
  if (!call.cell.tool.caller.empty() && source.is_structured() && source.contains(Json::json_pointer(call.cell.tool.caller))) {
    out.result["caller"] = source.at(Json::json_pointer(call.cell.tool.caller));
  }
  if (decision.empty() && says_policy(call.step)) {
    std::vector<std::string> shapes;
    for (const auto& [kind, alternatives] : call.map.refusals) {
      std::vector<std::string> each;
      for (const stack::RefusalShape& shape : alternatives) each.push_back(describe_refusal(shape));
      shapes.push_back(kind + ": " + text::join(each, " or "));
    }
    out.caveat = "the answer (HTTP " + std::to_string(rpc.http_status) + ") is neither the tool's result nor a refusal by the policy as services." +
                 call.service + ".workload_tools describe them (" + text::join(shapes, "; ") + "): what the policy decided is not known";
  }
}

// In a session of the entry's transport, each request with a fresh proof (as bent): a call, a
// replay (one proof on two calls; the first must be accepted), or a burst. A burst whose session
// is refused opens it again with each of its calls, so that a flood's proofs still arrive.
void run_in_session(const WorkloadCall& call) {
  const WorkloadStep& step = call.step;
  StepRun& run = call.run;
  StepOutcome& out = run.out;
  const stack::TargetProfile profile = stack::target_profile(call.entry, call.service);
  mcp::ClientOptions options;
  options.transport = profile.transport;
  options.era = stack::protocol_era(call.entry, call.service);
  options.http.read_timeout = run.executor.options().http_timeout;
  mcp::Client session(call.url, options);
  const DpopPresenter& presenter = call.presenter;
  session.set_request_headers([&presenter](std::string_view method, const std::string& at) { return presenter.headers(std::string(method), at); });
  for (const auto& [name, value] : call.extra) session.set_header(name, value);
  http::Fields shown = presenter.headers("POST", call.url);  // what each request carries, a proof like its own
  shown.insert(shown.end(), call.extra.begin(), call.extra.end());
  const std::string arguments = call.cell.tool.arguments.dump();
  const std::string body = tool_call(call.cell, 1).dump();
  const auto exchange = [&](const std::string& what, const mcp::RpcOutcome& rpc, sync::SteadyClock::time_point started) {
    run.record.exchange("POST", call.url, shown, what, rpc.http_status, rpc.headers, rpc.body, sync::ms_since(started));
  };
  // A single call waits for the agent's room under the server's stated limit, as other steps'
  // callers do (scenarios share the agents); a burst or a flood is meant to exceed it.
  const bool paced = step.repeat == 1;
  const stack::RateLimit limit = stated_rate_limit(call.entry);
  const std::string subject = "agent " + out.caller;
  const auto pace = [&](int requests) {
    if (paced) run.executor.pace(call.service, subject, limit, requests, out);
  };
  const auto answered = [&](int status, int requests) {
    if (paced) run.executor.answered(call.service, subject, limit, status, requests);
  };
  bool open = false;
  // Opens the session (initialize and its notification); its refusal is then the answer.
  const auto connect = [&]() -> std::optional<mcp::RpcOutcome> {
    pace(2);
    const auto started = sync::SteadyClock::now();
    mcp::RpcOutcome init = session.connect();
    answered(init.http_status, 2);
    open = init.ok();
    if (open) return std::nullopt;
    exchange("initialize", init, started);
    return init;
  };

  if (presenter.replays()) {
    if (const auto refused = connect()) {
      throw std::runtime_error("the session was refused (HTTP " + std::to_string(refused->http_status) + "): there is no replay to test");
    }
    const http::Fields proof = {{"DPoP", presenter.proof("POST", call.url)}};
    pace(2);
    auto started = sync::SteadyClock::now();
    const mcp::ToolCallOutcome first = session.call_tool(call.cell.tool.tool, arguments, proof);
    exchange(body, first.rpc, started);
    if (first.rpc.http_status != 200) {
      throw std::runtime_error("the proof's first use was refused (HTTP " + std::to_string(first.rpc.http_status) +
                               "): there is no replay to test");
    }
    started = sync::SteadyClock::now();
    const mcp::ToolCallOutcome second = session.call_tool(call.cell.tool.tool, arguments, proof);
    exchange(body, second.rpc, started);
    read_decision(call, second.rpc, &second);
    return;
  }

  for (int i = 0; i < step.repeat; ++i) {
    const auto started = sync::SteadyClock::now();
    std::optional<mcp::RpcOutcome> refused = open ? std::nullopt : connect();
    std::optional<mcp::ToolCallOutcome> result;
    if (!refused) {
      pace(1);
      result = session.call_tool(call.cell.tool.tool, arguments);
      answered(result->rpc.http_status, 1);
    }
    const mcp::RpcOutcome& rpc = refused ? *refused : result->rpc;
    const std::string retry_after = rpc.header("Retry-After");
    out.burst.statuses.push_back(rpc.http_status);
    out.burst.calls.push_back({started, sync::SteadyClock::now(), rpc.http_status, retry_after});
    if (rpc.http_status == 200) ++out.burst.accepted;
    if (rpc.http_status == 429) out.burst.retry_after = retry_after;
    // A burst's first call and its end, not every one of its calls.
    const bool stops = step.repeat > 1 && rpc.http_status == 429 && !step.past_refusals;
    const bool last = stops || i == step.repeat - 1;
    if (result && (i == 0 || last)) exchange(body, rpc, started);
    if (last) {
      read_decision(call, rpc, result ? &*result : nullptr);
      return;
    }
    StepOutcome answer;
    Json source = nullptr;
    out.burst.decisions.push_back(decision_in(call, rpc, result ? &*result : nullptr, answer, source));
  }
}

// The step's headers with ${tier.AGENT} (the tier the target's policy gives AGENT) and the
// scenario's own ${…} substituted.
http::Fields step_headers(const WorkloadStep& step, const StepRun& run, const stack::PolicyProfile& policy) {
  const Resolver resolve = [&](const std::string& name) -> std::optional<std::string> {
    if (name.rfind("tier.", 0) == 0) return tier_of(policy, name.substr(5));
    return run.resolve(name);
  };
  http::Fields headers;
  for (const auto& [name, value] : step.headers) headers.emplace_back(name, substitute(value, resolve));
  return headers;
}

void run_workload(const WorkloadStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  StepOutcome& out = run.out;
  const WorkloadClient workloads(executor.stack());
  const BoundToken caller = workloads.bound_token(step.agent);
  const BoundToken presented = step.token_of.empty() ? caller : workloads.bound_token(step.token_of);
  out.caller = caller.spiffe_id;
  out.agent = true;
  run.record.flow(caller.spiffe_id, "DPoP-bound token", "JWT-SVID traded at Keycloak, bound to the agent's key");

  const std::string service = executor.target_service_name(step.server);
  const stack::ServiceEntry& entry = executor.target_service(step.server);
  const stack::PolicyProfile& policy = stack::workload_policy_of(entry);
  const stack::WorkloadToolMap map = stack::workload_tools_of(entry, service);
  const std::string url = step.path.empty() ? entry.url : http::parse_url(entry.url).origin() + step.path;
  std::string token = presented.access_token;
  if (step.forge) {
    ForgeSpec spec;
    if (!step.forge->header.empty()) spec.header = Json::parse(step.forge->header);
    if (!step.forge->claims.empty()) spec.claims = Json::parse(step.forge->claims);
    spec.sign = step.forge->sign;
    token = forge_as_step_says(token, spec, run);
    run.record.flow(caller.spiffe_id, "forged token", "the bound token re-made, sign: " + text::name_of(step.forge->sign, kForgeSignings));
  }
  const DpopPresenter presenter(step.dpop, caller.key, token);
  out.sent_token = token;
  const WorkloadCall call{step, run, entry, service, url, step_cell(step, policy, map), map, presenter, step_headers(step, run, policy)};
  // A session's client sends one header of a name: a second DPoP or Authorization goes raw.
  const bool doubled = std::any_of(call.extra.begin(), call.extra.end(), [&](const auto& field) {
    return http::iequals(field.first, "DPoP") || http::iequals(field.first, "Authorization");
  });
  if (step.batch > 0 || doubled) {
    run_raw(call);
  } else {
    run_in_session(call);
  }
}

// An optional true/false field, false when absent.
bool read_flag(const Reader& reader, const YAML::Node& value, const char* name, const std::string& here) {
  if (!value[name].IsDefined()) return false;
  const Json flag = reader.json(value[name], Reader::join(here, name));
  if (!flag.is_boolean()) reader.fail(value[name], Reader::join(here, name), "expected true or false");
  return flag.get<bool>();
}

// `granted_to:` / `denied_to:` — an agent, a list of agents, or `all` (every tier of the table).
std::vector<std::string> agent_list(const Reader& reader, const YAML::Node& value, const char* name, const std::string& here) {
  if (!value[name].IsDefined()) return {};
  const std::string at = Reader::join(here, name);
  std::vector<std::string> agents;
  if (value[name].IsSequence()) {
    for (const auto& item : value[name]) agents.push_back(reader.text(item, at));
  } else {
    agents.push_back(reader.required_text(value, name, here));
  }
  if (agents.empty() || (std::find(agents.begin(), agents.end(), "all") != agents.end() && agents.size() > 1)) {
    reader.fail(value[name], at, "expected an agent, a list of agents, or all");
  }
  return agents;
}

// `forge:` — {sign, header, claims}: the presented token re-made as a token step's forge would.
std::optional<TokenForging> read_forging(const Reader& reader, const YAML::Node& value, const std::string& here) {
  if (!value["forge"].IsDefined()) return std::nullopt;
  const YAML::Node node = value["forge"];
  const std::string at = Reader::join(here, "forge");
  reader.only_keys(node, at, {"sign", "header", "claims"});
  TokenForging forging;
  if (node["sign"].IsDefined()) forging.sign = read_choice<ForgeSigning>(reader, node["sign"], Reader::join(at, "sign"), kForgeSignings, "forge signing");
  if (node["header"].IsDefined()) forging.header = read_object(reader, node["header"], Reader::join(at, "header")).dump();
  if (node["claims"].IsDefined()) forging.claims = read_object(reader, node["claims"], Reader::join(at, "claims")).dump();
  return forging;
}

WorkloadStep read_workload(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  std::set<std::string> keys = {"server", "path", "tool", "operation", "policy", "granted_to", "denied_to",
                                "token_of", "forge", "headers", "repeat", "past_refusals", "batch"};
  keys.insert(dpop_presentation_keys().begin(), dpop_presentation_keys().end());
  WorkloadStep step;
  step.agent = read_acting_agent(source);
  reader.only_keys(value, here, keys);
  step.server = reader.text_or(value, "server", here, step.server);
  step.path = reader.text_or(value, "path", here, step.path);
  step.tool = reader.text_or(value, "tool", here, step.tool);
  step.operation = reader.text_or(value, "operation", here, step.operation);
  step.policy = reader.text_or(value, "policy", here);
  if (!step.policy.empty() && step.policy != "grants" && step.policy != "denies") {
    reader.fail(value["policy"], Reader::join(here, "policy"), "expected grants or denies");
  }
  step.granted_to = agent_list(reader, value, "granted_to", here);
  step.denied_to = agent_list(reader, value, "denied_to", here);
  step.token_of = reader.text_or(value, "token_of", here);
  step.forge = read_forging(reader, value, here);
  step.dpop = read_dpop_presentation(reader, value, here);
  if (value["headers"].IsDefined()) step.headers = reader.header_fields(value["headers"], Reader::join(here, "headers"));
  if (value["repeat"].IsDefined()) {
    step.repeat = static_cast<int>(bounded_integer(reader, value["repeat"], Reader::join(here, "repeat"), 1, 1000));
    if (step.repeat > 1 && step.dpop.proof == DpopProof::replayed) {
      reader.fail(value["repeat"], Reader::join(here, "repeat"), "a burst sends a fresh proof with each call, never a replay");
    }
  }
  step.past_refusals = read_flag(reader, value, "past_refusals", here);
  if (value["batch"].IsDefined()) {
    step.batch = static_cast<int>(bounded_integer(reader, value["batch"], Reader::join(here, "batch"), 1, 1000));
    if (!value["path"].IsDefined() || step.repeat > 1 || step.dpop.proof == DpopProof::replayed) {
      reader.fail(value["batch"], Reader::join(here, "batch"),
                  "a batch is sent once, in a session: give path, the Streamable HTTP endpoint, and no repeat or replay");
    }
  }
  if (step.past_refusals && step.repeat < 2) {
    reader.fail(value["past_refusals"], Reader::join(here, "past_refusals"), "goes on with a burst: give repeat");
  }
  return step;
}

std::string workload_title(const WorkloadStep& step, const std::string&) {
  std::vector<std::string> cell;
  if (!step.tool.empty()) cell.push_back(step.tool);
  if (!step.operation.empty()) cell.push_back(step.operation);
  if (!step.policy.empty()) cell.push_back(step.policy == "grants" ? "granted to it" : "denied to it");
  if (!step.granted_to.empty()) cell.push_back("granted to " + text::join(step.granted_to, ", "));
  if (!step.denied_to.empty()) cell.push_back("denied to " + text::join(step.denied_to, ", "));
  if (step.forge) cell.push_back("a forged token, sign: " + text::name_of(step.forge->sign, kForgeSignings));
  return step.agent + " calls " + step.server + (cell.empty() ? "" : " (" + text::join(cell, ", ") + ")");
}

}  // namespace

StepKindInfo workload_step_kind() {
  return {
      .kind = StepKind::workload,
      .name = "workload",
      .summary = "A tool call of the workload-identity design as an agent workload makes it: a JWT-SVID from the stack's "
                 "trust domain traded at Keycloak for a DPoP-bound token, and a DPoP proof for each request of its session. "
                 "The cell called is picked from the target's decision table among those its `workload_tools` reach, by what "
                 "the step says the policy decides; the result's /decision is `granted`, `denied`, `unavailable` (by the "
                 "map's refusal shapes) or \"\" (neither: with a policy said, a failed check is then inconclusive), "
                 "/caller the SPIFFE ID the result names, /tool_class, /operation and /tool the cell's.",
      .example = "as: trusted-agent\nworkload: {policy: grants, denied_to: untrusted-agent, iat_offset: -120}",
      .fields = {{"as", "the calling agent: a name of the trust domain (`trusted-agent`) or a SPIFFE ID"},
                 {"workload.server", "default workload-mcp"},
                 {"workload.path", "the endpoint, default the entry's MCP endpoint (a batch's: the Streamable HTTP endpoint)"},
                 {"workload.tool", "the cell's tool class, a column of the target's decision table (default: any)"},
                 {"workload.operation", "the cell's operation, a row's word of the table (default: any)"},
                 {"workload.policy", "`grants` or `denies`: what the table decides for the caller's tier on the cell picked "
                                     "(default, with no granted_to or denied_to either: grants)"},
                 {"workload.granted_to", "an agent, a list of agents or `all`: tiers the table grants the cell"},
                 {"workload.denied_to", "an agent, a list of agents or `all`: tiers the table denies the cell"},
                 {"workload.token_of", "present this agent's bound token instead of the caller's own (the proof stays the caller's)"},
                 {"workload.forge", "the presented token re-made by an attacker, its proof made for the result: `sign` (as a token "
                                    "step's forge: `attacker` keeps the realm's kid, `strip`, `realm_key`, …), `header` and "
                                    "`claims` to set (`null` removes one); its other claims, cnf.jkt among them, kept"},
                 {"workload.scheme", "`DPoP` (default), `Bearer`, or `none` (no Authorization header)"},
                 {"workload.proof", "`fresh` (default), `none`, or `replayed` (one proof on two calls of a session; the first must be accepted)"},
                 {"workload.proof_key", "`own` (or `agent`; default: the key the caller's token is bound to) or `stranger` (a new key)"},
                 {"workload.htm", "the proof's htm instead of POST"},
                 {"workload.htu", "the proof's htu instead of the request's URL"},
                 {"workload.iat_offset", "seconds added to the proof's iat (-86400 to 86400)"},
                 {"workload.ath", "`token` (default: the presented token's hash), `omit`, or `wrong`"},
                 {"workload.typ", "the proof header's typ (\"\" leaves it out)"},
                 {"workload.alg", "the proof header's alg as written (`none`: unsigned; `HS256`: an HMAC keyed with the public jwk)"},
                 {"workload.private_jwk", "`true`: the proof's jwk carries the private key"},
                 {"workload.headers", "extra request headers (a mapping; `${tier.AGENT}`: the tier the target's policy gives AGENT); "
                                      "a second DPoP or Authorization header is sent in one raw POST, outside a session"},
                 {"workload.repeat", "a burst of this many calls (1 to 1000), each with a fresh proof, until the first 429"},
                 {"workload.past_refusals", "`true`: the burst sends all its calls, past 429s and every other refusal (a flood; a "
                                            "refused session is opened again with each)"},
                 {"workload.batch", "this many calls (1 to 1000) in one JSON-RPC batch, in a 2025-03-26 session the step opens at `path` "
                                    "(its initialize with a proof of its own)"}},
      .yields = {ResultPart::http_answer, ResultPart::json_result, ResultPart::sent_token, ResultPart::burst, ResultPart::decisions,
                 ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec { return read_workload(source); },
      .run = runner<WorkloadStep>(run_workload),
      .title = titler<WorkloadStep>(workload_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<WorkloadStep>().server);
      },
      .needs_caller = always,
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
