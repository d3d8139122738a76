#include "mcph/harness/stack/local_stack.h"

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/network_view.h"
#include "mcph/postgres/server.h"
#include "mcph/secrets/mask.h"
#include "stack_context.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

// "13 ms", "18.2 s": a bring-up time as a person reads it.
std::string duration_text(std::chrono::milliseconds ms) {
  if (ms.count() < 1000) return std::to_string(ms.count()) + " ms";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

}  // namespace

void LocalStack::say(const std::string& line) const {
  if (progress_) progress_(line);
}

std::unique_ptr<LocalStack> LocalStack::up(StackParams params, Progress progress) {
  if (params.mode == StackMode::external) {
    throw std::invalid_argument("an external stack is not started: write its stack file and pass it with --stack");
  }
  std::unique_ptr<LocalStack> stack(new LocalStack());
  stack->params_ = std::move(params);
  stack->progress_ = std::move(progress);
  StackParams& p = stack->params_;
  if (p.fixtures_dir.empty()) p.fixtures_dir = fixtures::default_fixtures_dir();
  if (p.run_dir.empty()) {
    stack->temp_.emplace("mcph-stack");
    stack->run_dir_ = stack->temp_->path();
  } else {
    stack->run_dir_ = fs::absolute(p.run_dir);
    fixtures::create_private_directory(stack->run_dir_);
  }
  stack->stack_.mode = p.mode;
  stack->stack_.idp = p.idp;
  stack->stack_.generated_users = p.generated_users;

  StackContext context{p, stack->run_dir_, p.fixtures_dir, stack->stack_,
                       [&](const std::string& line) { stack->say(line); }, {}, {}, {}, {}};
  try {
    stack->start_all(context);
  } catch (...) {
    stack->down();
    throw;
  }
  return stack;
}

provision::ProvisionTarget provision_target(const StackFile& stack) {
  provision::ProvisionTarget target;
  target.realm = stack.realm;
  // Keycloak's admin API, for what only a Keycloak stack has (the agents' service accounts, the
  // workload-identity design).
  if (const ServiceEntry* keycloak = stack.find_service("keycloak")) {
    target.keycloak_url = keycloak->url;
    target.keycloak_admin_user = keycloak->idp.user();
    target.keycloak_admin_password = keycloak->idp.password();
  }
  target.vault_url = stack.service("vault").url;
  target.vault_token = stack.service("vault").vault.token;
  if (stack.services.count("postgres")) {
    const ServiceEntry& postgres = stack.service("postgres");
    target.postgres_url = postgres.url_inside.empty() ? postgres.url : postgres.url_inside;
  }
  return target;
}

provision::ProvisionTarget LocalStack::provision_target() const { return stack::provision_target(stack_); }

