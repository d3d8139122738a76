#pragma once
// A scenario file (scenarios/*.yaml) as plain data: what a developer wrote, with the line of
// every step and expectation kept so that failures and load errors can point back at the file.
// Values that may hold ${substitutions} stay text here; the runner substitutes them when the
// step runs. JSON values are kept as JSON text where the runner sends them as written (tool
// arguments, bodies), else as JSON.
#include <array>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "mcph/harness/scenario/forge_signing.h"
#include "mcph/harness/stack/policy_profile.h"
#include "mcph/mcp/client.h"
#include "mcph/text/choice.h"

namespace mcph::harness::scenario {

// Where something was written: "scenarios/isolation.yaml:14".
struct SourceLocation {
  std::string file;
  int line = 0;
  std::string to_string() const { return file + ":" + std::to_string(line); }
};

// One expectation, e.g. `backend_credential_of: alice` or `http_status: 401`. `value` is the
// YAML value as JSON text ("alice", 401, {"…": …}), checked by the runner per kind.
struct Expectation {
  std::string kind;
  std::string value;
  SourceLocation where;
};

// The kinds of step, in the order of the alternatives of StepSpec below (steps/step_kinds.cpp
// holds each kind's name, reader, runner and documentation).
enum class StepKind { call, http, vault, token, sql, wait, tcp, fault, idp, load, slow_clients, workload, policy_table, svid_token, oauth, spiffe, sse, surface };

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// How a call or http step against a target whose profile has `auth` presents its agent (`as:`):
// the mode (`via:`, default the target's) and how the credential is bent for an attack
// (`credential:`, a mapping as JSON text; agent_credential.h lists its keys).
struct AgentCredentialSpec {
  std::string via;
  std::string shape = "{}";
};

// How a step presents a DPoP-bound token (RFC 9449) whose key the harness holds: `Authorization:
// DPoP <token>` and a proof of that key made for this very request (htm, htu, iat now, a fresh
// jti, ath of the token), each part bendable for an attack (steps/dpop_presentation.h).
enum class DpopScheme { dpop, bearer, none };  // none: no Authorization header
inline constexpr std::array<std::string_view, 3> kDpopSchemes = {"DPoP", "Bearer", "none"};
inline std::string to_string(DpopScheme scheme) { return text::name_of(scheme, kDpopSchemes); }
enum class DpopProof { fresh, none, replayed };  // replayed: the same proof sent twice
inline constexpr std::array<std::string_view, 3> kDpopProofs = {"fresh", "none", "replayed"};
enum class DpopAth { token, omit, wrong };  // token: the presented token's hash
inline constexpr std::array<std::string_view, 3> kDpopAths = {"token", "omit", "wrong"};

struct DpopPresentation {
  DpopScheme scheme = DpopScheme::dpop;
  DpopProof proof = DpopProof::fresh;
  bool proof_by_stranger = false;   // the proof is signed by a key no token is bound to
  std::string htm, htu;             // "" = the request's
  int iat_offset = 0;               // seconds added to now
  DpopAth ath = DpopAth::token;
  std::optional<std::string> typ, alg;
  bool private_jwk = false;
  bool operator==(const DpopPresentation&) const = default;  // == DpopPresentation{}: an honest presentation
};

// call: jira.get_issue, args: {...} — an MCP tool call.
// How the acting user answers a server that asks for input before it runs a tool (MCP
// 2026-07-28's input_required): accept the form, decline it or cancel it.
enum class InputAction { accept, decline, cancel };
inline constexpr std::array<std::string_view, 3> kInputActions = {"accept", "decline", "cancel"};
struct InputAnswer {
  InputAction action = InputAction::accept;
  // accept: the form's content (JSON object text); "" = a yes to each boolean the form requires.
  std::string content;
};

struct CallStep {
  static constexpr StepKind kind = StepKind::call;
  std::string server;      // as written: "jira" or "jira-mcp"
  std::string tool;
  std::string args = "{}"; // JSON text
  // `capability: read` (write, list, delete) instead of a tool: the target's tool map says which
  // tool that is; `args` then holds the step's own arguments (secret, prefix, data) by their
  // capability names, renamed for the tool when it runs (capability_call.h). `read_resource` is
  // no tool: resources/read of the URI the tool map's template makes of the secret and its owner.
  std::string capability;
  int repeat = 1;          // a burst: the call made this many times as fast as possible (16 connections at once)
  // `until: rate_limited`: the burst stops at its first 429, or as soon as a server limiting each
  // subject to the file's needs.rate_limit would have had to refuse a call (load_checks.h,
  // limit_not_reached); `repeat` is then the most it makes. A server slower than its limit takes
  // many calls to show whether it has one; one that refuses shows it at once.
  bool until_rate_limited = false;
  int rate_limit = 0;      // the file's needs.rate_limit, for until_rate_limited
  int rate_window_ms = 0;
  HeaderFields headers;    // sent with every request of the call
  AgentCredentialSpec agent;
  // `dpop:`, the held token is presented as DPoP-bound, with a proof of its key for each request.
  std::optional<DpopPresentation> dpop;
  // `batch: N`: the call N times in one JSON-RPC batch, one POST in a 2025-03-26 session of the
  // step's own (the one revision with batches); 0: a call of its own.
  int batch = 0;
  // `answer:`: what the caller answers each elicitation of an input_required result with; none:
  // the question is the call's answer (and no verdict: step_reach.h).
  std::optional<InputAnswer> answer;
  // `era:`: the era of MCP the call speaks, whatever the server's entry says (none: the entry's
  // protocol); a server that does not speak it refuses the opening.
  std::optional<mcp::Era> era;
};

// http: {server: jira-mcp, method: POST, body: ...} — a raw HTTP request.
struct HttpStep {
  static constexpr StepKind kind = StepKind::http;
  std::string server;
  std::string method = "POST";
  std::string path;        // appended to the server's URL (default: the MCP endpoint)
  std::optional<std::string> body;  // raw text
  // In order; a name may repeat (two Authorization headers). Written as a mapping, or as a list
  // of one-entry mappings when a name repeats.
  HeaderFields headers;
  std::string authorization = "token";  // token | none
  // A generated body of exactly this many bytes ({"pad":"xxx…"}), for size limits without a
  // huge scenario file (0: none; `body`/`json` give the body instead).
  std::size_t body_bytes = 0;
  // `probe: true`, the body is the target's probe (its profile's `probe`): the JSON-RPC request
  // the server answers with 200 when the caller is authorised, whatever its transport, for steps
  // about who is let in, not about a method.
  bool probe = false;
  // `metadata: protected_resource`: the server's protected-resource metadata, found as an MCP
  // client finds it (the challenge's resource_metadata, then the path form, then the root form
  // of RFC 9728's well-known URL), asked without a credential.
  bool protected_resource_metadata = false;
  int repeat = 1;  // the same request this many times, one after the other
  AgentCredentialSpec agent;
  // `dpop:`, the held token is presented as DPoP-bound, with a proof of its key (a fresh one for
  // each of `repeat`'s requests, but for `proof: replayed`).
  std::optional<DpopPresentation> dpop;
  // `connection: NAME`: the steps of a scenario that name the same connection send on one kept-alive
  // HTTP connection, so that a server trusting what an earlier request on it proved is seen.
  std::string connection;
};

// How the user's token reaches Vault's JWT login: `exchanged` for a Vault-audience token as the
// MCP servers do (the default), or `raw`, the held token itself (attacks on Vault).
enum class VaultLogin { exchanged, raw };
inline constexpr std::array<std::string_view, 2> kVaultLogins = {"exchanged", "raw"};

// vault: {path: secret/data/users/bob/jira} or whoami — a direct Vault request.
struct VaultStep {
  static constexpr StepKind kind = StepKind::vault;
  bool whoami = false;     // log in as `as` and ask Vault who that is
  VaultLogin login = VaultLogin::exchanged;
  std::string method = "GET";
  std::string path;        // after /v1/
  std::optional<std::string> body;  // JSON text
};

// token: fresh | refresh | expire | tamper | forge | … — a token got, changed or made (steps/token.cpp
// lists the fields each action takes). A Cognito stack's actions last (cognito_tokens.h).
enum class TokenAction {
  fresh, refresh, expire, tamper, forge, raw, id_token, refresh_token, client_credentials, exchange, other_realm,
  other_pool, other_client, sign_out, wrong_password, wrong_secret_hash,
};
inline constexpr std::array<std::string_view, 16> kTokenActions = {
    "fresh", "refresh", "expire", "tamper", "forge", "raw", "id_token", "refresh_token", "client_credentials", "exchange",
    "other_realm", "other_pool", "other_client", "sign_out", "wrong_password", "wrong_secret_hash"};
inline std::string to_string(TokenAction action) { return text::name_of(action, kTokenActions); }

struct TokenStep {
  static constexpr StepKind kind = StepKind::token;
  TokenAction action = TokenAction::fresh;
  std::string client;      // fresh, id_token, refresh_token, client_credentials, exchange: the OIDC client
  std::string client_secret;
  std::string from;        // tamper, forge, exchange: the token it starts from (default: the caller's)
  std::string claims;      // tamper, forge: JSON object of claims to set (forge: null removes one)
  std::string header;      // forge: JSON object of header fields to set (null removes one)
  std::string payload_text;  // forge: the payload's JSON text as written (duplicate names, …)
  ForgeSigning sign = ForgeSigning::keep;  // forge
  int pad_bytes = 0;       // forge: a "pad" claim of this many bytes
  std::optional<long> exp_in;  // forge: exp set to now plus this many seconds (0, or negative: expired)
  std::string encoding;    // forge: "" (base64url) | padded (with '=') | standard (base64 with +/ and =)
  std::string value;       // raw: the token's text (substituted: ${token.NAME} …)
  std::string scope;       // fresh, id_token, client_credentials: the scope asked for (default: every MCP server's)
  std::string audience;    // exchange: the audience asked for
  bool dpop = false;       // fresh, client_credentials: bound to a key of its own (DPoP), held with the token
};

// sql: SELECT … — a query on the stack's PostgreSQL as its superuser.
struct SqlStep {
  static constexpr StepKind kind = StepKind::sql;
  std::string query;
};

// wait: 1.5s
struct WaitStep {
  static constexpr StepKind kind = StepKind::wait;
  double seconds = 0;
};

// tcp: {server: jira-mcp, send: ["POST /mcp HTTP/1.1\r\n", …]} — bytes on a raw TCP connection:
// chunks written in order, delay_ms apart; then, optionally, the trickle text every
// trickle_every_ms, at most trickle_times times, until the server answers or closes; then the
// answer is read for at most read_ms. Every wait is bounded.
struct TcpStep {
  static constexpr StepKind kind = StepKind::tcp;
  std::string server;
  std::vector<std::string> chunks;
  int delay_ms = 0;
  std::string trickle;
  int trickle_every_ms = 0;
  int trickle_times = 0;
  int read_ms = 5000;
};

// fault: {target: vault, toxic: latency, latency_ms: 5000} | {clear: all} — the stack's fault
// proxy: a toxic on one of its named proxies (the targets: the service table's rows behind it),
// an HTTP error status from a mock backend (http_error), or the faults on one of them, or on
// all, cleared. `attributes` are Toxiproxy's (latency, jitter, timeout, rate, …; http_error:
// status, count), already checked against the toxic's type.
struct FaultSpec {
  static constexpr StepKind kind = StepKind::fault;
  std::string target;  // vault | keycloak | postgres | jira-api | github-api
  std::string toxic;   // latency | timeout | reset_peer | bandwidth | slicer | slow_close | limit_data | down | http_error | http_answer
  std::string stream = "downstream";   // upstream | downstream
  std::map<std::string, long> attributes;
  std::string body;    // http_answer: the answer's body
  // http_answer: only requests whose path starts with this get the answer; every other request
  // goes on to the service itself (empty: every request is answered).
  std::string path;
  std::string clear;   // a target, or "all": remove the faults instead of adding one
};

// idp: rotate_signing_key — the identity provider's admin API: a new RS256 key of higher
// priority; the old ones removed unless keep_old_key.
enum class IdpAction { rotate_signing_key, disable_user, logout_user };
inline constexpr std::array<std::string_view, 3> kIdpActions = {"rotate_signing_key", "disable_user", "logout_user"};
inline std::string to_string(IdpAction action) { return text::name_of(action, kIdpActions); }

struct IdpStep {
  static constexpr StepKind kind = StepKind::idp;
  IdpAction action = IdpAction::rotate_signing_key;
  bool keep_old_key = false;
  std::string user;    // disable_user, logout_user: the user's name (${…} substituted)
};

// One MCP server's call in a load step: `jira: {tool: get_issue, args: {issue_key: DEMO-1}}`.
struct LoadCall {
  std::string server;     // as written: "jira" or "jira-mcp"
  std::string tool;
  std::string args = "{}";  // JSON text (no substitutions: every user makes the same call)
  // A JSON pointer into the result where the database role the call ran as is (postgres-mcp:
  // the role is named after the user); "" for a server whose backend keeps a ledger.
  std::string role_at;
};

// load: {users: 200, connections: [16, 64], calls: 6000, servers: {…}} — isolation under load
// (family 10): generated users user0001…user<users>, each interleaved on every server; one run
// per concurrency level (each server gets that many connections at once, the servers loaded
// together); `calls` tool calls in all, split evenly over levels and servers, after a warm-up
// call of every user on every server. Every call carries its own traceparent. The users' calls
// are paced so that none is offered more than half its rate limit; the rate-limit probe's users
// (the ones after the step's users) are offered far more than theirs at once.
struct LoadSpec {
  static constexpr StepKind kind = StepKind::load;
  int users = 0;
  // The step's first generated user: user<first_user> … (so that a file's load stays clear of
  // the users other files' scenarios act as when every file runs on one stack).
  int first_user = 1;
  std::vector<int> connections;
  long calls = 0;
  std::vector<LoadCall> servers;
  int time_limit_ms = 120'000;    // per level: no call starts after it
  int call_timeout_ms = 10'000;
  int probe_users = 0;            // rate_limit_probe: {users: N, calls: M}
  int probe_calls = 0;            // at most, per probe user and server at every level, on 48 connections
  int rate_limit = 0;             // the file's needs.rate_limit (0: none stated: no pacing, no rate checks)
  int rate_window_ms = 0;
};

// slow_clients: {server: jira-mcp, connections: 128, send: "POST /mcp HTTP/1.1\r\n…", trickle: "x",
// every_ms: 1000, for_ms: 6000} — connections that start a request and never finish it, held
// beside the scenario's next steps until for_ms has passed or the scenario ends.
struct SlowClientsStep {
  static constexpr StepKind kind = StepKind::slow_clients;
  std::string server;
  int connections = 1;
  std::string start;
  std::string trickle;
  int every_ms = 1000;
  int for_ms = 5000;
};

// as: trusted-agent, workload: {tool: shell, operation: execute} — a tool call of the
// workload-identity design (workload-mcp's plain JSON-RPC endpoint) as an agent workload makes
// it: a JWT-SVID from the stack's trust domain (spiffe), traded at Keycloak for a DPoP-bound
// token, and a DPoP proof for the request; each part bendable for an attack (steps/workload.cpp).
// A workload step's `forge:`: the token presented, re-made by an attacker before the proof is
// made for it (steps/forged_token.h) — its signing (forge_signing.h), and header fields and
// claims to set (JSON objects' text; null removes one).
struct TokenForging {
  ForgeSigning sign = ForgeSigning::keep;
  std::string header;
  std::string claims;
};

struct WorkloadStep {
  static constexpr StepKind kind = StepKind::workload;
  std::string agent;                // a name of the trust domain (trusted-agent) or a SPIFFE ID
  std::string server = "workload-mcp";
  std::string path;                 // "": the entry's MCP endpoint, in a session; a batch's raw endpoint
  // The cell of the target's decision table called (workload_cells.h): a tool class and an
  // operation, each "" for any, and what the table decides for the caller's tier ("grants",
  // "denies", "": either) and for other agents' tiers ("all": every tier).
  std::string tool;
  std::string operation;
  std::string policy;
  std::vector<std::string> granted_to, denied_to;
  std::string token_of;             // whose bound token is presented ("": the agent's own)
  std::optional<TokenForging> forge;  // that token forged, its claims (cnf.jkt with them) kept unless changed
  DpopPresentation dpop;
  HeaderFields headers;
  int repeat = 1;                   // a burst: calls until the first 429, each with a fresh proof
  bool past_refusals = false;       // the burst sends all its calls, whatever they are answered
  int batch = 0;                    // > 0: this many calls in one JSON-RPC batch, in a 2025-03-26 session opened at path
};

// policy_table: {agents: {trusted: trusted-agent, …}, table: "| tier | operation | filesystem | … |"}
// — a policy engine's decisions held to a decision table, cell by cell (steps/policy_table.cpp):
// each cell is asked of the stack's OPA (or the service named) with the input a server builds,
// {"spiffe_id", "operation", "tool", "verified"}, and every cell that differs is reported.
using PolicyCell = stack::DecisionCell;  // policy_profile.h
struct PolicyTableStep {
  static constexpr StepKind kind = StepKind::policy_table;
  std::string service = "opa";
  std::string decision_path = "mcp/authz/decision";
  // The MCP server whose policy this is: when its stack entry has a `policy` (policy_profile.h),
  // that policy's decision path, input, agents and table are asked instead of the step's own.
  std::string server = "workload-mcp";
  std::map<std::string, std::string> agents;  // tier → the agent (name or SPIFFE ID) whose input stands for it
  std::vector<PolicyCell> cells;
  // Instead of the table, inputs a verified identity never yields: each tier's SPIFFE ID with
  // another tier claimed in the input (claimed_tier), or each tier's SPIFFE ID bent into one of
  // another trust domain or a look-alike (foreign_identity), or each granted cell's input marked
  // unverified (unverified_identity). None may gain a grant.
  enum class Probe { none, claimed_tier, foreign_identity, unverified_identity } probe = Probe::none;
};

// Who signs a svid_token step's SVID: the trust domain (its Workload API), an attacker's key under
// the bundle's kid or under a kid of its own, or nobody (alg none).
enum class SvidSigner { trust_domain, attacker_same_kid, attacker_new_kid, none };
inline constexpr std::array<std::string_view, 4> kSvidSigners = {"trust_domain", "attacker_same_kid", "attacker_new_kid",
                                                                "none"};
// The audience a svid_token step's SVID names: the token endpoint's issuer, another's, or both.
enum class SvidAudience { issuer, other, several };
inline constexpr std::array<std::string_view, 3> kSvidAudiences = {"issuer", "other", "several"};

// as: trusted-agent, svid_token: {audience: other} — an agent workload's client authentication
// at Keycloak's token endpoint with a JWT-SVID (RFC 7523, SPIFFE's assertion type), the SVID
// bendable (steps/svid_token.cpp): another agent's, another audience, forged, expired.
struct SvidTokenStep {
  static constexpr StepKind kind = StepKind::svid_token;
  std::string agent;              // the client (its SPIFFE ID) the request is for
  std::string svid_of;            // "": the agent's own SVID
  SvidAudience audience = SvidAudience::issuer;
  SvidSigner sign = SvidSigner::trust_domain;
  std::string sub;                // the SVID's sub, another trust domain's ("": the agent's SPIFFE ID)
  int ttl = 60;
  int wait_ms = 0;                // waited after minting (an SVID that expires meanwhile)
  std::string assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe";
  std::string client_id;          // a client_id parameter, when given
  bool dpop = true;               // a DPoP proof with the request
  std::string keep_svid;          // keep the SVID sent under this name
  std::string svid;               // send the SVID kept under this name instead of a new one
};

// spiffe: rotate_bundle_key — the trust domain changed as its operator would (mock-spiffe's
// /_keys): a new signing key activated, the old one removed from the bundle at once or left
// published until its SVIDs have expired.
enum class SpiffeAction { rotate_bundle_key };
inline constexpr std::array<std::string_view, 1> kSpiffeActions = {"rotate_bundle_key"};
inline std::string to_string(SpiffeAction action) { return text::name_of(action, kSpiffeActions); }

struct SpiffeStep {
  static constexpr StepKind kind = StepKind::spiffe;
  SpiffeAction action = SpiffeAction::rotate_bundle_key;
  bool remove_old_key = false;
};

// oauth: {server: agent-bridge-mcp, request: token, …} — the authorization server of a target
// whose profile has `auth.client_credentials` with its `issuer`: its metadata, its JWKS, a token
// request for the agent (`as:`) bent as the step says, a token by every client authentication
// method its metadata advertises, or tokens forged with what it published, sent to the target.
enum class OAuthRequest { metadata, jwks, token, auth_methods, forge };
inline constexpr std::array<std::string_view, 5> kOAuthRequests = {"metadata", "jwks", "token", "auth_methods", "forge"};
inline std::string to_string(OAuthRequest request) { return text::name_of(request, kOAuthRequests); }

struct OAuthStep {
  static constexpr StepKind kind = StepKind::oauth;
  std::string server;
  OAuthRequest request = OAuthRequest::metadata;
  // token: client_secret_basic, client_secret_post, none or both; "" = the profile's method.
  std::string client_auth;
  std::string client_id;    // token: this client id with the agent's secret; "" = the agent's
  bool wrong_secret = false;  // token: a secret that is not the client's
  std::optional<std::string> grant_type;  // default client_credentials; "" sends none
  std::optional<std::string> scope;       // default: none requested
  std::string content_type;               // default application/x-www-form-urlencoded
};

// sse: {server: jira-mcp, open: bobs} or {server: jira-mcp, post: bobs, tool: get_issue} — MCP's
// HTTP+SSE transport (2024-11-05) taken apart: a stream opened as the acting user and kept under
// a name, or one tools/call POSTed to a kept stream's messages endpoint (as another user, with
// no token, another session id or none), and that stream watched for what the POST sent it.
struct SseStep {
  static constexpr StepKind kind = StepKind::sse;
  std::string server;
  std::string open;        // the name the stream this step opens is kept under
  std::string post;        // the kept stream this step POSTs to
  // post: "" the stream's own session id, "none" none, "unknown" one no server gave out, else this
  std::string session_id;
  std::string tool;        // post: tools/call of this tool …
  nlohmann::json args = nlohmann::json::object();  // … with these arguments (${…} substituted when sent)
  std::string authorization = "token";  // token | none
  int watch_ms = 2000;     // post: how long the stream is watched for the call's answer
};

// surface: agent-bridge-mcp — every route the server publishes that a client can find (its
// OpenAPI document's, its metadata, the usual debug, event, log and status routes), asked with
// no credential and, with `as:`, as that agent: what each answer shows that it must not (another
// agent's secret, a key, Vault's address).
struct SurfaceStep {
  static constexpr StepKind kind = StepKind::surface;
  std::string server;
};

// What a step does, one alternative per StepKind, in the enum's order.
using StepSpec = std::variant<CallStep, HttpStep, VaultStep, TokenStep, SqlStep, WaitStep, TcpStep, FaultSpec, IdpStep,
                              LoadSpec, SlowClientsStep, WorkloadStep, PolicyTableStep, SvidTokenStep,
                              OAuthStep, SpiffeStep, SseStep, SurfaceStep>;

// The name of a kind as written in a scenario file ("call").
const char* to_string(StepKind kind);

// A name as an identifier (letters, digits, '_' for anything else): GoogleTest names, trace files.
std::string identifier(const std::string& name);

struct Step {
  SourceLocation where;
  std::string as;          // the acting user ("alice"); "root" for Vault's root token
  std::string token_name;  // which of the user's tokens (default: the user's name)
  std::string describe;    // optional text shown in reports instead of the generated one
  // The property a failure of this step shows broken, by its id (reports/taxonomy.h:
  // "trusts-unverified-claim"); empty: the scenario's.
  std::string property;
  // An honest request that shows the scenario can test anything at all (the caller can do what is
  // allowed before an attack shows it cannot do what is not): it never gives a finding, and when
  // it fails the scenario is inconclusive (`control: true`).
  bool control = false;
  // A control step asked again, once a second, while its checks fail, for at most this long
  // (`settle_for: 35s`): a server that fetches the realm's keys again only so often takes a key
  // the realm has just published only after a while. 0: asked once. Never on other steps: an
  // attack asked until it is refused would hide the defect.
  double settle_for_s = 0;
  StepSpec spec;
  // save: {name: /json/pointer} into the result (structured content, or the response body)
  std::map<std::string, std::string> save;
  std::vector<Expectation> expect;

