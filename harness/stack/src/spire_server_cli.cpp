#include "mcph/harness/stack/spire_server_cli.h"

#include <stdexcept>

#include "mcph/proc/child_process.h"

namespace mcph::harness::stack {

std::vector<std::string> SpireServerCli::argv(const std::vector<std::string>& arguments) const {
  std::vector<std::string> line = {binary.string()};
  line.insert(line.end(), arguments.begin(), arguments.end());
  line.insert(line.end(), {"-socketPath", socket.string()});
  return line;
}

std::string SpireServerCli::run(const std::vector<std::string>& arguments, bool quote_output) const {
  proc::SpawnOptions options;
  options.name = "spire-server";
  for (std::size_t i = 0; i < arguments.size() && i < 3 && arguments[i].rfind('-', 0) != 0; ++i) {
    options.name += " " + arguments[i];  // the subcommand: "spire-server localauthority jwt show"
  }
  options.argv = argv(arguments);
  const proc::CommandResult result = proc::run_command(options, std::chrono::seconds(60));
  if (result.exit_code != 0) {
    throw std::runtime_error(options.name + " failed (exit " + std::to_string(result.exit_code) + ")" +
                             (quote_output ? ": " + result.output : ""));
  }
  return result.output;
}

std::optional<SpireServerCli> spire_server_of(const ServiceEntry& spiffe) {
  if (spiffe.implementation != "native") return std::nullopt;
  if (spiffe.spire_server.empty() || spiffe.spire_admin_socket.empty()) {
    throw std::runtime_error("the stack's spiffe entry is the real SPIRE but names no spire_server and "
                             "spire_admin_socket (a stack file written by an older mcp-harness up?)");
  }
  return SpireServerCli{spiffe.spire_server, spiffe.spire_admin_socket};
}

}  // namespace mcph::harness::stack