void LocalStack::start_all(StackContext& context) {
  // The mock backends accept the fixture users' credentials and the generated users'.
  context.secrets_file = fixtures::write_backend_secrets(run_dir_, params_.fixtures_dir, params_.generated_users);

  say(std::string("stack: ") + to_string(params_.mode) + " mode, run dir " + run_dir_.string());
  const idp::IdentityProvider& provider = stack_.identity_provider();
  bool provisioned = false;
  for (const ServiceRow& row : service_table()) {
    if (row.identity_provider_row && !provider.brings_up(row.name)) continue;  // another provider's
    const ServiceImplementation* implementation = row.implementation_in(params_.mode);
    if (!implementation && row.optional) {
      if (row.name != kFaultProxyService) say(row.name + ": not started: it has no implementation in " + to_string(params_.mode) + " mode");
      continue;
    }
    if (row.name == kFaultProxyService && !params_.fault_proxy) {
      say(row.name + ": not started (--no-fault-proxy): the MCP servers reach each service directly");
      continue;
    }
    if (!implementation) {
      throw std::runtime_error("service " + row.name + " has no implementation in " + to_string(params_.mode) +
                               " mode");
    }
    if (row.stage == Stage::after_provisioning && !provisioned) {
      say("provisioning: " + provider.provisions() + ", Vault auth, policy, entities, secrets, database roles");
      provision::ProvisionOptions options;
      options.fixtures_dir = params_.fixtures_dir;
      options.generated_users = params_.generated_users;
      options.progress = progress_;
      idp::IdentityProviderSite site = stack_.identity_provider_site(params_.fixtures_dir);
      site.realm_file = params_.realm_file;
      provisioned_ = provider.provision(site, provision_target(), options);
      provisioned = true;
      // What provisioning made (a Cognito pool): what the MCP servers trust and users sign in to.
      stack_.services.at(provider.service()).idp = site.fields;
    }
    say(row.name + ": starting " + implementation->what + " (" + to_string(implementation->kind) + ")");
    std::unique_ptr<RunningService> running;
    try {
      running = std::make_unique<RunningService>(implementation->start(context));
    } catch (const ServiceSkipped& skipped) {
      if (!row.optional) throw std::runtime_error(row.name + ": " + skipped.what());
      say(row.name + ": skipped: " + skipped.what());
      stack_.services_left_out[row.name] = skipped.what();
      continue;
    }
    running->name = row.name;
    ServiceEntry& entry = stack_.services[row.name];
    entry = running->entry;
    entry.implementation = to_string(implementation->kind);
    running_.push_back(std::move(running));
    say("  " + row.name + " ready at " + secrets::mask_url_password(entry.url) + " (" +
        std::to_string(running_.back()->took.count()) + " ms)");
  }
  provision_mcp_servers();
  if (context.postgres) postgres_conninfo_ = context.postgres->conninfo();
  stack_.save(run_dir_ / "stack.json");
  if (has_network_view(stack_)) {
    seen_from_the_stack_network(stack_).save(run_dir_ / kNetworkStackFileName);
    say(std::string("stack: the stack as its own network reaches it, for a harness in a container there: ") +
        (run_dir_ / kNetworkStackFileName).string());
  }
  std::string times;
  for (const auto& running : running_) {
    times += (times.empty() ? "" : ", ") + running->name + " " + duration_text(running->took);
  }
  say("stack: bring-up times: " + times);
  say("stack: up, stack file " + (run_dir_ / "stack.json").string());
}

// Once the MCP servers run, the identity provider learns their resource URLs: a client scope per
// server (named like it) whose tokens carry that URL as audience, and its client's id (the
// exchange to a Vault token), and a scope its tools that write need besides. The stack file
// names each server's scopes and client.
void LocalStack::provision_mcp_servers() {
  // A Cognito pool has no per-resource scopes nor clients of the servers: its access tokens name
  // no audience, and the servers check the app client instead (docs/modes.md).
  const idp::IdentityProvider& provider = stack_.identity_provider();
  if (!provider.scopes_per_mcp_server()) return;
  std::vector<provision::McpResource> resources;
  for (const ServiceRow& row : service_table()) {
    if (!row.users_mcp_server()) continue;
    ServiceEntry& entry = stack_.services[row.name];
    entry.mcp.scope = row.name;
    entry.mcp.client_id = row.name;
    entry.mcp.write_scope = row.name + ".write";  // the servers' --write-scope default
    entry.mcp.broader_scope = row.name + ".admin";  // and their --broader-scope default
    resources.push_back({row.name, entry.url, row.name, entry.mcp.write_scope, entry.mcp.broader_scope});
  }
  say("provisioning: a client scope per MCP server (its resource URL as audience)");
  provision::ProvisionOptions options;
  options.fixtures_dir = params_.fixtures_dir;
  options.progress = progress_;
  provider.provision_mcp_resources(stack_.identity_provider_site(params_.fixtures_dir), resources, options);
}

std::string LocalStack::postgres_conninfo() const { return postgres_conninfo_; }

void LocalStack::down() {
  // Reverse order: MCP servers, then the mocks (mock-vault revokes its database roles while
  // PostgreSQL still runs), then PostgreSQL.
  for (auto it = running_.rbegin(); it != running_.rend(); ++it) {
    if ((*it)->stop) (*it)->stop();
  }
  running_.clear();
  temp_.reset();
}

LocalStack::~LocalStack() { down(); }

}  // namespace mcph::harness::stack