  StepKind kind() const {
    return std::visit([](const auto& spec) { return std::decay_t<decltype(spec)>::kind; }, spec);
  }
  // The step's own fields, of the kind it is (std::bad_variant_access for another kind).
  template <typename Kind>
  const Kind& get() const { return std::get<Kind>(spec); }
  template <typename Kind>
  const Kind* get_if() const { return std::get_if<Kind>(&spec); }
};

// What a file or one of its scenarios is about (`needs: {services: [...], idp: ...}`): on a stack
// without it the scenarios are skipped, saying so (a stack without an agent server has nothing
// for the agent families to test). A scenario's own needs add to its file's.
// What a file or scenario is about (`needs:`); a stack without it is not its subject, and its
// scenarios are skipped, each saying which need and what the stack has (stack_needs.h).
struct ServiceNeeds {
  // The stack's services (agent-bridge-mcp, workload-mcp), or the entries that play them.
  std::vector<std::string> services;
  // The identity provider ("keycloak", "cognito"; "any": whichever the stack has, as long as it
  // has one the harness gets users' tokens from; "": the file needs none of its own).
  std::string idp;
  // The modes of a target's `auth` its steps act through (`auth: [api_key, static_jwt]`; the
  // target profile's modes, kAuthModes): each target must accept every one.
  std::vector<std::string> auth;
  // What each target must have beyond a mode (`capabilities: [authorization_server]`,
  // kCapabilities).
  std::vector<std::string> capabilities;
  SourceLocation where;
};

// The capabilities a `needs:` may name. authorization_server: the target's agents get their
// tokens from an OAuth authorization server of its own (`auth.client_credentials` with its
// `issuer`), and its stack entry does not say `"authorization_server": "none"`. rate_limit: its
// stack entry states the limit per caller it enforces (`rate_limit`, not none). read, write,
// list, delete, read_resource: its tool map has that capability; insufficient_scope,
// invalid_argument, not_found: its tool map says how it refuses so (tool_map.h). The loader adds
// the latter two sorts to a scenario's own needs from its steps (`capability:`, `refused:`).
constexpr std::string_view kCapabilities =
    "authorization_server, rate_limit, read, write, list, delete, read_resource, insufficient_scope, invalid_argument, not_found";

struct Scenario {
  std::string name;
  std::string description;
  // The property of the server under test a failure shows broken, for the findings, by its id
  // (reports/taxonomy.h; a step may name its own); empty: a failure is reported, but names no
  // property.
  std::string property;
  // The MCP transport its cases are about ("streamable-http": sessions, Accept, the protocol
  // version header); a scenario that calls a server of another transport is not run, and says
  // why. None: any transport. A file's `transport:` is its scenarios' default.
  std::optional<mcp::Transport> transport;
  // Whether its cases are written in the legacy era of MCP (`protocol: legacy`: initialize, a
  // session, batches: what protocol 2026-07-28 removed); such a scenario that calls a server of
  // the modern era alone (services.NAME.protocol modern) is not run, and says why. A file's
  // `protocol:` is its scenarios' default.
  bool legacy_era_only = false;
  // Its cases are about tools that need a scope of their own (`needs_write_scope: true`): a
  // server whose stack entry names no write_scope declares none, and is skipped, saying so.
  bool needs_write_scope = false;
  // Its cases are about a scope hierarchy (`needs_broader_scope: true`): a server whose stack
  // entry names no broader_scope declares none, and is skipped, saying so.
  bool needs_broader_scope = false;
  // Its cases are about tokens of the realm's other clients (`needs_clients: true`): a server whose
  // stack entry names no `clients` states none it serves alone, and is skipped, saying so.
  bool needs_clients = false;
  ServiceNeeds needs;  // its own `needs:`, beside its file's
  SourceLocation where;
  std::vector<Step> steps;
};

// What a file needs from the stack it runs on (`needs:`), checked before its scenarios run: a
// stack without the users or the rate limit makes them errors that say how to start a stack
// that has it; the services and identity provider it is about (ServiceNeeds) skip them.
struct StackNeeds : ServiceNeeds {
  int generated_users = 0;  // user0001 … user<N> provisioned
  int rate_limit = 0;       // the MCP servers limit each subject to this many calls …
  int rate_window_ms = 0;   // … per window (0 = the file does not care)
};

// How ctest runs a file's scenarios (`ctest:`): CMake reads the same line
// (scenarios/ScenarioFamily.cmake), and the families table of docs/families.md is made from it.
struct CtestRuns {
  std::string label;                // the family's ctest label
  std::vector<std::string> labels;  // further labels
  std::vector<std::string> stacks;  // shared, real, cognito, load
  bool alone = false;               // nothing else beside it (RUN_SERIAL)
  std::string lock;                 // one scenario at a time per stack (RESOURCE_LOCK)
};

struct ScenarioFile {
  std::string path;         // as given to the loader
  std::string suite;        // `suite:`, default the file's stem
  std::string family;       // `family:`, e.g. "isolation"
  std::string description;
  std::optional<CtestRuns> ctest;  // absent for files ctest does not run (scenarios/long/)
  StackNeeds needs;
  std::string source;       // the file's text, kept for traces and replay
  std::vector<Scenario> scenarios;
};

}  // namespace mcph::harness::scenario
