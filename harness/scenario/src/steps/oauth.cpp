// The `oauth` step: the authorization server of a target whose profile has
// `auth.client_credentials` with its `issuer` (the authorization-server family): its metadata and
// JWKS, a token request for the agent bent as the step says, a token by every client
// authentication method the metadata advertises, or tokens forged with what it published, each
// sent to the target. What it saw goes to the outcome's `oauth` (oauth_outcome.h).
#include <chrono>
#include <set>

#include "../agent_credential.h"
#include "../oauth_checks.h"
#include "../oauth_metadata_urls.h"
#include "../recorder.h"
#include "../step_executor.h"
#include "../token_claims.h"
#include "../token_forgeries.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/openssl/crypto.h"
#include "mcph/sync/elapsed.h"
#include "mcph/sync/unix_time.h"
#include "rpc_outcome.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

constexpr const char* kFormType = "application/x-www-form-urlencoded";

// What the step needs of the target: its profile's client credentials and the MCP endpoint.
struct Target {
  std::string mcp_url;
  ProbeRequest probe;  // the protected call a forged token is sent with
  stack::AuthProfile auth;  // its client credentials; its agents' names in the clients file (auth.name_of)
  const stack::ClientCredentialsAuth& grant() const { return *auth.client_credentials; }
};

Target target_of(StepRun& run, const OAuthStep& step) {
  const std::string service = run.executor.target_service_name(step.server);
  const stack::ServiceEntry& entry = run.executor.target_service(step.server);
  const stack::TargetProfile profile = stack::target_profile(entry, service);
  if (!profile.auth || !profile.auth->client_credentials) {
    throw std::runtime_error("oauth: " + service + "'s profile has no auth.client_credentials: no authorization server to test");
  }
  Target target{entry.url, probe_request(entry, service), profile.auth->resolved(run.executor.stack().directory)};
  if (target.grant().issuer.empty()) {
    throw std::runtime_error("oauth: " + service + "'s auth.client_credentials has no issuer, where its metadata is found");
  }
  return target;
}

struct Answer {
  int status = 0;
  http::Fields headers;
  std::string body;
  Json json;
};

Answer send(StepRun& run, const std::string& method, const std::string& url, const http::Fields& headers,
            const std::string& body, const std::string& content_type, const std::string& shown_body) {
  const http::Url parsed = http::parse_url(url);
  http::ClientOptions options;
  options.read_timeout = run.executor.options().http_timeout;
  http::Client client(parsed.origin(), options);
  const auto started = sync::SteadyClock::now();
  const std::string target = parsed.path.empty() ? "/" : parsed.path;
  const auto response = client.request(method, target, headers, body, content_type);
  run.record.exchange(method, url, headers, shown_body, response.status, response.headers, response.body, sync::ms_since(started));
  return {response.status, response.headers, response.body, Json::parse(response.body, nullptr, false)};
}

Answer get_json(StepRun& run, const std::string& url) {
  return send(run, "GET", url, {{"Accept", "application/json"}}, "", "", "");
}

// The RFC 8414 metadata where §3.1 puts it (for an issuer with a path, between the host and the
// path), and the OpenID configuration appended to the issuer (OpenID Connect Discovery §4).
void fetch_metadata(StepRun& run, const Target& target, OAuthObservation& seen) {
  const Answer oauth = get_json(run, oauth_metadata_url(target.grant().issuer));
  const Answer openid = get_json(run, openid_configuration_url(target.grant().issuer));
  seen.openid_status = openid.status;
  if (openid.status == 200) seen.openid_configuration = openid.json;
  const Answer& used = oauth.status == 200 ? oauth : openid;
  seen.metadata_status = used.status;
  if (used.status == 200 && used.json.is_object()) seen.metadata = used.json;
}

