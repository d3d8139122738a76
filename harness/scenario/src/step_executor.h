#pragma once
// Carries out one step of a scenario against the stack: logs users in, calls MCP tools (with a
// W3C traceparent, so the backends' ledgers say which entries the call caused), sends raw HTTP,
// talks to Vault and PostgreSQL directly, and collects what the ledgers and the audit log saw.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mcph/harness/scenario.h"
#include "mcph/harness/scenario_runner.h"
#include "mcph/harness/stack_file.h"
#include "mcph/mcp/client.h"
#include "fault_driver.h"
#include "mcph/reports/model.h"
#include "observers.h"
#include "step_outcome.h"
#include "substitution.h"
#include "user_directory.h"
#include "user_pacer.h"

namespace mcph::harness {

struct HeldToken {
  std::string user;
  std::string value;    // the JWT; never written anywhere unmasked
  std::string refresh;  // refresh token, when the grant gave one
  std::string client;
};

// What lives for one scenario: its tokens, saved values, MCP sessions and users' flows.
struct ScenarioState {
  std::map<std::string, HeldToken> tokens;
  std::map<std::string, std::string> saved;
  std::map<std::string, std::unique_ptr<mcp::Client>> sessions;  // "<service>|<token name>"
  std::vector<reports::UserFlow> flows;
  FaultsAdded faults;  // undone when the scenario ends (StepExecutor::undo_faults)

  void flow(const std::string& user, std::string stage, std::string detail);
};

class StepExecutor {
 public:
  StepExecutor(const StackFile& stack, UserDirectory& users, const RunnerOptions& options);

  // Throws std::runtime_error (or a transport error) when the step cannot be carried out at all
  // (unknown service, the stack does not answer); answers of any status are outcomes.
  StepOutcome run(const Step& step, ScenarioState& state, const Resolver& resolve);
  // Removes the toxics the scenario added and brings back what it took down. Throws
  // std::runtime_error naming what could not be undone.
  void undo_faults(ScenarioState& state) const { faults_.undo(state.faults); }
  // The stack's names of the MCP servers a step calls (a call's, an http or tcp step's unless it
  // addresses a service the fault proxy fronts or the proxy itself, every server of a load);
  // throws std::runtime_error for a server the stack does not have.
  std::vector<std::string> servers_called(const Step& step) const;

 private:
  void call(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out);
  void http(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out);
  void vault(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out);
  void token(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out);
  // The token actions that make a new token from the IdP or from another token (forge, …).
  void new_token(const Step& step, ScenarioState& state, const Resolver& resolve, StepOutcome& out);
  void sql(const Step& step, const Resolver& resolve, StepOutcome& out);
  // idp: rotate_signing_key through the Keycloak admin API.
  void idp(const Step& step, StepOutcome& out);
  void tcp(const Step& step, const Resolver& resolve, StepOutcome& out);
  // load: isolation under load (load_step.h).
  void load(const Step& step, StepOutcome& out);
  // The service an http or tcp step names: a service of the stack, or an MCP server's short name.
  const ServiceEntry& target_service(const std::string& written) const;
  std::string target_service_name(const std::string& written) const;
  // The stack's name of the service a step talks to, for the report ("" for wait and the like).
  std::string addressed_service(const Step& step) const;

  // The step's token: the named one, or the acting user's, logging in when there is none yet.
  HeldToken& token_for(const Step& step, ScenarioState& state, StepOutcome& out);
  // A password grant; `scope` empty: the scopes of every MCP server of the stack.
  HeldToken login(const std::string& user, const std::string& client, const std::string& secret,
                  ScenarioState& state, StepOutcome& out, const std::string& scope = {});
  std::string realm_url() const;
  // "jira" or "jira-mcp" → the stack's service name.
  std::string mcp_service(const std::string& written) const;
  void observe_audit(StepOutcome& out);
  // Waits until `subject` may send `requests` more to `server` (user_pacer.h); the wait is the
  // step's paced_ms.
  void pace(const std::string& server, const std::string& subject, const RateLimit& limit, int requests, StepOutcome& out);
  // A progress line before a deliberate wait of a second or more, so a person sees why nothing
  // happens.
  void announce_wait(double seconds, const std::string& why) const;
  // The server's side of a call for the user's flow: its Vault login and paths (from the audit
  // log), the masked credential and the backend's ledger entry.
  void server_flow(const std::string& server, StepOutcome& out, ScenarioState& state);

  const StackFile& stack_;
  UserDirectory& users_;
  const RunnerOptions& options_;
  AuditTail audit_;
  FaultDriver faults_;
  UserPacer pacer_;  // across scenarios and files: a server's limit does not start over with them
};

}  // namespace mcph::harness
