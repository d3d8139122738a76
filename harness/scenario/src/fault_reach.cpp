#include "fault_reach.h"

#include <algorithm>
#include <set>
#include <utility>

#include "fault_spec.h"
#include "mcph/harness/stack/service_table.h"

namespace mcph::harness::scenario {
namespace {

// "github-mcp does not reach github-api through the fault proxy: point it at …".
std::string unreached(const stack::StackFile& stack, bool has_fault_proxy, const std::string& server, const std::string& service) {
  std::string text = server + " does not reach " + service + " through the fault proxy";
  const stack::ServiceEntry* entry = stack.find_service(service);
  const std::string address = entry ? entry->url_for_servers : "";
  if (!has_fault_proxy || address.empty()) {
    return text + " (this stack has no fault proxy in front of " + service + "; `mcp-harness up` in local or real mode starts one)";
  }
  return text + ": point it at " + address + " (services." + service + ".url_for_servers) and list \"" + service +
         "\" in services." + server + ".behind_fault_proxy of the stack file";
}

}  // namespace

std::optional<std::string> faults_out_of_reach(const Scenario& scenario, const stack::StackFile& stack,
                                               const ServersCalled& servers_called) {
  std::set<std::string> active;  // services with a proxy fault on them at this step
  std::set<std::pair<std::string, std::string>> missing;  // (server, service), reported once each
  std::string reasons;
  // No server is behind a proxy the stack does not have, whatever its entry says.
  const bool has_fault_proxy = stack.services.count(std::string(stack::kFaultProxyService)) > 0;
  for (const Step& step : scenario.steps) {
    if (const auto* fault_step = step.get_if<FaultSpec>()) {
      const FaultSpec& fault = *fault_step;
      if (fault.clear == "all") {
        active.clear();
      } else if (!fault.clear.empty()) {
        active.erase(fault.clear);
      } else if (fault.toxic != kHttpErrorToxic) {  // a backend's own error reaches whoever calls it
        active.insert(fault.target);
      }
      continue;
    }
    if (active.empty()) continue;
    for (const std::string& server : servers_named(servers_called, step)) {
      const auto entry = stack.services.find(server);
      for (const std::string& service : active) {
        const bool behind = has_fault_proxy && entry != stack.services.end() &&
                            std::find(entry->second.mcp.behind_fault_proxy.begin(), entry->second.mcp.behind_fault_proxy.end(),
                                      service) != entry->second.mcp.behind_fault_proxy.end();
        if (behind || !missing.insert({server, service}).second) continue;
        reasons += (reasons.empty() ? "" : "; ") + unreached(stack, has_fault_proxy, server, service);
      }
    }
  }
  if (reasons.empty()) return std::nullopt;
  return "not applicable: its faults would not reach the server under test: " + reasons;
}

}  // namespace mcph::harness::scenario