void fetch_jwks(StepRun& run, OAuthObservation& seen) {
  const std::string uri = seen.metadata.is_object() ? seen.metadata.value("jwks_uri", "") : "";
  if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0) return;
  const Answer jwks = get_json(run, uri);
  seen.jwks_status = jwks.status;
  if (jwks.status == 200) seen.jwks = jwks.json;
}

// The token request as the step bends it; `method` and `secret_wrong` decide how the client
// authenticates.
Answer token_request(StepRun& run, const Target& target, const OAuthStep& step, const std::string& method) {
  const stack::AgentClient client = stack::agent_client(target.grant(), target.auth.name_of(run.step.as));
  // Another of the target's agents' client id, or an id the step writes.
  const std::string id = step.client_id.empty()                 ? client.id
                         : target.auth.has_agent(step.client_id) ? stack::agent_client(target.grant(), target.auth.name_of(step.client_id)).id
                                                                 : step.client_id;
  const std::string secret = step.wrong_secret ? client.secret + "-not" : client.secret;
  if (method != "none") run.out.sent_token = secret;  // what an echo check looks for
  http::Fields form;
  const std::string grant_type = step.grant_type.value_or("client_credentials");
  if (!grant_type.empty()) form.emplace_back("grant_type", grant_type);
  if (step.scope) form.emplace_back("scope", *step.scope);
  http::Fields headers{{"Accept", "application/json"}};
  http::Fields shown = form;
  if (method == "client_secret_basic" || method == "both") headers.emplace_back("Authorization", stack::client_secret_basic(id, secret));
  if (method == "client_secret_post" || method == "both") {
    form.emplace_back("client_id", id);
    form.emplace_back("client_secret", secret);
    shown.emplace_back("client_id", id);
    shown.emplace_back("client_secret", Recorder::masked(secret));
  }
  if (method == "none") {
    form.emplace_back("client_id", id);
    shown.emplace_back("client_id", id);
  }
  const std::string type = step.content_type.empty() ? kFormType : step.content_type;
  return send(run, "POST", target.grant().token_url, headers, http::form_encode(form), type, http::form_encode(shown));
}

void take_answer(const Answer& answer, StepOutcome& out) {
  out.http.status = answer.status;
  out.http.headers = answer.headers;
  out.http.body = answer.body;
  out.result = answer.json.is_discarded() ? Json() : answer.json;
  if (answer.json.is_object()) {
    out.grant.oauth_error = answer.json.value("error", "");
    out.grant.ok = answer.status == 200 && answer.json.contains("access_token");
  }
}

// The claims a real token for the agent would carry, its subject named as the server knows it:
// what a forged one copies.
Json forged_claims(const Target& target, const OAuthObservation& seen, const std::string& agent) {
  const std::string issuer = seen.metadata.is_object() ? seen.metadata.value("issuer", target.grant().issuer) : target.grant().issuer;
  const long long now = sync::unix_seconds();
  std::string scope;
  for (const auto& word : seen.client_scopes) scope += (scope.empty() ? "" : " ") + word;
  return {{"iss", issuer}, {"sub", target.auth.name_of(agent)}, {"aud", target.grant().audience.empty() ? issuer : target.grant().audience},
          {"client_id", seen.client_id}, {"azp", seen.client_id}, {"scope", scope}, {"iat", now}, {"nbf", now},
          {"exp", now + 300}, {"jti", openssl::random_uuid()}};
}

