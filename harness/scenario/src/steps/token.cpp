// The `token` step: a token got from the identity provider (fresh, id_token, refresh_token,
// client_credentials, exchange, other_realm), renewed (refresh), let expire (expire), or made
// by an attacker from another (tamper, forge, raw) — held under a name for later steps.
#include <algorithm>
#include <ctime>
#include <map>
#include <thread>

#include "../recorder.h"
#include "../step_executor.h"
#include "../token_claims.h"
#include "../token_forge.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/key.h"
#include "mcph/oidc/token_client.h"
#include "cognito_tokens.h"
#include "forged_token.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// The fields each token action takes besides name (and the step's own keys).
const std::set<std::string>& token_action_fields(TokenAction action) {
  using enum TokenAction;
  static const std::map<TokenAction, std::set<std::string>> fields = {
      {fresh, {"client", "client_secret", "scope", "dpop"}},
      {tamper, {"from", "claims"}},
      {forge, {"from", "claims", "header", "payload_text", "sign", "pad_bytes", "encoding", "exp_in"}},
      {raw, {"value"}},
      {id_token, {"client", "client_secret", "scope"}},
      {refresh_token, {"client", "client_secret"}},
      {client_credentials, {"client", "client_secret", "scope", "dpop"}},
      {exchange, {"from", "client", "client_secret", "audience"}},
      {sign_out, {"from"}},
  };
  static const std::set<std::string> none;
  const auto found = fields.find(action);
  return found == fields.end() ? none : found->second;
}

// The client a step names, else the harness's own; its secret as written, else the realm's.
std::string client_of(const TokenStep& step) { return step.client.empty() ? kDefaultClient : step.client; }
std::string secret_of(const TokenStep& step, StepExecutor& executor) {
  return step.client_secret.empty() ? executor.users().client_secret(client_of(step)) : step.client_secret;
}

// A grant the identity provider refused. A step that checks its answer (`expect:`) records the
// refusal; one that checks nothing was there to get its token, and is broken, saying why, rather
// than leave a later step to find no token of that name.
void grant_refused(const oidc::OidcError& e, const TokenStep& step, StepRun& run) {
  if (run.step.expect.empty()) throw std::runtime_error("token " + to_string(step.action) + " refused: " + e.what());
  run.out.grant.oauth_error = e.error();
  run.out.http.status = e.status();
}

// fresh: a password grant as the caller, held under the step's name.
void get_fresh(const TokenStep& step, const std::string& name, StepRun& run) {
  StepOutcome& out = run.out;
  try {
    HeldToken& held = run.state.tokens[name] =
        run.executor.login(out.caller, client_of(step), secret_of(step, run.executor), run.record,
                           substitute(step.scope, run.resolve), step.dpop);
    out.grant.ok = true;
    out.http.status = 200;
    // Its claims, unverified, for result_json: what a scenario takes as given about the token
    // (an e-mail as preferred_username) is checked, not assumed.
    out.result = unverified_claims(held.value);
  } catch (const oidc::OidcError& e) {
    grant_refused(e, step, run);
  }
}

void refresh(const std::string& name, HeldToken& held, StepRun& run) {
  if (held.refresh.empty()) throw std::runtime_error("token \"" + name + "\" has no refresh token");
  const stack::StackFile& stack = run.executor.stack();
  try {
    const auto response = stack.identity_provider().refresh(
        stack.identity_provider_site(run.executor.users().fixtures_dir()),
        {held.user, {}, held.client, run.executor.users().client_secret(held.client)}, held.refresh);
    held.value = response.access_token;
    if (!response.refresh_token.empty()) held.refresh = response.refresh_token;
    run.out.grant.ok = true;
    run.out.http.status = 200;
  } catch (const oidc::OidcError& e) {
    run.out.grant.oauth_error = e.error();
    run.out.http.status = e.status();
  }
}

