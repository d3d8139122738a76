// The `workload` step: a tool call of the workload-identity design as an agent workload makes
// it (workload_client.h: its JWT-SVID traded at Keycloak for a DPoP-bound token), each part
// bendable: whose token, which scheme, the proof's fields, its key, a replay.
#include <algorithm>
#include <chrono>

#include "../recorder.h"
#include "../step_executor.h"
#include "../workload_client.h"
#include "dpop_presentation.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;

Json tool_call(const WorkloadStep& step, int id) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
          {"params", {{"name", step.tool}, {"arguments", {{"operation", step.operation}}}}}};
}

// The DPoP header among `headers`, or end().
http::Fields::iterator dpop_header(http::Fields& headers) {
  return std::find_if(headers.begin(), headers.end(), [](const auto& field) { return field.first == "DPoP"; });
}

// A batch's session: initialize at step.path in protocol 2025-03-26 (the one with batches), with
// `headers` and a proof of its own (`fresh_proof`). Adds the session's headers to `headers`;
// throws when it is refused.
template <class FreshProof>
void open_batch_session(const WorkloadStep& step, http::Client& client, http::Fields& headers, StepRun& run,
                        const std::string& url, const FreshProof& fresh_proof) {
  headers.emplace_back("Accept", "application/json, text/event-stream");
  http::Fields initialize = headers;
  if (const auto dpop = dpop_header(initialize); dpop != initialize.end()) dpop->second = fresh_proof();
  const std::string body = Json{{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"},
                                {"params", {{"protocolVersion", "2025-03-26"}, {"capabilities", Json::object()},
                                            {"clientInfo", {{"name", "mcph-workload-step"}, {"version", "1"}}}}}}
                               .dump();
  const auto started = sync::SteadyClock::now();
  const auto response = client.request("POST", step.path, initialize, body, "application/json");
  run.record.exchange("POST", url, initialize, body, response.status, response.headers, response.body, sync::ms_since(started));
  const auto session = http::find_field(response.headers, "Mcp-Session-Id");
  if (response.status != 200 || !session) {
    throw std::runtime_error("the batch's session was not opened (HTTP " + std::to_string(response.status) + "): there is no batch to test");
  }
  headers.emplace_back("Mcp-Session-Id", *session);
  headers.emplace_back("MCP-Protocol-Version", "2025-03-26");
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

  const ServiceEntry& entry = executor.target_service(step.server);
  const std::string origin = http::parse_url(entry.url).origin();
  const std::string url = origin + step.path;
  const DpopPresenter presenter(step.dpop, caller.key, presented.access_token);
  http::Fields headers = presenter.headers("POST", url);
  out.sent_token = presented.access_token;
  const auto fresh_proof = [&] { return presenter.proof("POST", url); };
  const bool proves = step.dpop.proof != "none";
  for (const auto& [name, value] : step.headers) headers.emplace_back(name, substitute(value, run.resolve));
  http::ClientOptions options;
  options.read_timeout = executor.options().http_timeout;
  http::Client client(origin, options);
  std::string body = tool_call(step, 1).dump();
  if (step.batch > 0) {
    open_batch_session(step, client, headers, run, url, fresh_proof);
    Json calls = Json::array();
    for (int id = 1; id <= step.batch; ++id) calls.push_back(tool_call(step, id));
    body = calls.dump();
  }

  // replayed: the proof's first use must be accepted, so that its second answer is about the replay.
  // A burst (repeat) sends each call with a fresh proof of its own and stops at the first 429,
  // unless it goes on past refusals.
  const int sends = presenter.replays() ? 2 : step.repeat;
  http::ClientResponse response;
  for (int i = 0; i < sends; ++i) {
    if (i > 0 && step.repeat > 1 && proves) {
      dpop_header(headers)->second = fresh_proof();
    }
    const auto started = sync::SteadyClock::now();
    response = client.request("POST", step.path, headers, body, "application/json");
    out.burst.statuses.push_back(response.status);
    const std::string retry_after = http::find_field(response.headers, "Retry-After").value_or("");
    out.burst.calls.push_back({started, sync::SteadyClock::now(), response.status, retry_after});
    if (step.repeat > 1) {
      if (response.status == 200) ++out.burst.accepted;
      if (response.status == 429) out.burst.retry_after = retry_after;
      // The burst's first call and its end, not every one of its calls.
      const bool stops = response.status == 429 && !step.past_refusals;
      if (i == 0 || stops || i == sends - 1) {
        run.record.exchange("POST", url, headers, body, response.status, response.headers, response.body, sync::ms_since(started));
      }
      if (stops) break;
      continue;
    }
    run.record.exchange("POST", url, headers, body, response.status, response.headers, response.body, sync::ms_since(started));
    if (step.batch > 0 && response.status == 429) out.burst.retry_after = retry_after;
    if (response.status == 200) continue;
    if (i == 0 && sends == 2) {
      throw std::runtime_error("the proof's first use was refused (HTTP " + std::to_string(response.status) +
                               "): there is no replay to test");
    }
    break;
  }
  out.http.status = response.status;
  out.http.headers = response.headers;
  out.http.body = response.body;
  const Json parsed = Json::parse(response.body, nullptr, false);
  if (!parsed.is_discarded()) {
    out.rpc.result = parsed.is_object() && parsed.contains("result");
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
      out.rpc.error = parsed["error"].value("code", 0);
    }
    out.result = parsed;
  }
}

