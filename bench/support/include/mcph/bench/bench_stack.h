#pragma once
// The stack a benchmark measures: one named by a stack file (`--stack [LABEL=]FILE`, any
// deployment: local, compose or external), or, without --stack, a local stack the program
// starts itself on first use and stops at exit. That one runs under a supervisor (`mcp-harness
// supervise`, attached), so a benchmark stopped by a signal, even SIGKILL, leaves no process and
// no temporary directory behind. Each benchmark's name carries its stack's label
// (`…/stack:LABEL`), so two stacks measured in one run, or two runs, compare name by name
// (mcp-bench-compare).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_params.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/harness/stack/stack_file.h"

namespace mcph::bench {

// Who the benchmarks act as: the realm's confidential client, a user with every credential
// (alice in the fixtures), and how many generated users (user0001…) the stack has.
struct Identities {
  std::string client_id = "mcp-client";
  std::string client_secret = "mcp-client-secret";
  std::string username = "alice";
  std::string password = "alice123";
  int generated_users = 0;
};

class BenchStack {
 public:
  // A stack file. Throws std::runtime_error naming the file when it cannot be read or parsed.
  static std::shared_ptr<BenchStack> from_file(std::string label, const std::string& path);
  // A local stack, brought up on the first call of stack() and stopped by down() or at exit.
  static std::shared_ptr<BenchStack> local(harness::stack::StackParams options, std::string label = "local");
  ~BenchStack();

  const std::string& label() const { return label_; }
  const std::string& origin() const { return origin_; }  // the file, or "local"
  const harness::stack::StackFile& stack();
  std::string realm_url();  // <keycloak>/realms/<realm>
  // An access token of `username` from the stack's IdP (password grant with the benchmark's
  // client; on a Cognito stack InitiateAuth with its app client). Throws std::runtime_error
  // naming the user when the IdP refuses.
  std::string access_token(const Identities& who, const std::string& username, const std::string& password);
  void down();

 private:
  BenchStack() = default;
  std::string label_;
  std::string origin_;
  std::optional<harness::stack::StackFile> file_;
  harness::stack::StackParams local_options_;
  std::unique_ptr<harness::stack::SupervisedStack> local_;
};

// `--stack` values: "LABEL=FILE" or "FILE" (label: the stack file's "label" key if any, else
// the name of the folder holding the file). Labels must be distinct and made of
// [A-Za-z0-9_.-]; throws std::invalid_argument otherwise.
std::vector<std::shared_ptr<BenchStack>> stacks_from_flags(const std::vector<std::string>& values,
                                                           const harness::stack::StackParams& local);

// "name/stack:label": the benchmark names every program registers.
std::string bench_name(const std::string& name, const BenchStack& stack);

}  // namespace mcph::bench
