#pragma once
// What the ModernEra tests share: servers of the test's own serving MCP 2026-07-28 alone
// (--protocol modern) in place of a stack's, the stack's entries naming `protocol: modern`; the
// verdict the families must give over that era (each passes as over the legacy era, save the
// cases written in the legacy era alone, not applicable with their reason); and the table of
// docs/families.md that says so.
#include <map>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/proc/service.h"
#include "own_servers.h"
#include "sabotage_verdicts.h"

namespace mcph::harness::scenario {

// `stack` with jira-mcp, github-mcp and postgres-mcp replaced by servers of the modern era alone
// kept in `own` (the stack's tokens for each, its rate limit), reaching the services by `route`:
// through the fault proxy, each stays declared behind it as the stack's server is.
// `jira_audience` replaces jira-mcp's audience; `jira_switches` are added to its command line.
stack::StackFile with_modern_users_servers(const stack::StackFile& stack, ServerRoute route, std::vector<proc::StartedService>& own,
                                    const std::string& jira_audience = "",
                                    const std::vector<std::string>& jira_switches = {});

// Each outcome passed, save those named in `not_applicable` (→ words their reason holds), each
// seen, not applicable ("not applicable: …", skipped) and with no finding.
void expect_passed_save_legacy_cases(const std::vector<Outcome>& outcomes,
                                     const std::map<std::string, std::string>& not_applicable);

// The one scenario `name` of `suite` run by `runner`; throws when there is none.
Outcome run_one(ScenarioRunner& runner, const std::string& suite, const std::string& name);
// `outcome` failed with findings of `property` alone, each on `server`.
void expect_found(const Outcome& outcome, const std::string& server, const std::string& property);

// docs/families.md holds the rows of the table of the families over the modern era that
// `outcomes` make, one per file of `suites`: its scenarios, those passed, those not applicable.
void expect_documented_era_table(const std::vector<Outcome>& outcomes, const std::vector<std::string>& suites);

}  // namespace mcph::harness::scenario