// An optional true/false field, false when absent.
bool read_flag(const Reader& reader, const YAML::Node& value, const char* name, const std::string& here) {
  if (!value[name].IsDefined()) return false;
  const Json flag = reader.json(value[name], Reader::join(here, name));
  if (!flag.is_boolean()) reader.fail(value[name], Reader::join(here, name), "expected true or false");
  return flag.get<bool>();
}

WorkloadStep read_workload(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  std::set<std::string> keys = {"agent", "server", "path", "tool", "operation", "token_of", "headers", "repeat",
                                "past_refusals", "batch"};
  keys.insert(dpop_presentation_keys().begin(), dpop_presentation_keys().end());
  reader.only_keys(value, here, keys);
  WorkloadStep step;
  step.agent = reader.required_text(value, "agent", here);
  step.server = reader.text_or(value, "server", here, step.server);
  step.path = reader.text_or(value, "path", here, step.path);
  step.tool = reader.text_or(value, "tool", here, step.tool);
  step.operation = reader.text_or(value, "operation", here, step.operation);
  step.token_of = reader.text_or(value, "token_of", here);
  step.dpop = read_dpop_presentation(reader, value, here);
  if (value["headers"].IsDefined()) step.headers = reader.header_fields(value["headers"], Reader::join(here, "headers"));
  if (value["repeat"].IsDefined()) {
    step.repeat = static_cast<int>(bounded_integer(reader, value["repeat"], Reader::join(here, "repeat"), 1, 1000));
    if (step.repeat > 1 && step.dpop.proof == "replayed") {
      reader.fail(value["repeat"], Reader::join(here, "repeat"), "a burst sends a fresh proof with each call, never a replay");
    }
  }
  step.past_refusals = read_flag(reader, value, "past_refusals", here);
  if (value["batch"].IsDefined()) {
    step.batch = static_cast<int>(bounded_integer(reader, value["batch"], Reader::join(here, "batch"), 1, 1000));
    if (!value["path"].IsDefined() || step.repeat > 1 || step.dpop.proof == "replayed") {
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
  return step.agent + " calls " + step.server + " " + step.tool + " (" + step.operation + ")";
}

}  // namespace

StepKindInfo workload_step_kind() {
  return {
      .kind = StepKind::workload,
      .name = "workload",
      .summary = "A tool call of the workload-identity design as an agent workload makes it: a JWT-SVID from the stack's "
                 "trust domain traded at Keycloak for a DPoP-bound token, and a DPoP proof for the request.",
      .example = "workload: {agent: trusted-agent, tool: shell, operation: execute, iat_offset: -120}",
      .fields = {{"workload.agent", "the calling agent: a name of the trust domain (`trusted-agent`) or a SPIFFE ID"},
                 {"workload.server", "default workload-mcp"},
                 {"workload.path", "the plain JSON-RPC endpoint, default /mcp/rpc"},
                 {"workload.tool", "default filesystem"},
                 {"workload.operation", "default read"},
                 {"workload.token_of", "present this agent's bound token instead of the caller's own (the proof stays the caller's)"},
                 {"workload.scheme", "`DPoP` (default), `Bearer`, or `none` (no Authorization header)"},
                 {"workload.proof", "`fresh` (default), `none`, or `replayed` (the same proof sent twice; the first must be accepted)"},
                 {"workload.proof_key", "`own` (or `agent`; default: the key the caller's token is bound to) or `stranger` (a new key)"},
                 {"workload.htm", "the proof's htm instead of POST"},
                 {"workload.htu", "the proof's htu instead of the request's URL"},
                 {"workload.iat_offset", "seconds added to the proof's iat (-86400 to 86400)"},
                 {"workload.ath", "`omit` or `wrong` instead of the presented token's hash"},
                 {"workload.typ", "the proof header's typ (\"\" leaves it out)"},
                 {"workload.alg", "the proof header's alg as written (`none`: unsigned; `HS256`: an HMAC keyed with the public jwk)"},
                 {"workload.private_jwk", "`true`: the proof's jwk carries the private key"},
                 {"workload.headers", "extra request headers (a mapping)"},
                 {"workload.repeat", "a burst of this many calls (1 to 1000), each with a fresh proof, until the first 429"},
                 {"workload.past_refusals", "`true`: the burst sends all its calls, past 429s and every other refusal (a flood)"},
                 {"workload.batch", "this many calls (1 to 1000) in one JSON-RPC batch, in a 2025-03-26 session the step opens at `path` "
                                    "(its initialize with a proof of its own)"}},
      .yields = {ResultPart::http_answer, ResultPart::json_result, ResultPart::sent_token, ResultPart::burst, ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec { return read_workload(source); },
      .run = runner<WorkloadStep>(run_workload),
      .title = titler<WorkloadStep>(workload_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<WorkloadStep>().server);
      },
      .needs_caller = never,
      .calls_servers = true,
  };
}

}  // namespace mcph::harness
