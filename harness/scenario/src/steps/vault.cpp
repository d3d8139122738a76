// The `vault` step: a request straight to Vault, as the acting user (logged in through Vault's
// JWT auth as the MCP servers log in) or as root; or `whoami`, Vault's own word on whose entity
// the user's login is.
#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/http/trace_context.h"
#include "mcph/oidc/token_client.h"
#include "mcph/sync/elapsed.h"
#include "mcph/text/join.h"
#include "mcph/vault/client.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

void run_vault(const VaultStep& step, StepRun& run) {
  StepExecutor& executor = run.executor;
  const stack::StackFile& stack = executor.stack();
  StepOutcome& out = run.out;
  Recorder& record = run.record;
  const stack::ServiceEntry& entry = stack.service("vault");
  vault::Client client(entry.url);
  // The runner's own Vault requests are traced too, so that the step's audit entries are its own.
  const http::TraceParent trace = http::new_trace();
  client.continue_trace(http::TraceContext{trace, {}});
  out.trace_ids.push_back(trace.trace_id);
  std::string vault_token;
  if (out.caller == "root") {
    vault_token = entry.vault.token;
  } else {
    const HeldToken& held = executor.token_for(run.step, run.state, out, record);
    std::string jwt = held.value;
    if (step.login == VaultLogin::exchanged) {
      // As an MCP server does: Vault's role takes only tokens issued for Vault.
      try {
        jwt = stack::vault_login_token(stack, executor.users().fixtures_dir(), held.value);
      } catch (const oidc::OidcError& e) {
        out.http.status = e.status();
        out.http.body = Json{{"error", e.error()}, {"error_description", e.description()}}.dump();
        record.flow(out.caller, "token exchange", "refused by the identity provider: " + e.error() + " (" + e.description() + ")");
        return;
      }
      if (jwt != held.value) {
        record.flow(out.caller, "token exchange", "the user's token exchanged for Vault → " + Recorder::masked(jwt));
      }
    }
    out.sent_token = jwt;
    const auto started = sync::SteadyClock::now();
    const auto login = client.request("POST", "auth/jwt/login", "", Json{{"role", "user"}, {"jwt", jwt}}.dump());
    record.exchange("POST", entry.url + "/v1/auth/jwt/login", {}, R"({"role":"user","jwt":"****"})", login.status, {},
                    login.body, sync::ms_since(started));
    // The stack opened Vault's role to the users' own tokens (fit_vault_to_target_profiles):
    // Vault taking one says nothing of Vault, and the defect is the servers', found as theirs.
    const auto passing = login.status == 200 && step.login == VaultLogin::raw ? stack::caller_token_servers(stack) : std::vector<std::string>{};
    if (!passing.empty()) {
      out.caveat = "on this stack Vault's role user takes the users' own tokens, because " + text::join(passing) +
                   " log in to Vault with their caller's token (vault_login caller_token), which is found against them as"
                   " \"passes its caller's token through to Vault\"";
    }
    const Json body = Json::parse(login.body, nullptr, false);
    if (login.status != 200 || !body.is_object()) {
      out.http.status = login.status;
      out.http.body = login.body;
      if (body.is_object()) {
        for (const auto& error : body.value("errors", Json::array())) out.vault.errors.push_back(error.get<std::string>());
      }
      return;
    }
    vault_token = body.value("/auth/client_token"_json_pointer, "");
    const std::string entity_id = body.value("/auth/entity_id"_json_pointer, "");
    out.vault.entity_name = executor.users().entity_name(entity_id);
    record.flow(out.caller, "Vault login and entity",
                "auth/jwt/login role user → token " + Recorder::masked(vault_token) + ", entity " +
                    (out.vault.entity_name.empty() ? entity_id : out.vault.entity_name));
    if (step.whoami) {
      // Ask Vault itself, with the user's own token, as a server would.
      const auto started_lookup = sync::SteadyClock::now();
      const auto self = client.request("GET", "auth/token/lookup-self", vault_token);
      record.exchange("GET", entry.url + "/v1/auth/token/lookup-self", {}, "", self.status, {}, self.body,
                      sync::ms_since(started_lookup));
      out.http.status = self.status;
      const Json info = Json::parse(self.body, nullptr, false);
      if (self.status == 200 && info.is_object()) {
        const std::string id = info.value("/data/entity_id"_json_pointer, "");
        try {
          out.vault.entity_name = client.entity_name(id, vault_token);
        } catch (const vault::VaultError&) {
          out.vault.entity_name = executor.users().entity_name(id);  // the user's token may not read its entity
        }
      }
      return;
    }
  }
  const std::string path = substitute(step.path, run.resolve);
  const std::string body = step.body ? substitute(*step.body, run.resolve) : "";
  const auto started = sync::SteadyClock::now();
  const auto response = client.request(step.method, path, vault_token, body);
  record.exchange(step.method, entry.url + "/v1/" + path, {}, body, response.status, {}, response.body, sync::ms_since(started));
  out.http.status = response.status;
  out.http.body = response.body;
  const Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_object()) {
    out.result = parsed;
    for (const auto& error : parsed.value("errors", Json::array())) out.vault.errors.push_back(error.get<std::string>());
  }
  if (out.caller != "root") record.flow(out.caller, "Vault path", step.method + " " + path + " → " + std::to_string(response.status));
}

VaultStep read_vault(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  VaultStep step;
  if (value.IsScalar()) {
    if (value.as<std::string>() != "whoami") reader.fail(value, here, "expected whoami or a mapping with path");
    step.whoami = true;
    return step;
  }
  reader.only_keys(value, here, {"path", "method", "body", "whoami", "login"});
  if (value["login"].IsDefined()) {
    step.login = read_choice<VaultLogin>(reader, value["login"], Reader::join(here, "login"), kVaultLogins, "vault login");
  }
  step.whoami = value["whoami"].IsDefined() && reader.text(value["whoami"], Reader::join(here, "whoami")) == "true";
  if (step.whoami && value["path"].IsDefined()) reader.fail(value, here, "whoami and path: give one");
  if (!step.whoami) step.path = reader.required_text(value, "path", here);
  step.method = reader.text_or(value, "method", here, "GET");
  if (value["body"].IsDefined()) step.body = reader.json(value["body"], Reader::join(here, "body")).dump();
  return step;
}

std::string vault_title(const VaultStep& step, const std::string& who) {
  return who + (step.whoami ? " asks Vault who they are" : " → Vault " + step.method + " " + step.path);
}

}  // namespace

StepKindInfo vault_step_kind() {
  return {
      .kind = StepKind::vault,
      .name = "vault",
      .summary = "A request straight to Vault as the acting user (after a JWT login as the MCP servers make) or as "
                 "`root`; or `whoami`, whose entity the user's login is.",
      .example = "as: alice\nvault: {path: secret/data/users/bob/jira}",
      .fields = {{"vault", "`whoami`, or a mapping:"},
                 {"vault.path", "the path after /v1/"},
                 {"vault.method", "default GET"},
                 {"vault.body", "a JSON body"},
                 {"vault.whoami", "`true`: log in and ask Vault who that is"},
                 {"vault.login", "`exchanged` (default: the user's token exchanged for a Vault-audience one, as the servers "
                                 "do) or `raw` (the held token itself)"}},
      .yields = {ResultPart::http_answer, ResultPart::sent_token, ResultPart::vault_answer, ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec { return read_vault(source); },
      .run = runner<VaultStep>(run_vault),
      .title = titler<VaultStep>(vault_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string("vault"); },
      .needs_caller = always,
  };
}

}  // namespace mcph::harness::scenario
