#pragma once
// Carries out one step of a scenario against the stack, through its kind's runner (steps/), and
// holds what the runners share: the stack, the users and their tokens, the pacing of each
// user's requests within the servers' rate limits, the fault proxy, and Vault's audit log, read
// after each step for the entries the step caused.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fault_driver.h"
#include "mcph/http/client.h"
#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/jose/key.h"
#include "mcph/mcp/client.h"
#include "mcph/reports/model.h"
#include "observers.h"
#include "slow_clients.h"
#include "step_outcome.h"
#include "substitution.h"
#include "user_directory.h"
#include "user_pacer.h"

namespace mcph::harness::scenario {

class Recorder;

struct HeldToken {
  std::string user;
  std::string value;    // the JWT; never written anywhere unmasked
  std::string refresh;  // refresh token, when the grant gave one
  std::string client;
  // The key a DPoP-bound token is bound to (`token: … dpop: true`), for the proofs of the steps
  // that present it; never written anywhere.
  std::optional<jose::Key> dpop_key;
};

// An HTTP+SSE stream an `sse` step opened, kept open for the scenario's later steps.
struct HeldStream {
  std::string service;
  std::string owner;  // the user whose token opened it, "" for none
  std::unique_ptr<mcp::Client> client;
};

// A kept-alive HTTP connection that http steps naming it share (`connection:`).
struct HeldConnection {
  // Where and as whom it was opened: a step naming it must be sent there, with the same client
  // certificate (a TLS connection is the first one's).
  std::string origin;
  std::string client_certificate_file;
  std::unique_ptr<http::Client> client;
};

// What lives for one scenario: its tokens, saved values, MCP sessions and users' flows.
struct ScenarioState {
  std::map<std::string, HeldToken> tokens;
  std::map<std::string, std::string> saved;
  std::map<std::string, std::unique_ptr<mcp::Client>> sessions;  // "<service>|<token name>"
  std::map<std::string, HeldStream> sse_streams;                 // by the name an sse step gave it
  std::map<std::string, HeldConnection> connections;             // by the name http steps gave it
  std::vector<reports::UserFlow> flows;
  FaultsAdded faults;  // undone when the scenario ends (StepExecutor::undo_changes)
  // The Keycloak ids of the users an idp step disabled: enabled again when the scenario ends.
  std::set<std::string> disabled_users;
  // Clients that run beside the steps (slow_clients), stopped when the scenario ends.
  std::vector<std::unique_ptr<SlowClients>> slow_clients;
  // What the scenario's draws come from (its toxics' jitter and toxicity): derived from the run's
  // seed and the scenario's file and name, so a scenario run alone with that seed draws the same.
  std::uint64_t seed = 0;
};

// The OIDC client the harness logs users in with, unless a step names another.
inline constexpr const char* kDefaultClient = "mcp-client";

class StepExecutor {
 public:
  StepExecutor(const stack::StackFile& stack, UserDirectory& users, const RunnerOptions& options);

  // Throws std::runtime_error (or a transport error) when the step cannot be carried out at all
  // (unknown service, the stack does not answer); answers of any status are outcomes.
  StepOutcome run(const Step& step, ScenarioState& state, const Resolver& resolve);
  // Removes the toxics the scenario added, brings back what it took down and enables the users
  // it disabled. Throws std::runtime_error naming what could not be undone.
  void undo_changes(ScenarioState& state) const;
  // The stack's names of the MCP servers a step calls (a call's, an http or tcp step's unless it
  // addresses a service the fault proxy fronts or the proxy itself, every server of a load);
  // throws std::runtime_error for a server the stack does not have.
  std::vector<std::string> servers_called(const Step& step) const;

  // ---- for the step kinds' runners ----
  const stack::StackFile& stack() const { return stack_; }
  UserDirectory& users() { return users_; }
  const RunnerOptions& options() const { return options_; }
  FaultDriver& faults() { return faults_; }
  // "jira" or "jira-mcp" → the stack's service name.
  std::string mcp_service(const std::string& written) const;
  // The service an http or tcp step names: a service of the stack, or an MCP server's short name.
  const stack::ServiceEntry& target_service(const std::string& written) const;
  std::string target_service_name(const std::string& written) const;
  std::string realm_url() const;

  // The step's token: the named one, or the acting user's, logging in when there is none yet.
  HeldToken& token_for(const Step& step, ScenarioState& state, StepOutcome& out, Recorder& record);
  // A password grant; `scope` empty: the scopes of every MCP server of the stack. `dpop_bound`:
  // the token is bound to a key made for it, held with it (Keycloak only).
  HeldToken login(const std::string& user, const std::string& client, const std::string& secret, Recorder& record,
                  const std::string& scope = {}, bool dpop_bound = false);
  // The held token `name`, or, when it is the caller's own and there is none yet, a fresh login.
  HeldToken* held_or_login(const std::string& name, const std::string& caller, ScenarioState& state, Recorder& record);

  // Waits until `subject` may send `requests` more to `server` (user_pacer.h; an empty subject:
  // none of its own) and, at a server that limits the requests it refuses per source address,
  // until this address may too. A burst of `burst` requests waits for the address's whole
  // allowance, so that no other runner's request still on its way meets the bucket it empties.
  // The wait is the step's paced_ms.
  void pace(const std::string& server, const std::string& subject, const stack::RateLimit& limit, int requests, StepOutcome& out,
            int burst = 1);
  // What one answer (to `requests` requests) says of the buckets pace() drew on.
  void answered(const std::string& server, const std::string& subject, const stack::RateLimit& limit, int http_status,
                int requests = 1);
  // After a burst of `burst` requests with these answers: the subject's bucket may be empty,
  // and the address's is if any was refused.
  void burst_answered(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                      const std::vector<int>& statuses, int burst);
  // A progress line before a deliberate wait of a second or more, so a person sees why nothing
  // happens.
  void announce_wait(double seconds, const std::string& why) const;
  // Vault's audit entries the step caused (by its trace ids, else by its time window).
  void observe_audit(StepOutcome& out);

 private:
  // The server's limit on the requests it refuses per source address; none: no limit stated.
  stack::RateLimit refused_limit(const std::string& server) const;

  const stack::StackFile& stack_;
  UserDirectory& users_;
  const RunnerOptions& options_;
  AuditTail audit_;
  FaultDriver faults_;
  UserPacer pacer_;  // across scenarios and files: a server's limit does not start over with them
};

}  // namespace mcph::harness::scenario
