// The table of expectation kinds: each row's name, summary, value shape, the parts of a step's
// result it reads (result_part.h) and its check; the longer checks are in expectation_checks.h.
#include <algorithm>

#include "expectation_checks.h"
#include "load_checks.h"
#include "oauth_checks.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using enum ResultPart;
using enum ValueShape;

// Every part a step may yield: what `either` may read, its groups holding only the step's own
// expectations (the loader checks them).
std::vector<ResultPart> every_part() {
  std::vector<ResultPart> parts;
  for (const ResultPartInfo& info : result_parts()) parts.push_back(info.part);
  return parts;
}

}  // namespace

const std::vector<ExpectationKind>& expectation_kinds() {
  static const std::vector<ExpectationKind> table = {
      {"ok",
       "the call succeeded (HTTP 2xx, a JSON-RPC result, no tool error), or the token step got its token",
       boolean, {tool_answer, token_grant}, check_ok},
      {"asked_first",
       "the server asked for input before it ran the tool (MCP 2026-07-28's `input_required`, a confirmation), and the "
       "step's `answer:` went back to it",
       boolean, {tool_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const int asked = o.tool.questions_answered;
         return judged((asked > 0) == want.get<bool>(),
                       (asked > 0 ? "asked " + std::to_string(asked) + " time(s) first, then " : "asked nothing first: ") + o.describe());
       }},
      {"tool_error_contains",
       "the tool's error text contains this (or matches this matcher)",
       text_match, {tool_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_text(want, o.tool.text, o, o.tool.error); }},
      // The call failed (a tool error or a JSON-RPC error) with the stable failure kind named
      // ("missing_credential"), however its server words it (target profile, failures).
      {"failure",
       "a failed call's message shows this stable failure kind (`missing_credential`, …), by the server's target profile",
       text, {tool_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const bool is_kind = std::find(o.tool.failure_kinds.begin(), o.tool.failure_kinds.end(), as_text(want)) != o.tool.failure_kinds.end();
         return judged((o.tool.error || o.rpc.error) && is_kind, o.describe());
       }},
      // A capability call refused the way its server refuses that kind (the target's tool map),
      // whether that is a 403 with a challenge, a JSON-RPC error or a tool error in its words.
      {"refused",
       "a capability call (`capability:`) was refused as its server refuses this kind (`insufficient_scope`, "
       "`invalid_argument`, `not_found`), by the target's tool map",
       refusal_kind, {tool_answer}, check_refused},
      // Where servers of one design may rightly differ (a warm session served, or refused clearly
      // by a server that keeps none), each way written whole: one of them must hold.
      {"either",
       "one of these groups of expectations holds whole (each a mapping of the step's own expectations)",
       alternatives, every_part(), check_either},
      {"error_hides",
       "a failed call's answer shows none of these texts",
       texts, {tool_answer}, check_error_hides},
      {"answer_hides",
       "the answer, whether the call worked or failed, shows none of these texts",
       texts, {tool_answer}, check_answer_hides},
      {"result_contains",
       "the tool's result text contains this (or matches this matcher)",
       text_match, {tool_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_text(want, o.tool.text.empty() ? o.result.dump() : o.tool.text, o, !o.tool.error);
       }},
      {"result_json",
       "values at JSON pointers of the result (on a `fresh` token step: its claims), each a matcher whose plain value means equals",
       json_checks, {json_result}, check_result_json},
      {"declares_param_header",
       "the tools/list answer's tool repeats this argument in a header of this name (MCP 2026-07-28's `x-mcp-header`, "
       "sent as `Mcp-Param-<header>`): the server means to check it",
       param_header, {json_result}, check_declares_param_header},
      {"http_status",
       "the answer's HTTP status",
       http_status, {http_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.http.status == want.get<int>(), o.describe());
       }},
      {"header_contains",
       "each named response header contains its text, or matches its matcher (case-insensitive)",
       header_map, {http_answer}, check_header_contains},
      {"bearer_challenge",
       "a `WWW-Authenticate: Bearer` challenge with `resource_metadata` and this `error` (`none`: no error code)",
       text, {http_answer}, check_bearer_challenge},
      {"token_not_echoed",
       "the answer contains neither the bearer token (an `oauth` token request: the client secret) the step sent nor any part of it long enough to be a credential",
       boolean, {sent_token}, check_token_not_echoed},
      {"body_contains",
       "the response body contains this (or matches this matcher)",
       text_match, {http_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_text(want, o.http.body, o); }},
      // An answer without content (202 to a notification: no body, RFC 9110 §15.3.3).
      {"body_empty",
       "the response has no body (`true`), or has one (`false`)",
       boolean, {http_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.http.body.empty() == want.get<bool>(),
                       o.describe() + " (" + std::to_string(o.http.body.size()) + " bytes of body)");
       }},
      // The server hung up within this many ms of the connection being made.
      {"closed_within_ms",
       "the server closed the connection within this many ms of it being made",
       integer, {connection},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         if (!o.connection.closed_after_ms) return failed("the connection was still open when the step ended");
         return judged(*o.connection.closed_after_ms <= want.get<double>(),
                       "closed after " + std::to_string(static_cast<long>(*o.connection.closed_after_ms)) + " ms");
       }},
      // As many answers as requests: a request hidden in another's body is never answered as
      // one of its own, and none of several pipelined ones goes unanswered.
      {"responses",
       "this many whole HTTP answers came back on the connection",
       integer, {connection},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.connection.responses == want.get<int>(), std::to_string(o.connection.responses) + " answers");
       }},
      {"jsonrpc_error",
       "the JSON-RPC error code",
       integer, {rpc_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.rpc.error == want.get<int>(), o.describe());
       }},
      // What a POST to a stream's messages endpoint made arrive on that stream (sse post).
      {"stream_messages",
       "the watched stream carried this many messages after the POST (an `sse` post: 0 when nothing reached it)",
       integer, {stream},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         if (!o.stream.messages) return failed("no stream was watched");
         return judged(*o.stream.messages == want.get<int>(),
                       std::to_string(*o.stream.messages) + " message(s) on the stream; " + o.describe());
       }},
      {"backend_credential_of",
       "the backend's ledger entry for this very call carries this user's credential",
       text, {ledger}, check_backend_credential_of},
      {"accepted_for_at_most_s",
       "a token that should no longer work (its user disabled, its session signed out) is refused, or accepted "
       "only until its exp, at most this many seconds away: a bounded finding that does not fail the scenario",
       integer, {sent_token}, check_accepted_for_at_most_s},
      {"no_ledger_entry",
       "the call left no entry in the backend's ledger (`true`)",
       boolean, {ledger}, check_no_ledger_entry},
      {"vault_audit",
       "Vault's audit log for the call: `own_paths_only` (an agent's: only KV paths under its own `mcp/<agent>/`), "
       "`reads_own_secret`, `logs_in`, `child_token` (an agent's KV requests each with a token of its policy "
       "alone, the secret layout's `mcp-agent-<agent>`, and a TTL of at most 300 s), `requests_token` (the server "
       "asked Vault for a token, `auth/token/create…`, for the call) or `no_kv_request` (no KV request reached Vault)",
       audit_check, {audit}, check_vault_audit},
      {"vault_login_client",
       "the server's Vault logins on the caller's entity were all with a token issued to this client (`azp`)",
       text, {audit}, check_vault_login_client},
      {"some_http_status",
       "at least one call of the burst, or request of a repeated http step, got this status",
       http_status, {burst}, check_some_http_status},
      {"no_http_status",
       "no call of the burst, nor request of a repeated http step, got this status",
       http_status, {burst}, check_no_http_status},
      {"some_decision",
       "at least one call of a workload burst was answered with this decision of the policy, read by the target's "
       "`workload_tools` (its result, or one of its refusal shapes)",
       decision, {decisions}, check_some_decision},
      {"retry_after",
       "a rejection came with a `Retry-After` header (`true`)",
       boolean, {burst}, check_retry_after},
      {"accepted_calls_at_least",
       "at least this many calls succeeded (a load step's worker: its share of them)",
       integer, {burst, load}, check_accepted_calls_at_least},
      // A load step (family 10): calls whose backend request (ledger) or database role was not
      // the caller's; ok calls that left no trace to check; calls that failed (a probe's 429s
      // excepted); requests the rate limit let through or refused wrongly (load_checks.h).
      {"cross_user_calls",
       "calls whose backend request or database role was not the caller's",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_load_count(want, o, &LoadOutcome::cross_user, "cross-user calls");
       }},
      {"calls_without_entry",
       "successful calls that left no ledger entry or role to check",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_load_count(want, o, &LoadOutcome::without_entry, "calls without a ledger entry or role");
       }},
      {"failed_calls",
       "calls that failed (a rate-limit probe's 429s excepted)",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_load_count(want, o, &LoadOutcome::failed, "failed calls");
       }},
      {"rate_limit_violations",
       "requests the rate limit let through or refused wrongly",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_rate_limit_violations(want, o); }},
      {"entity_name",
       "the Vault entity the login or whoami resolved to (or one matching this matcher)",
       value_match, {vault_answer}, check_entity_name},
      {"vault_error_contains",
       "one of Vault's `errors` contains this text (or matches this matcher)",
       text_match, {vault_answer}, check_vault_error_contains},
      {"oauth_error",
       "the identity provider's OAuth `error` code",
       text, {token_grant},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.grant.oauth_error == as_text(want), o.grant.oauth_error.empty() ? std::string("no error") : o.grant.oauth_error);
       }},
      // The authorization-server family's (oauth_checks.h).
      {"token_error",
       "RFC 6749 §5.2: a JSON body with this `error` (or one of a list), `Cache-Control: no-store`, 400; "
       "`invalid_client` 401 with a `WWW-Authenticate: Basic` challenge when the client used Basic (else 400, or 401 "
       "with a challenge)",
       texts, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_token_error(want, o); }},
      {"token_claims",
       "the issued access token's claims: `iss` (the metadata's issuer), `client` (sub, and client_id, azp or sub "
       "naming the client), `aud` (holds the profile's audience), `exp` (in the future), `iat`, `jti`, `lifetime` "
       "(an hour at most, matching expires_in), `scope` (within the client's)",
       texts, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_token_claims(want, o); }},
      {"scope_within_client",
       "`invalid_scope`, or a token whose scope is within the client's scopes (`true`)",
       boolean, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_scope_within_client(want, o); }},
      {"jwks_public_only",
       "the JWKS has keys, none with private or symmetric members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) (`true`)",
       boolean, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_jwks_public_only(want, o); }},
      {"metadata_consistent",
       "the metadata's issuer is the one it was fetched under, its token_endpoint the profile's, its jwks_uri "
       "resolves, it lists client_credentials, and the OpenID configuration agrees (`true`)",
       boolean, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_metadata_consistent(want, o); }},
      {"auth_methods_work",
       "every advertised client authentication method the harness presents gave a token (`true`)",
       boolean, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_auth_methods_work(want, o); }},
      // Not result_json's /granted: its excerpt would cut the list a reviewer acts on.
      {"nothing_granted",
       "a policy_table probe's /granted is empty: no bent input got a grant (`true`); each one granted is named in full",
       boolean, {policy_probe},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const Json granted = o.result.is_object() ? o.result.value("granted", Json()) : Json();
         if (!granted.is_array()) return failed("no /granted in the result: not a policy_table probe");
         // Nothing decided proves nothing: the step's caveat says why, and the verdict is inconclusive.
         if (o.result.value("decided", 0) == 0) return failed("no bent input got a decision");
         std::string named;
         for (const auto& one : granted) named += (named.empty() ? "" : "; ") + one.get<std::string>();
         const std::string asked = std::to_string(o.result.value("asked", 0));
         return judged(granted.empty() == want.get<bool>(), granted.empty() ? "none of " + asked + " bent inputs granted"
                                                                              : "granted: " + named);
       }},
      {"forged_tokens_refused",
       "the target refused (401 or 403) every token forged with what the authorization server published (`true`)",
       boolean, {authorization_server},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_forged_tokens_refused(want, o); }},
      {"value",
       "the first row's first value (or one matching this matcher)",
       value_match, {sql},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.sql.value && value_matches(*o.sql.value, want), o.sql.value ? *o.sql.value : std::string("(no row)"));
       }},
      {"rows",
       "the number of rows",
       integer, {sql},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.sql.rows == want.get<int>(), std::to_string(o.sql.rows) + " rows");
       }},
      // The step finished within a deadline (a fault's clear error, never a hang).
      {"within_ms",
       "the step finished within this many ms (a fault's clear error, never a hang)",
       integer, {duration},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const std::string took = "took " + std::to_string(static_cast<long>(o.ms)) + " ms";
         return o.ms <= want.get<double>() ? held(took) : failed(took + " (" + o.describe() + ")");
       }},
      // The call gave up within the server's own timeout for a dependency (its target profile's
      // dependency_timeout_ms) and this margin: a server honours its timeout, whatever it is.
      {"within_timeout_ms",
       "the call ended within the server's own `dependency_timeout_ms` plus this margin",
       integer, {tool_answer},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const long deadline = o.tool.dependency_timeout_ms + want.get<long>();
         const std::string took = "took " + std::to_string(static_cast<long>(o.ms)) + " ms of " + std::to_string(deadline) +
                                  " (the server's timeout " + std::to_string(o.tool.dependency_timeout_ms) + " ms and " +
                                  std::to_string(want.get<long>()) + ")";
         return o.ms <= deadline ? held(took) : failed(took + ": " + o.describe());
       }},
  };
  return table;
}

}  // namespace mcph::harness::scenario