void run_oauth(const OAuthStep& step, StepRun& run) {
  const Target target = target_of(run, step);
  StepOutcome& out = run.out;
  OAuthObservation seen;
  seen.request = to_string(step.request);
  seen.issuer = target.grant().issuer;
  seen.token_url = target.grant().token_url;
  seen.audience = target.grant().audience;
  if (!run.step.as.empty()) {
    out.caller = run.step.as;
    out.agent = true;
    seen.client_id = stack::agent_client(target.grant(), target.auth.name_of(run.step.as)).id;
    seen.client_scopes = scope_words(agent_scopes(run.step.as));
  }
  fetch_metadata(run, target, seen);
  if (step.request != OAuthRequest::token && step.request != OAuthRequest::auth_methods) fetch_jwks(run, seen);

  // A document fetched is the answer: its status, and its JSON as result and body.
  const auto document = [&](int status, const Json& json) {
    out.http.status = status;
    out.result = json;
    if (!json.is_null()) out.http.body = json.dump();
  };
  if (step.request == OAuthRequest::metadata) {
    document(seen.metadata_status, seen.metadata);
  } else if (step.request == OAuthRequest::jwks) {
    document(seen.jwks_status, seen.jwks);
  } else if (step.request == OAuthRequest::token) {
    seen.client_auth = step.client_auth.empty() ? target.grant().method : step.client_auth;
    seen.requested_at = sync::unix_seconds();
    const Answer answer = token_request(run, target, step, seen.client_auth);
    take_answer(answer, out);
    if (out.grant.ok && answer.json["access_token"].is_string()) seen.claims = unverified_claims(answer.json["access_token"]);
  } else if (step.request == OAuthRequest::auth_methods) {
    Json advertised = seen.metadata.is_object() ? seen.metadata.value("token_endpoint_auth_methods_supported", Json()) : Json();
    if (!advertised.is_array()) advertised = Json::array({"client_secret_basic"});  // RFC 8414 §2's default
    for (const auto& entry : advertised) {
      OAuthObservation::MethodResult result;
      result.method = entry.is_string() ? entry.get<std::string>() : entry.dump();
      result.tried = result.method == "client_secret_basic" || result.method == "client_secret_post";
      if (result.tried) {
        const Answer answer = token_request(run, target, step, result.method);
        result.status = answer.status;
        result.error = answer.json.is_object() ? answer.json.value("error", "") : "";
        result.token = answer.status == 200 && answer.json.is_object() && answer.json.contains("access_token");
        out.burst.statuses.push_back(answer.status);
      }
      seen.methods.push_back(result);
    }
    out.http.status = seen.metadata_status;
  } else if (step.request == OAuthRequest::forge) {
    const ProbeRequest& probe = target.probe;
    const std::string method = probe.method.empty() ? "POST" : probe.method;
    const std::string url = probe.path.empty() ? target.mcp_url : http::parse_url(target.mcp_url).origin() + probe.path;
    for (const auto& forged : forge_with_published_keys(seen.jwks, forged_claims(target, seen, run.step.as))) {
      http::Fields headers{{"Authorization", "Bearer " + forged.token}, {"Accept", "application/json, text/event-stream"}};
      headers.insert(headers.end(), probe.headers.begin(), probe.headers.end());
      const Answer answer = send(run, method, url, headers, probe.body, probe.body.empty() ? "" : "application/json", probe.body);
      seen.forgeries.push_back({forged.made, answer.status});
      out.burst.statuses.push_back(answer.status);
    }
    out.http.status = seen.jwks_status;
  }
  out.oauth = std::move(seen);
}

