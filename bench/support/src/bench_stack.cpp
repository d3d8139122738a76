#include "mcph/bench/bench_stack.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/oidc/token_client.h"

namespace mcph::bench {
namespace {

bool valid_label(const std::string& label) {
  return !label.empty() && std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

std::shared_ptr<BenchStack> BenchStack::from_file(std::string label, const std::string& path) {
  std::shared_ptr<BenchStack> stack(new BenchStack());
  stack->label_ = std::move(label);
  stack->origin_ = path;
  stack->file_ = harness::stack::StackFile::load(path);
  return stack;
}

std::shared_ptr<BenchStack> BenchStack::local(harness::stack::StackParams options, std::string label) {
  std::shared_ptr<BenchStack> stack(new BenchStack());
  stack->label_ = std::move(label);
  stack->origin_ = "local";
  stack->local_options_ = std::move(options);
  return stack;
}

BenchStack::~BenchStack() { down(); }

const harness::stack::StackFile& BenchStack::stack() {
  if (!file_) {
    harness::stack::SupervisedStackOptions options;
    options.stack = local_options_;
    local_ = harness::stack::SupervisedStack::start(std::move(options));
    file_ = local_->stack();
  }
  return *file_;
}

std::string BenchStack::realm_url() {
  const auto& file = stack();
  return file.service("keycloak").url + "/realms/" + file.realm;
}

std::string BenchStack::access_token(const Identities& who, const std::string& username, const std::string& password) {
  try {
    // For every MCP server of the stack (each takes only its own audience).
    const harness::idp::UserSignIn user{username, password, who.client_id, who.client_secret, harness::stack::mcp_scopes(stack())};
    return stack().identity_provider().sign_in(stack().identity_provider_site(), user).tokens.access_token;
  } catch (const oidc::OidcError& e) {
    throw std::runtime_error("stack " + label_ + ": the IdP refused a token for " + username + " (" + e.error() + ")");
  }
}

void BenchStack::down() {
  if (local_) local_->stop();
  local_.reset();
}

std::vector<std::shared_ptr<BenchStack>> stacks_from_flags(const std::vector<std::string>& values,
                                                           const harness::stack::StackParams& local) {
  std::vector<std::shared_ptr<BenchStack>> stacks;
  if (values.empty()) {
    stacks.push_back(BenchStack::local(local));
    return stacks;
  }
  std::set<std::string> labels;
  for (const auto& value : values) {
    std::string label, path = value;
    if (const auto eq = value.find('='); eq != std::string::npos) {
      label = value.substr(0, eq);
      path = value.substr(eq + 1);
    } else {
      label = std::filesystem::absolute(path).parent_path().filename().string();
    }
    if (!valid_label(label)) {
      throw std::invalid_argument("--stack " + value + ": the label '" + label +
                                  "' must be letters, digits, '_', '.' or '-' (give one: --stack LABEL=FILE)");
    }
    if (!labels.insert(label).second) {
      throw std::invalid_argument("--stack " + value + ": the label '" + label +
                                  "' is already taken (give another: --stack LABEL=FILE)");
    }
    stacks.push_back(BenchStack::from_file(label, path));
  }
  return stacks;
}

std::string bench_name(const std::string& name, const BenchStack& stack) { return name + "/stack:" + stack.label(); }

}  // namespace mcph::bench