void expire(const std::string& name, const HeldToken& held, StepRun& run) {
  const Json claims = unverified_claims(held.value);
  const std::int64_t exp = claims.is_object() ? claims.value("exp", 0L) : 0;
  const std::int64_t now = std::time(nullptr);
  if (exp - now > 120) {
    throw std::runtime_error("token \"" + name + "\" expires in " + std::to_string(exp - now) +
                             " s; use a short-lived client (token: fresh, client: …) to let one expire");
  }
  // One second past exp: a verifier with no leeway rejects it from then on.
  const std::int64_t wait = std::max<std::int64_t>(0, exp + 1 - now);
  run.executor.announce_wait(static_cast<double>(wait), "until token \"" + name + "\" has expired");
  std::this_thread::sleep_until(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(exp + 1)));
  run.out.grant.ok = true;
  run.record.flow(held.user, "token expired", "waited " + std::to_string(wait) + " s until exp " + reports::utc_timestamp(exp) + " passed");
}

// tamper: the payload changed, header and signature kept; held as `<name>-tampered` unless named.
void tamper(const TokenStep& step, const std::string& name, const HeldToken& held, StepRun& run) {
  const std::string& value = held.value;
  const auto first = value.find('.');
  const auto second = value.find('.', first + 1);
  Json claims = unverified_claims(value);
  if (!claims.is_object()) throw std::runtime_error("token \"" + name + "\" is not a JWT");
  const Json changes = substitute_json(Json::parse(step.claims), run.resolve);
  for (const auto& [claim, claim_value] : changes.items()) claims[claim] = claim_value;
  HeldToken forged = held;
  forged.value = value.substr(0, first + 1) + codec::base64url_encode(claims.dump()) + value.substr(second);
  run.state.tokens[run.step.token_name.empty() ? name + "-tampered" : run.step.token_name] = forged;
  run.out.grant.ok = true;
}

// The actions that make a new token from the identity provider or from another token.
void make_token(const TokenStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  StepOutcome& out = run.out;
  const std::string name = run.step.token_name.empty() ? out.caller + "-" + to_string(step.action) : run.step.token_name;
  const std::string client = client_of(step);
  // The token a forge or an exchange starts from: the named one, else the caller's own.
  const auto source = [&]() -> HeldToken& {
    const std::string from = step.from.empty() ? out.caller : step.from;
    HeldToken* held = executor.held_or_login(from, out.caller, run.state, run.record);
    if (!held) throw std::runtime_error("no token \"" + from + "\" to " + to_string(step.action) + " from yet");
    return *held;
  };
  HeldToken made{out.caller, "", "", client, std::nullopt};
  try {
    if (step.action == TokenAction::forge) {
      const HeldToken& from = source();
      ForgeSpec spec;
      if (!step.header.empty()) spec.header = substitute_json(Json::parse(step.header), run.resolve);
      if (!step.claims.empty()) spec.claims = substitute_json(Json::parse(step.claims), run.resolve);
      spec.payload_text = substitute(step.payload_text, run.resolve);
      spec.sign = step.sign;
      spec.pad_bytes = step.pad_bytes;
      if (step.exp_in) spec.claims["exp"] = static_cast<std::int64_t>(std::time(nullptr)) + *step.exp_in;
      spec.encoding = step.encoding;
      made = from;
      made.value = forge_as_step_says(from.value, spec, run);
      made.refresh.clear();
    } else if (step.action == TokenAction::raw) {
      made.value = substitute(step.value, run.resolve);
    } else if (step.action == TokenAction::id_token || step.action == TokenAction::refresh_token) {
      const auto response =
          executor.stack()
              .identity_provider()
              .sign_in(executor.stack().identity_provider_site(executor.users().fixtures_dir()),
                       {out.caller, executor.users().fixture(out.caller).password, client, secret_of(step, executor),
                        step.scope.empty() ? "openid" : substitute(step.scope, run.resolve)})
              .tokens;
      made.value = step.action == TokenAction::id_token ? response.id_token : response.refresh_token;
      if (made.value.empty()) throw std::runtime_error("the identity provider gave no " + to_string(step.action));
    } else if (step.action == TokenAction::client_credentials) {
      oidc::TokenClient tokens(executor.realm_url(), {client, secret_of(step, executor)});
      if (step.dpop) {
        made.dpop_key = jose::Key::generate_ec_p256();
        tokens.bind_to(*made.dpop_key);
      }
      made.value = tokens.client_credentials_grant(substitute(step.scope, run.resolve)).access_token;
      made.user = "service-account-" + client;
    } else if (step.action == TokenAction::exchange) {
      const HeldToken& from = source();
      oidc::TokenClient tokens(executor.realm_url(), {client, secret_of(step, executor)});
      made.value = tokens.exchange(from.value, step.audience).access_token;
      made.user = from.user;
    } else if (step.action == TokenAction::other_realm) {
      // The admin of the master realm: a token the same Keycloak signed, for another realm.
      const stack::ServiceEntry& keycloak = executor.stack().service("keycloak");
      oidc::TokenClient tokens(keycloak.url + "/realms/master", {"admin-cli", ""});
      made.value = tokens.password_grant(keycloak.idp.user(), keycloak.idp.password()).access_token;
      made.user = "master-realm-admin";
    }
  } catch (const oidc::OidcError& e) {
    grant_refused(e, step, run);
    return;
  }
  run.state.tokens[name] = made;
  out.grant.ok = true;
  out.http.status = 200;
  run.record.flow(out.caller, "token " + to_string(step.action), name + " → " + Recorder::masked(made.value));
}

