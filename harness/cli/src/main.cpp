// mcp-harness: brings up the local stack and runs scenario suites against it (docs/design.md).
//
//   mcp-harness --help                  the commands
//   mcp-harness --version               the version
//   mcp-harness <command> --help        a command's flags
//
// Hidden: `mcp-harness supervise` is the process that owns a local stack; `up` and
// SupervisedStack start it (see harness/stack/include/mcph/harness/stack/supervised_stack.h).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "mcph/cli/flags.h"

namespace {

using mcph::harness::cli::Command;

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"up", "start the local stack in the background and write its stack file", mcph::harness::cli::up_command},
      {"status", "show each service of a stack: url, pid, alive, healthy", mcph::harness::cli::status_command},
      {"run", "run scenario files against a stack and write JUnit and HTML reports", mcph::harness::cli::run_command},
      {"merge", "merge the result directories of a sharded run's workers into one verdict and reports",
       mcph::harness::cli::merge_command},
      {"replay", "run a recorded trace again and show what differs", mcph::harness::cli::replay_command},
      {"down", "stop the stack that `up` started and remove its stack file", mcph::harness::cli::down_command},
      {"probe", "find out what an MCP server offers and write a starting stack file for it",
       mcph::harness::cli::probe_command},
      {"reference", "print the scenario-format reference (step and expectation kinds), or the families table, as Markdown",
       mcph::harness::cli::reference_command},
      {"supervise", "run a local stack in the foreground until SIGTERM/SIGINT/SIGHUP (internal)",
       mcph::harness::cli::supervise_command, true},
  };
  return table;
}

void print_usage(std::FILE* out) {
  std::fputs("Usage: mcp-harness <command> [flags]\n"
             "A test harness for MCP servers that act for a user with that user's Vault credentials.\n\n"
             "Commands:\n",
             out);
  for (const auto& command : commands()) {
    if (command.hidden) continue;
    std::string left = "  " + std::string(command.name);
    if (left.size() < 12) left.resize(12, ' ');
    std::fprintf(out, "%s %.*s\n", left.c_str(), static_cast<int>(command.summary.size()), command.summary.data());
  }
  std::fputs("\nRun 'mcp-harness <command> --help' for a command's flags, 'mcp-harness --version' for the version.\n", out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  if (name == "--version" || name == "version") {
    std::printf("mcp-harness %s\n", MCPH_VERSION);
    return 0;
  }
  for (const auto& command : commands()) {
    if (command.name != name) continue;
    // The command sees "mcp-harness <command>" as its program name, then its own flags.
    std::string program = "mcp-harness " + name;
    std::vector<char*> args = {program.data()};
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    return command.run(static_cast<int>(args.size() - 1), args.data());
  }
  return mcph::cli::print_usage_error("mcp-harness", "unknown command '" + name + "'");
}
