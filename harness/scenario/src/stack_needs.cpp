#include "stack_needs.h"

#include "fault_reach.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/text/join.h"
#include "tool_scope_fit.h"
#include "transport_fit.h"
#include "trust_domain_fit.h"

namespace mcph::harness::scenario {
namespace {

std::string generated_users_missing(const StackNeeds& needs, const stack::StackFile& stack, UserDirectory& users) {
  const std::string last = fixtures::generated_user(needs.generated_users).username;
  const std::string wanted = "generated users user0001–" + last;
  const std::string remedy = " (start a stack with `mcp-harness up --users " + std::to_string(needs.generated_users) +
                             "` or more, up's default provisions " +
                             std::to_string(stack::scenario_suite_params().generated_users) +
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

std::string rate_limit_differs(const StackNeeds& needs, const stack::StackFile& stack) {
  const stack::RateLimit wanted{needs.rate_limit, std::chrono::milliseconds(needs.rate_window_ms)};
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

// The identity provider `needs` is about, when the stack has another, or names no entry of its own.
std::optional<std::string> identity_provider_missing(const ServiceNeeds& needs, const stack::StackFile& stack) {
  if (needs.idp.empty()) return std::nullopt;
  const std::string where = " (" + needs.where.to_string() + ")";
  const std::string has = to_string(stack.idp);
  if (needs.idp != "any" && needs.idp != has) {
    // `up` starts the providers it administers; one it does not is named by an external stack file.
    const std::string how = needs.idp == "oidc" ? "an external stack file with \"idp\": \"oidc\""
                                                : "mcp-harness up --idp " + needs.idp;
    return "not applicable: it is about a stack whose identity provider is " + needs.idp + where +
           ", and this stack's is " + has + " (" + how + ")";
  }
  const std::string entry = stack.identity_provider().service();
  if (stack.find_service(entry)) return std::nullopt;
  return "not applicable: it needs " +
         (needs.idp == "any" ? std::string("an identity provider the harness gets users' tokens from") : needs.idp) + where +
         ", and the stack file has no " + entry + " entry (its users' tokens come from nowhere the harness can ask)";
}

// Whether `profile` takes credentials of `mode`: keycloak_user, the identity provider's users'
// tokens, is what a target without `auth` takes.
bool takes(const stack::TargetProfile& profile, const std::string& mode) {
  if (mode == "keycloak_user" && !profile.auth) return true;
  return profile.auth && profile.auth->accepts(mode);
}

std::string modes_taken(const stack::TargetProfile& profile) {
  if (!profile.auth) return "takes the identity provider's users' tokens only (it has no auth)";
  return "takes " + text::join(profile.auth->modes(), ", ");
}

// Why `name` has no authorization server the family can test; empty when it has one.
std::string authorization_server_missing(const std::string& name, const stack::ServiceEntry& entry, const stack::TargetProfile& profile) {
  if (entry.mcp.authorization_server == "none") {
    return "its stack entry says it has none (services." + name + ".authorization_server)";
  }
  if (!profile.auth || !profile.auth->client_credentials) {
    return "services." + name + ".auth has no client_credentials: its agents get no token from one";
  }
  if (profile.auth->client_credentials->issuer.empty()) {
    return "services." + name + ".auth.client_credentials names no issuer, where its metadata is found";
  }
  return "";
}

// Why `name`'s tool map cannot address what `capability` (a tool capability or a refusal kind)
// asks; empty when it can.
std::string tool_map_lacks(const std::string& name, const stack::TargetProfile& profile, const std::string& capability) {
  const std::string key = "services." + name + ".tools";
  if (!profile.tools) return name + " maps no tools to capabilities (profile " + profile.name + ", no " + key + ")";
  if (capability == "read_resource") {
    if (profile.tools->resource_uri) return "";
    return name + "'s tool map has no read_resource (" + key + ".read_resource): the server offers its secrets as no resources";
  }
  if (stack::is_capability(capability)) {
    if (profile.tools->capabilities.count(capability)) return "";
    return name + "'s tool map has no " + capability + " (" + key + "): the server has no such tool";
  }
  if (profile.tools->refusals.count(capability)) return "";
  return name + "'s tool map says of no refusal as " + capability + " (" + key + ".refusals): the server makes no such check";
}

}  // namespace

std::optional<std::string> target_lacks(const ServiceNeeds& needs, const std::vector<std::string>& targets,
                                        const stack::StackFile& stack) {
  const std::string where = " (" + needs.where.to_string() + ")";
  for (const std::string& name : targets) {
    const stack::ServiceEntry* entry = stack.find_service(name);
    if (!entry) continue;  // services_missing says so
    const stack::TargetProfile profile = stack::target_profile(*entry, name);
    for (const std::string& mode : needs.auth) {
      if (!takes(profile, mode)) {
        return "not applicable: it acts through " + mode + where + ", and " + name + " " + modes_taken(profile);
      }
    }
    for (const std::string& capability : needs.capabilities) {
      if (capability == "authorization_server") {
        if (const std::string why = authorization_server_missing(name, *entry, profile); !why.empty()) {
          return "not applicable: it is about " + name + "'s authorization server" + where + ", and " + why;
        }
      } else if (capability == "rate_limit") {
        if (!entry->mcp.rate_limit || entry->mcp.rate_limit->requests <= 0) {
          return "not applicable: it holds " + name + " to the limit per caller its stack entry states" + where + ", and services." +
                 name + ".rate_limit states " + (entry->mcp.rate_limit ? "none" : "nothing");
        }
      } else if (const std::string why = tool_map_lacks(name, profile, capability); !why.empty()) {
        const bool tool = stack::is_capability(capability);
        return "not applicable: it " + std::string(tool ? "calls the capability " : "expects a refusal as ") + capability + where +
               ", and " + why;
      }
    }
  }
  return std::nullopt;
}

namespace {

// The targets whose modes and capabilities `needs` is about: the services it names (the entries
// that play them), else those its file's needs name, else the MCP servers the scenario calls.
std::vector<std::string> targets_of(const ServiceNeeds& needs, const ScenarioFile& file, const Scenario& scenario,
                                    const stack::StackFile& stack, const ServersCalled& servers_called) {
  const std::vector<std::string>& services = needs.services.empty() ? file.needs.services : needs.services;
  if (services.empty()) return mcp_servers_called(scenario, stack, servers_called);
  std::vector<std::string> targets;
  for (const std::string& role : services) targets.push_back(stack.serving(role));
  return targets;
}

}  // namespace

std::optional<std::string> unmet_needs(const StackNeeds& needs, const stack::StackFile& stack, UserDirectory& users) {
  std::string missing;
  if (needs.generated_users > 0) missing = generated_users_missing(needs, stack, users);
  if (missing.empty() && needs.rate_limit > 0) missing = rate_limit_differs(needs, stack);
  if (missing.empty()) return std::nullopt;
  return "the stack cannot run this file (" + needs.where.to_string() + "): " + missing;
}

std::optional<std::string> services_missing(const ServiceNeeds& needs, const stack::StackFile& stack) {
  if (auto missing = identity_provider_missing(needs, stack)) return missing;
  std::string missing;
  for (const auto& name : needs.services) {
    if (!stack.find_service(name)) missing += (missing.empty() ? "" : ", ") + name;
  }
  if (missing.empty()) return std::nullopt;
  std::string why = "not applicable: the stack has no " + missing + " (" + needs.where.to_string();
  // Where `up` left a service out, it said why in the stack file (OPA not installed, …).
  for (const auto& name : needs.services) {
    if (const auto left_out = stack.services_left_out.find(name); left_out != stack.services_left_out.end()) {
      why += "; " + name + " was left out: " + left_out->second;
    }
  }
  return why + "; point an entry of an external stack file at such a server, docs/target-profiles.md)";
}

std::optional<std::string> services_missing(const ScenarioFile& file, const Scenario& scenario, const stack::StackFile& stack) {
  if (auto missing = services_missing(static_cast<const ServiceNeeds&>(file.needs), stack)) return missing;
  return services_missing(scenario.needs, stack);
}


namespace {

// What of the scenario only an operator of the identity provider does (users it makes, a user
// disabled or signed out, a key rotated), when the harness only signs in there; nullopt when
// the provider is the harness's to administer, or the scenario asks nothing of it.
std::optional<std::string> administration_needed(const ScenarioFile& file, const Scenario& scenario, const stack::StackFile& stack) {
  if (stack.identity_provider().administered()) return std::nullopt;
  std::string needed;
  if (file.needs.generated_users > 0) {
    needed = "it needs generated users user0001–" + fixtures::generated_user(file.needs.generated_users).username +
             " made at the identity provider (" + file.needs.where.to_string() + ")";
  }
  for (const auto& step : scenario.steps) {
    if (!needed.empty()) break;
    if (const auto* idp = step.get_if<IdpStep>()) {
      needed = "it changes the identity provider as its operator would (idp: " + to_string(idp->action) + ")";
    }
    // The exchange for Vault's audience is an MCP server's client's, which only an administered
    // provider's fixtures give the harness: the user's own token would be refused, for nothing Vault did.
    const auto* vault = step.get_if<VaultStep>();
    if (vault && vault->login == VaultLogin::exchanged && step.as != "root") {
      needed = "it logs in to Vault as an MCP server does, with a token exchanged at the identity provider by a "
               "server's client (vault: " + std::string(vault->whoami ? "whoami" : vault->path) + ")";
    }
  }
  if (needed.empty()) return std::nullopt;
  return "not applicable: " + needed + ", and the identity provider is not administered by the harness (services." +
         stack.identity_provider().service() + ")";
}

}  // namespace

std::optional<std::string> not_applicable(const ScenarioFile& file, const Scenario& scenario, const stack::StackFile& stack,
                                          const ServersCalled& servers_called) {
  if (auto needed = administration_needed(file, scenario, stack)) return needed;
  if (auto missing = services_missing(file, scenario, stack)) return missing;
  for (const ServiceNeeds* needs : {static_cast<const ServiceNeeds*>(&file.needs), &scenario.needs}) {
    if (needs->auth.empty() && needs->capabilities.empty()) continue;
    if (auto lacking = target_lacks(*needs, targets_of(*needs, file, scenario, stack, servers_called), stack)) return lacking;
  }
  if (auto mismatch = transport_mismatch(scenario, stack, servers_called)) return mismatch;
  if (auto mismatch = era_mismatch(scenario, stack, servers_called)) return mismatch;
  if (auto out_of_reach = faults_out_of_reach(scenario, stack, servers_called)) return out_of_reach;
  if (auto cannot = trust_domain_cannot(scenario, stack)) return cannot;
  if (auto unscoped = write_scope_missing(scenario, stack, servers_called)) return unscoped;
  if (auto flat = broader_scope_missing(scenario, stack, servers_called)) return flat;
  return clients_missing(scenario, stack, servers_called);
}

}  // namespace mcph::harness::scenario
