// mcp-harness up: a detached supervisor runs the local stack; up returns once it is ready.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/supervised_stack.h"
#include "stack_location.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int) { g_interrupted = 1; }

int bad_flag(const std::string& program, const std::string& message) {
  std::fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program.c_str(), message.c_str(), program.c_str());
  return 2;
}

}  // namespace

int up_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Starts the local stack (PostgreSQL, mock-keycloak, mock-vault, mock-jira, mock-github, jira-mcp,\n"
      "github-mcp, postgres-mcp on free loopback ports), provisions it, writes RUN_DIR/stack.json and\n"
      "returns once everything is ready. A detached supervisor process owns the stack; it keeps running\n"
      "after this command ends, until `mcp-harness down` (or --ttl). Its output goes to\n"
      "RUN_DIR/supervisor.log, each service's to RUN_DIR/<service>.log.");
  flags.option("run-dir", kDefaultRunDir, "directory for stack.json, the logs and PostgreSQL's data")
      .option("users", "0", "generated users (user0001, ...) to provision besides alice, bob and carol")
      .option("rate-limit", "20", "MCP servers' per-subject request limit per window (0 = no limit; the "
                                  "scenario suites expect 20)")
      .option("rate-window-ms", "1000", "the rate limit's window in milliseconds")
      .option("ttl", "0", "seconds after which the supervisor stops the stack by itself (0 = never)")
      .option("ready-timeout-ms", "15000", "how long each service may take to be ready")
      .option("fixtures", "", "fixtures directory [default: the source tree's fixtures/, or $MCPH_FIXTURES_DIR]");
  flags.parse(argc, argv);
  const int users = flags.get_int("users");
  const int rate_limit = flags.get_int("rate-limit");
  const int rate_window_ms = flags.get_int("rate-window-ms");
  const int ttl = flags.get_int("ttl");
  const int ready_timeout_ms = flags.get_int("ready-timeout-ms");
  if (users < 0 || users > 10000) return bad_flag(program, "--users must be between 0 and 10000");
  if (rate_limit < 0) return bad_flag(program, "--rate-limit must not be negative");
  if (rate_window_ms <= 0) return bad_flag(program, "--rate-window-ms must be positive");
  if (ttl < 0) return bad_flag(program, "--ttl must not be negative");
  if (ready_timeout_ms <= 0) return bad_flag(program, "--ready-timeout-ms must be positive");
  if (flags.get("run-dir").empty()) return bad_flag(program, "--run-dir must not be empty");

  const fs::path run_dir = fs::absolute(flags.get("run-dir"));
  if (supervisor_running_in(run_dir)) {
    std::string who;
    try {
      const StackFile running = StackFile::load(run_dir / "stack.json");
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

  SupervisedStackOptions options;
  options.run_dir = run_dir;
  options.fixtures_dir = flags.get("fixtures");
  options.generated_users = users;
  options.rate_limit = rate_limit;
  options.rate_window_ms = rate_window_ms;
  options.ready_timeout = std::chrono::milliseconds(ready_timeout_ms);
  options.ttl = std::chrono::seconds(ttl);
  options.lifetime = StackLifetime::detached;
  options.harness_binary = this_binary();  // our own binary runs the supervisor, wherever installed
  options.progress = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  // Ctrl-C (or SIGTERM/SIGHUP) while the stack starts: the detached supervisor would run on
  // without us, so it is stopped instead.
  options.cancelled = [] { return g_interrupted != 0; };
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signo, &action, nullptr);

  std::printf("starting the local stack in %s (supervisor log: %s)\n", run_dir.c_str(),
              (run_dir / "supervisor.log").c_str());
  std::fflush(stdout);
  try {
    const auto stack = SupervisedStack::start(options);
    std::printf("stack file: %s\n", stack->stack_file().c_str());
    const std::string until = ttl > 0 ? " (or for " + std::to_string(ttl) + " s at most)" : "";
    std::printf("supervisor pid %d runs the stack until 'mcp-harness down --run-dir %s'%s\n",
                static_cast<int>(stack->supervisor_pid()), run_dir.c_str(), until.c_str());
    return 0;
  } catch (const StartCancelled& e) {
    std::fprintf(stderr, "%s: interrupted: %s\n", program.c_str(), e.what());
    return 130;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: the stack did not come up: %s\n(supervisor log: %s)\n", program.c_str(), e.what(),
                 (run_dir / "supervisor.log").c_str());
    return 1;
  }
}

}  // namespace mcph::harness::cli
