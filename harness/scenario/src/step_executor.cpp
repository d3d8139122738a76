#include "step_executor.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "keycloak_operator.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/jose/key.h"
#include "mcph/oidc/token_client.h"
#include "mcph/sync/elapsed.h"
#include "recorder.h"
#include "steps/step_kind.h"
#include "token_claims.h"

namespace mcph::harness::scenario {

StepExecutor::StepExecutor(const stack::StackFile& stack, UserDirectory& users, const RunnerOptions& options)
    : stack_(stack),
      users_(users),
      options_(options),
      audit_(stack.find_service("vault") ? std::filesystem::path(stack.find_service("vault")->vault.audit_log)
                                         : std::filesystem::path()),
      faults_(stack),
      pacer_(options.pacing_dir) {}

void StepExecutor::undo_changes(ScenarioState& state) const {
  std::string failed;
  try {
    faults_.undo(state.faults);
  } catch (const std::exception& e) {
    failed = e.what();
  }
  try {
    enable_users_again(stack_, state.disabled_users);
  } catch (const std::exception& e) {
    failed += (failed.empty() ? "" : "; ") + std::string(e.what());
  }
  if (!failed.empty()) throw std::runtime_error(failed);
}

std::string StepExecutor::realm_url() const { return stack_.service("keycloak").url + "/realms/" + stack_.realm; }

std::string StepExecutor::mcp_service(const std::string& written) const {
  // "postgres" names both the database and, as a server, postgres-mcp: a server wins.
  if (std::string name = stack_.serving(written + "-mcp"); !name.empty()) return name;
  if (std::string name = stack_.serving(written); !name.empty()) return name;
  throw std::runtime_error("the stack has no MCP server \"" + written + "\" (nor \"" + written + "-mcp\")");
}

const stack::ServiceEntry& StepExecutor::target_service(const std::string& written) const {
  return stack_.service(target_service_name(written));
}

std::string StepExecutor::target_service_name(const std::string& written) const {
  const std::string name = stack_.serving(written);
  return name.empty() ? mcp_service(written) : name;
}

StepOutcome StepExecutor::run(const Step& step, ScenarioState& state, const Resolver& resolve) {
  const StepKindInfo& kind = step_kind_info(step.kind());
  StepOutcome out;
  out.caller = step.as.empty() ? "" : substitute(step.as, resolve);
  if (out.caller.empty() && state.tokens.count(step.token_name)) out.caller = state.tokens[step.token_name].user;
  out.server = kind.addressed(*this, step);
  const auto started = sync::SteadyClock::now();
  audit_.skip_to_end();
  Recorder record(out, state.flows);
  StepRun run{*this, step, state, resolve, out, record};
  kind.run(run);
  if (kind.audit == AuditReading::after_the_step) observe_audit(out);
  if (kind.audit == AuditReading::skipped) audit_.skip_to_end();
  out.ms = sync::ms_since(started) - out.paced_ms;  // the server's time, not the runner's pacing
  return out;
}

std::vector<std::string> StepExecutor::servers_called(const Step& step) const {
  if (const auto* load = step.get_if<LoadSpec>()) {
    std::vector<std::string> servers;
    for (const auto& call : load->servers) servers.push_back(mcp_service(call.server));
    return servers;
  }
  // Vault, token, sql, idp, fault and wait steps are the harness's own requests, never through
  // the fault proxy; so are http and tcp steps at a service the proxy fronts, or at the proxy.
  const StepKindInfo& kind = step_kind_info(step.kind());
  if (!kind.calls_servers) return {};
  const std::string name = kind.addressed(*this, step);
  const auto fronted = stack::fault_proxy_targets();
  if (name == stack::kFaultProxyService || std::find(fronted.begin(), fronted.end(), name) != fronted.end()) return {};
  return {name};
}

void StepExecutor::announce_wait(double seconds, const std::string& why) const {
  if (seconds < 1 || !options_.progress) return;
  char line[64];
  std::snprintf(line, sizeof line, "  … waiting %.1f s ", seconds);
  options_.progress(line + why);
}

void StepExecutor::observe_audit(StepOutcome& out) {
  out.audit.observed = audit_.available();
  if (!out.audit.observed) return;
  const nlohmann::json written = audit_.read_new();
  // A step whose requests carried a traceparent owns exactly the entries carrying it: what other
  // scenarios on the same stack cause meanwhile is not its.
  if (!out.trace_ids.empty()) {
    out.audit.entries = entries_of_traces(written, out.trace_ids);
    return;
  }
  // The others keep the time window: of the entries written while the step ran, those of
  // another trace are provably not its; the untraced rest may be, or may be a neighbour's.
  out.audit.by_window = true;
  out.audit.entries = entries_without_trace(written);
  out.audit.other_traces = written.size() - out.audit.entries.size();
}

HeldToken StepExecutor::login(const std::string& user, const std::string& client, const std::string& secret,
                              Recorder& record, const std::string& asked_scope, bool dpop_bound) {
  const fixtures::UserFixture& fixture = users_.fixture(user);
  const auto started = sync::SteadyClock::now();
  // By default a token for every MCP server of the stack: each accepts only its own audience.
  const std::string scope = asked_scope.empty() ? stack::mcp_scopes(stack_) : asked_scope;
  idp::UserSignIn sign_in{user, fixture.password, client, secret, scope, dpop_bound};
  if (dpop_bound) sign_in.dpop_key = jose::Key::generate_ec_p256();
  const idp::SignIn signed_in = stack_.identity_provider().sign_in(stack_.identity_provider_site(users_.fixtures_dir()), sign_in);
  const oidc::TokenResponse& response = signed_in.tokens;
  const std::string shown = Recorder::masked(response.access_token);
  record.exchange("POST", signed_in.endpoint, {}, signed_in.request, 200, {}, "access token " + shown, sync::ms_since(started));
  record.flow(user, "login", signed_in.flow + " → access token " + shown + " (expires in " +
                                 std::to_string(response.expires_in) + " s" +
                                 (dpop_bound ? ", bound to a key of its own (DPoP)" : "") + ")");
  if (const nlohmann::json claims = unverified_claims(response.access_token); claims.is_object()) {
    record.flow(user, "JWT claims", stack_.identity_provider().claims_summary(claims) + " · exp " +
                                        reports::utc_timestamp(claims.value("exp", 0L)));
  }
  return {user, response.access_token, response.refresh_token, client, sign_in.dpop_key};
}

HeldToken* StepExecutor::held_or_login(const std::string& name, const std::string& caller, ScenarioState& state,
                                       Recorder& record) {
  auto it = state.tokens.find(name);
  if (it == state.tokens.end() && name == caller && !caller.empty()) {
    it = state.tokens.emplace(name, login(caller, kDefaultClient, users_.client_secret(kDefaultClient), record)).first;
  }
  return it == state.tokens.end() ? nullptr : &it->second;
}

HeldToken& StepExecutor::token_for(const Step& step, ScenarioState& state, StepOutcome& out, Recorder& record) {
  const std::string name = step.token_name.empty() ? out.caller : step.token_name;
  if (HeldToken* held = held_or_login(name, out.caller, state, record)) return *held;
  throw std::runtime_error("no token named \"" + step.token_name + "\" yet (make one with a token step)");
}

namespace {

// The pacer's subject for a server's budget of refused requests from this runner's address.
constexpr const char* kRefusedHere = "requests refused from this address";

// Refused before the server knew the caller (no credential, a bad one, two at once): counted
// against the address. A 429 may be either budget's: the address's is taken as empty.
bool counted_against_the_address(int http_status) { return http_status == 400 || http_status == 401; }

}  // namespace

stack::RateLimit StepExecutor::refused_limit(const std::string& server) const {
  const auto it = stack_.services.find(server);
  if (it == stack_.services.end()) return {};
  return it->second.mcp.refused_rate_limit.value_or(stack::RateLimit{});
}

void StepExecutor::pace(const std::string& server, const std::string& subject, const stack::RateLimit& limit, int requests,
                        StepOutcome& out, int burst) {
  if (!subject.empty()) out.paced_ms += sync::in_ms(pacer_.take(server, subject, limit, requests));
  const stack::RateLimit refused = refused_limit(server);
  out.paced_ms += sync::in_ms(pacer_.take(server, kRefusedHere, refused, std::max(requests, burst)));
}

void StepExecutor::answered(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                            int http_status, int requests) {
  if (!subject.empty()) pacer_.answered(server, subject, limit, http_status, requests);
  const stack::RateLimit refused = refused_limit(server);
  if (http_status == 429) {
    pacer_.used_up(server, kRefusedHere, refused);
  } else if (!counted_against_the_address(http_status)) {
    pacer_.give_back(server, kRefusedHere, refused, requests);
  }
}

void StepExecutor::burst_answered(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                                  const std::vector<int>& statuses, int burst) {
  if (!subject.empty()) pacer_.used_up(server, subject, limit);  // a burst is how a scenario meets the limit
  const stack::RateLimit refused = refused_limit(server);
  const bool spent = std::any_of(statuses.begin(), statuses.end(),
                                 [](int status) { return status == 429 || counted_against_the_address(status); });
  if (spent) {
    pacer_.used_up(server, kRefusedHere, refused);
  } else {
    pacer_.give_back(server, kRefusedHere, refused, burst);
  }
}

}  // namespace mcph::harness::scenario