void run_token(const TokenStep& step, StepRun& run) {
  StepOutcome& out = run.out;
  const std::string name = run.step.token_name.empty() ? out.caller : run.step.token_name;
  if (step.action == TokenAction::fresh) return get_fresh(step, name, run);
  if (is_cognito_token_action(step.action)) return run_cognito_token(step, run);
  if (step.action != TokenAction::refresh && step.action != TokenAction::expire && step.action != TokenAction::tamper) return make_token(step, run);
  // tamper makes a new token (named by `name`) from `from`, by default the caller's own.
  const std::string source = step.action != TokenAction::tamper ? name : !step.from.empty() ? step.from : out.caller;
  HeldToken* held = run.executor.held_or_login(source, out.caller, run.state, run.record);
  if (!held) throw std::runtime_error("no token \"" + source + "\" to " + to_string(step.action) + " yet");
  if (out.caller.empty()) out.caller = held->user;
  if (step.action == TokenAction::refresh) return refresh(name, *held, run);
  if (step.action == TokenAction::expire) return expire(name, *held, run);
  tamper(step, name, *held, run);
}

TokenStep read_token(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& node = source.step;
  const std::string& field = source.field;
  TokenStep step;
  step.action = read_choice<TokenAction>(reader, source.value, source.here, kTokenActions, "token action");
  const std::set<std::string>& fields = token_action_fields(step.action);
  source.allowed.insert("name");
  source.allowed.insert(fields.begin(), fields.end());
  const auto text = [&](const char* key) { return reader.text_or(node, key, field); };
  step.client = text("client");
  step.client_secret = text("client_secret");
  step.from = text("from");
  step.scope = text("scope");
  step.audience = text("audience");
  step.value = text("value");
  step.payload_text = text("payload_text");
  step.encoding = text("encoding");
  if (node["sign"].IsDefined()) step.sign = read_choice<ForgeSigning>(reader, node["sign"], Reader::join(field, "sign"), kForgeSignings, "forge signing");
  if (node["claims"].IsDefined()) step.claims = read_object(reader, node["claims"], Reader::join(field, "claims")).dump();
  if (node["header"].IsDefined()) step.header = read_object(reader, node["header"], Reader::join(field, "header")).dump();
  if (node["exp_in"].IsDefined()) {
    step.exp_in = bounded_integer(reader, node["exp_in"], Reader::join(field, "exp_in"), -86'400, 86'400);
  }
  if (node["pad_bytes"].IsDefined()) {
    step.pad_bytes = static_cast<int>(bounded_integer(reader, node["pad_bytes"], Reader::join(field, "pad_bytes"), 1, 1'000'000));
  }
  if (step.encoding != "" && step.encoding != "padded" && step.encoding != "standard") {
    reader.fail(node["encoding"], Reader::join(field, "encoding"), "expected padded or standard");
  }
  if (step.action == TokenAction::tamper && step.claims.empty()) reader.fail(node, Reader::join(field, "claims"), "tamper needs claims to change");
  if (step.action == TokenAction::raw && step.value.empty()) reader.fail(node, Reader::join(field, "value"), "raw needs the token's text");
  if (step.action == TokenAction::exchange && step.client.empty()) {
    reader.fail(node, Reader::join(field, "client"), "exchange needs the client that exchanges (e.g. jira-mcp)");
  }
  if (node["dpop"].IsDefined()) {
    const Json flag = reader.json(node["dpop"], Reader::join(field, "dpop"));
    if (!flag.is_boolean()) reader.fail(node["dpop"], Reader::join(field, "dpop"), "expected true or false");
    step.dpop = flag.get<bool>();
  }
  if (node["name"].IsDefined()) source.token_name = reader.text(node["name"], Reader::join(field, "name"));
  return step;
}