OAuthStep read_oauth(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"server", "request", "client_auth", "client_id", "client_secret", "grant_type", "scope",
                                 "content_type"});
  OAuthStep step;
  step.server = reader.required_text(value, "server", here);
  if (!value["request"].IsDefined()) reader.fail(value, Reader::join(here, "request"), "missing");
  step.request = read_choice<OAuthRequest>(reader, value["request"], Reader::join(here, "request"), kOAuthRequests, "request");
  step.client_auth = reader.text_or(value, "client_auth", here);
  if (!step.client_auth.empty() && step.client_auth != "client_secret_basic" && step.client_auth != "client_secret_post" &&
      step.client_auth != "none" && step.client_auth != "both") {
    reader.fail(value["client_auth"], Reader::join(here, "client_auth"),
                "expected client_secret_basic, client_secret_post, none or both");
  }
  step.client_id = reader.text_or(value, "client_id", here);
  if (value["client_secret"].IsDefined()) {
    if (reader.text(value["client_secret"], Reader::join(here, "client_secret")) != "wrong") {
      reader.fail(value["client_secret"], Reader::join(here, "client_secret"), "the only choice is wrong (secrets stay in files)");
    }
    step.wrong_secret = true;
  }
  if (value["grant_type"].IsDefined()) step.grant_type = reader.text(value["grant_type"], Reader::join(here, "grant_type"));
  if (value["scope"].IsDefined()) step.scope = reader.text(value["scope"], Reader::join(here, "scope"));
  step.content_type = reader.text_or(value, "content_type", here);
  const bool token_fields = !step.client_auth.empty() || !step.client_id.empty() || step.wrong_secret || step.grant_type ||
                            step.scope || !step.content_type.empty();
  if (token_fields && step.request != OAuthRequest::token && step.request != OAuthRequest::auth_methods) {
    reader.fail(value, here, "client_auth, client_id, client_secret, grant_type, scope and content_type shape a token request");
  }
  return step;
}

std::string oauth_title(const OAuthStep& step, const std::string& who) {
  const std::string what = step.request == OAuthRequest::token          ? "asks " + step.server + "'s authorization server for a token"
                           : step.request == OAuthRequest::auth_methods ? "asks for a token by each advertised client authentication method"
                           : step.request == OAuthRequest::forge        ? "sends " + step.server + " tokens forged with what its authorization server published"
                                                            : "reads " + step.server + "'s authorization server " + to_string(step.request);
  return (who.empty() ? std::string("the harness") : who) + " " + what;
}

}  // namespace

StepKindInfo oauth_step_kind() {
  return {
      .kind = StepKind::oauth,
      .name = "oauth",
      .summary = "The authorization server of a target whose profile has `auth.client_credentials` with its `issuer`: "
                 "its metadata, its JWKS, a token request bent as the step says, a token by every advertised client "
                 "authentication method, or tokens forged with what it published, sent to the target.",
      .example = "as: agent-c\noauth: {server: agent-bridge-mcp, request: token, client_auth: client_secret_basic, scope: write}",
      .fields = {{"oauth.server", "the MCP server whose profile names the authorization server"},
                 {"oauth.request", "`metadata` (RFC 8414 §3.1, the suffix inserted before the issuer's path, and the OpenID "
                                   "configuration appended to the issuer), `jwks` (the metadata's `jwks_uri`), "
                                   "`token` (the client credentials grant for the agent `as:`), `auth_methods` (a token by each "
                                   "advertised client authentication method the harness can present), `forge` (tokens signed "
                                   "with every key the server published, as an HS256 secret too, and with well-known default "
                                   "secrets, each sent to the target)"},
                 {"oauth.client_auth", "token: `client_secret_basic`, `client_secret_post`, `none` (the id alone) or `both`; "
                                       "default the profile's `method`"},
                 {"oauth.client_id", "token: this client id with the agent's secret: another of the target's agents' (its client's id), or the id written"},
                 {"oauth.client_secret", "token: `wrong`, a secret that is not the client's"},
                 {"oauth.grant_type", "token: default `client_credentials`; `\"\"` sends none"},
                 {"oauth.scope", "token: the scope requested (default: none)"},
                 {"oauth.content_type", "token: the request's Content-Type (default `application/x-www-form-urlencoded`)"}},
      .yields = {ResultPart::http_answer, ResultPart::json_result, ResultPart::sent_token, ResultPart::authorization_server},
      .read = [](const StepSource& source) -> StepSpec { return read_oauth(source); },
      .run = runner<OAuthStep>(run_oauth),
      .title = titler<OAuthStep>(oauth_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<OAuthStep>().server);
      },
      .needs_caller = [](const Step& step) {
        const OAuthRequest request = step.get<OAuthStep>().request;
        return request != OAuthRequest::metadata && request != OAuthRequest::jwks;
      },
  };
}

}  // namespace mcph::harness::scenario
