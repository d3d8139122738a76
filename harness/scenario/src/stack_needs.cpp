#include "stack_needs.h"

#include "mcph/harness/stack/stack_params.h"
#include "mcph/harness/fixtures/user_fixtures.h"

namespace mcph::harness {
namespace {

std::string generated_users_missing(const StackNeeds& needs, const StackFile& stack, UserDirectory& users) {
  const std::string last = generated_user(needs.generated_users).username;
  const std::string wanted = "generated users user0001–" + last;
  const std::string remedy = " (start a stack with `mcp-harness up --users " + std::to_string(needs.generated_users) +
                             "` or more, up's default provisions " +
                             std::to_string(scenario_suite_params().generated_users) +
                             "; or add them to a stack `up` started with `mcp-harness run --provision`)";
  if (stack.generated_users) {
    if (*stack.generated_users >= needs.generated_users) return "";
    return "it needs " + wanted + ", and this stack was provisioned with " + std::to_string(*stack.generated_users) +
           remedy;
  }
  // A hand-written stack file does not say: ask Keycloak for the last of them.
  try {
    users.keycloak_id(last);
    return "";
  } catch (const std::runtime_error& e) {
    const std::string why = e.what();
    if (why.find("has no user") == std::string::npos) return "";  // Keycloak's admin API cannot tell us
    return "it needs " + wanted + ", and realm " + stack.realm + " has no " + last + remedy;
  }
}

std::string rate_limit_differs(const StackNeeds& needs, const StackFile& stack) {
  const RateLimit wanted{needs.rate_limit, std::chrono::milliseconds(needs.rate_window_ms)};
  for (const auto& [name, service] : stack.services) {
    if (!service.mcp.rate_limit || *service.mcp.rate_limit == wanted) continue;  // not an MCP server of ours, or the right limit
    const std::string limit = service.mcp.rate_limit->to_string();
    return "it needs MCP servers that limit each user to " + std::to_string(needs.rate_limit) + " calls per " +
           std::to_string(needs.rate_window_ms) + " ms, and " + name + " of this stack limits " +
           (limit == "none" ? "nothing" : limit) + " (start a stack with `mcp-harness up --rate-limit " +
           std::to_string(needs.rate_limit) + " --rate-window-ms " + std::to_string(needs.rate_window_ms) +
           "`, up's default)";
  }
  return "";
}

}  // namespace

std::optional<std::string> unmet_needs(const StackNeeds& needs, const StackFile& stack, UserDirectory& users) {
  std::string missing;
  if (needs.generated_users > 0) missing = generated_users_missing(needs, stack, users);
  if (missing.empty() && needs.rate_limit > 0) missing = rate_limit_differs(needs, stack);
  if (missing.empty()) return std::nullopt;
  return "the stack cannot run this file (" + needs.where.to_string() + "): " + missing;
}

std::optional<std::string> services_missing(const ServiceNeeds& needs, const StackFile& stack) {
  if (!needs.idp.empty() && needs.idp != to_string(stack.idp)) {
    return "not run: it is about a stack whose identity provider is " + needs.idp + " (" + needs.where.to_string() +
           "), and this stack's is " + to_string(stack.idp) + " (mcp-harness up --idp " + needs.idp + ")";
  }
  std::string missing;
  for (const auto& name : needs.services) {
    if (!stack.find_service(name)) missing += (missing.empty() ? "" : ", ") + name;
  }
  if (missing.empty()) return std::nullopt;
  std::string why = "not run: the stack has no " + missing + " (" + needs.where.to_string();
  // Where `up` left a service out, it said why in the stack file (OPA not installed, …).
  for (const auto& name : needs.services) {
    if (const auto left_out = stack.services_left_out.find(name); left_out != stack.services_left_out.end()) {
      why += "; " + name + " was left out: " + left_out->second;
    }
  }
  return why + "; point an entry of an external stack file at such a server, docs/target-profiles.md)";
}

std::optional<std::string> services_missing(const ScenarioFile& file, const Scenario& scenario, const StackFile& stack) {
  if (auto missing = services_missing(static_cast<const ServiceNeeds&>(file.needs), stack)) return missing;
  return services_missing(scenario.needs, stack);
}

}  // namespace mcph::harness