std::string token_title(const TokenStep& step, const std::string& who) {
  return "token " + to_string(step.action) + (who.empty() ? "" : " for " + who);
}

}  // namespace

StepKindInfo token_step_kind() {
  return {
      .kind = StepKind::token,
      .name = "token",
      .summary = "A token got from the identity provider, renewed, let expire, or made by an attacker from another; "
                 "held under `name` (default: the caller's) for the steps after it.",
      .example = "as: alice\ntoken: tamper\nclaims: {sub: \"${bob.id}\"}\nname: forged",
      .fields = {{"token", "the action: `fresh`, `refresh`, `expire`, `tamper`, `forge`, `raw`, `id_token`, `refresh_token`, "
                           "`client_credentials`, `exchange`, `other_realm`; on a Cognito stack also `other_pool`, `other_client`, "
                           "`sign_out`, `wrong_password`, `wrong_secret_hash`"},
                 {"name", "the name the token is held under"},
                 {"client", "fresh, id_token, refresh_token, client_credentials, exchange: the OIDC client (default mcp-client)"},
                 {"client_secret", "its secret (default: the realm fixture's, else the one Keycloak holds)"},
                 {"scope", "fresh, id_token, client_credentials: the scope asked for (default: every MCP server's); "
                           "`${broader_scope.SERVICE}` is the one a server's stack entry says implies its write scope"},
                 {"from", "tamper, forge, exchange: the token it starts from (default: the caller's)"},
                 {"claims", "tamper, forge: claims to set (forge: `null` removes one)"},
                 {"header", "forge: header fields to set (`null` removes one)"},
                 {"payload_text", "forge: the payload's JSON text as written (duplicate names, …)"},
                 {"sign", "forge: `keep`, `strip`, `cut`, `attacker`, `attacker_embedded_jwk`, `hs256_realm_public`, `es256_zero`, "
                          "`realm_key` (a key of the harness's that the realm publishes: each claim check on its own)"},
                 {"pad_bytes", "forge: a `pad` claim of this many bytes"},
                 {"exp_in", "forge: `exp` set to now plus this many seconds (0 or negative: expired; at most a day)"},
                 {"encoding", "forge: `padded` (base64url with `=`) or `standard` (base64 with `+/=`)"},
                 {"value", "raw: the token's text (`${token.NAME}` …)"},
                 {"audience", "exchange: the audience asked for"},
                 {"dpop", "fresh, client_credentials: `true` asks with a DPoP proof of a key made for it, held with the "
                          "token: an http or call step's `dpop:` proves with it, any other step presents the token as a "
                          "thief holds it, without its key"}},
      .yields = {ResultPart::token_grant, ResultPart::json_result, ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec { return read_token(source); },
      .run = runner<TokenStep>(run_token),
      .title = titler<TokenStep>(token_title),
      .addressed = [](const StepExecutor& executor, const Step&) { return executor.stack().identity_provider().service(); },
      .needs_caller = always,
  };
}

}  // namespace mcph::harness::scenario
