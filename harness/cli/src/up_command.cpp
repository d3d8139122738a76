// mcp-harness up: a detached supervisor runs the local stack; up returns once it is ready.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/secrets/mask.h"
#include "stack_location.h"
#include "stack_progress.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int) { g_interrupted = 1; }

// "keycloak http://127.0.0.1:…, vault …": each service behind the fault proxy and the address
// the stack file gives the servers for it (url_for_servers); "" without a fault proxy.
std::string fault_proxy_addresses(const stack::StackFile& stack) {
  std::string listed;
  for (const std::string& name : stack::fault_proxy_targets()) {
    const auto it = stack.services.find(name);
    if (it == stack.services.end() || it->second.url_for_servers.empty()) continue;
    listed += (listed.empty() ? "" : ", ") + name + " " + secrets::mask_url_password(it->second.url_for_servers);
  }
  return listed;
}

}  // namespace

int up_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Starts a stack on free loopback ports (PostgreSQL, Keycloak, Vault, mock Jira and GitHub, jira-mcp,\n"
      "github-mcp, postgres-mcp), provisions it, writes RUN_DIR/stack.json and returns once everything\n"
      "is ready. --mode local uses the project's stand-ins for Keycloak and Vault; --mode real the real\n"
      "servers (installed by scripts/bootstrap --real); --mode compose docker/compose.yaml's containers on\n"
      "the demo's ports, and also writes RUN_DIR/stack.inside.json, the stack as a container on its\n"
      "network reaches it. The defaults provision what every scenario file under scenarios/ needs (130\n"
      "generated users, 20 calls per second per user). A detached supervisor process owns the stack; it\n"
      "keeps running after this command ends, until `mcp-harness down` (or --ttl). Its output goes to\n"
      "RUN_DIR/supervisor.log, each service's to RUN_DIR/<service>.log.");
  flags.option("run-dir", kDefaultRunDir, "directory for stack.json, the logs and PostgreSQL's data")
      .option("ttl", "0", "seconds after which the supervisor stops the stack by itself (0 = never)")
      .toggle("verbose", "show every item provisioned (else a line that counts them)");
  // The scenario suites' profile by default, so that `up` then `run` runs every scenario file.
  stack::declare_stack_flags(flags, stack::scenario_suite_params());
  flags.parse(argc, argv);
  stack::StackParams params;
  try {
    params = stack::stack_params_from(flags);
  } catch (const std::invalid_argument& e) {
    return mcph::cli::print_usage_error(program, e.what());
  }
  const int ttl = flags.get_int("ttl");
  if (ttl < 0) return mcph::cli::print_usage_error(program, "--ttl must not be negative");
  if (flags.get("run-dir").empty()) return mcph::cli::print_usage_error(program, "--run-dir must not be empty");

  const fs::path run_dir = fs::absolute(flags.get("run-dir"));
  if (stack::supervisor_running_in(run_dir)) {
    std::string who;
    try {
      const stack::StackFile running = stack::StackFile::load(run_dir / "stack.json");
      if (running.supervisor) who = " (supervisor pid " + std::to_string(running.supervisor->pid) + ")";
    } catch (const std::exception&) {
      // Still starting, or unreadable: the lock alone says a supervisor runs there.
    }
    std::fprintf(stderr,
                 "%s: a stack is already running in %s%s; not starting a second one.\n"
                 "Stop it with 'mcp-harness down --run-dir %s', or use another --run-dir.\n",
                 program.c_str(), run_dir.c_str(), who.c_str(), run_dir.c_str());
    return 1;
  }

  stack::SupervisedStackOptions options;
  options.stack = params;
  options.stack.run_dir = run_dir;
  options.ttl = std::chrono::seconds(ttl);
  options.lifetime = stack::StackLifetime::detached;
  options.harness_binary = this_binary();  // our own binary runs the supervisor, wherever installed
  options.progress = stack_progress(flags.on("verbose"));
  // Ctrl-C (or SIGTERM/SIGHUP) while the stack starts: the detached supervisor would run on
  // without us, so it is stopped instead.
  options.cancelled = [] { return g_interrupted != 0; };
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signo, &action, nullptr);

  std::printf("starting the %s stack in %s (supervisor log: %s)\n", to_string(params.mode), run_dir.c_str(),
              (run_dir / "supervisor.log").c_str());
  std::fflush(stdout);
  try {
    const auto stack = stack::SupervisedStack::start(options);
    std::printf("stack file: %s\n", stack->stack_file().c_str());
    if (const std::string addresses = fault_proxy_addresses(stack->stack()); !addresses.empty()) {
      std::printf("to put your own MCP servers behind the fault proxy, point them at: %s\n", addresses.c_str());
    }
    const std::string until = ttl > 0 ? " (or for " + std::to_string(ttl) + " s at most)" : "";
    std::printf("supervisor pid %d runs the stack until 'mcp-harness down --run-dir %s'%s\n",
                static_cast<int>(stack->supervisor_pid()), run_dir.c_str(), until.c_str());
    return 0;
  } catch (const stack::StartCancelled& e) {
    std::fprintf(stderr, "%s: interrupted: %s\n", program.c_str(), e.what());
    return 130;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: the stack did not come up: %s\n(supervisor log: %s)\n", program.c_str(), e.what(),
                 (run_dir / "supervisor.log").c_str());
    return 1;
  }
}

}  // namespace mcph::harness::cli
