// mcp-harness probe: finds out what it can of an MCP server and writes a starting stack file.
#include <cstdio>
#include <stdexcept>

#include "commands.h"
#include "family_applicability.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/idp/token_command.h"
#include "mcph/harness/scenario/target_probe.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/proc/private_file.h"
#include "mcph/text/words.h"
#include "probe_stack_file.h"
#include "run_summary.h"
#include "scenario_selection.h"

namespace mcph::harness::cli {
namespace {

void print_lines(const char* heading, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  std::printf("%s\n", heading);
  for (const auto& line : lines) std::printf("  %s\n", line.c_str());
}

}  // namespace

int probe_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Finds out what it can of the MCP server at URL and writes a starting stack file for it (external\n"
      "mode, JSON with comment lines; mode 0600): its transport and protocol era (Streamable HTTP, newest era\n"
      "first; an HTTP+SSE stream; plain JSON-RPC), its 401 challenge, its protected-resource metadata (RFC 9728),\n"
      "its authorization servers' metadata (RFC 8414, OpenID Connect discovery) and JWKS, its tools (and a GUESS\n"
      "at the tool map for reading, writing, listing and deleting a secret) and an OpenAPI document. It asks only\n"
      "URL's origin and loopback addresses, each request within --timeout-ms. It prints what it found, what it\n"
      "could not tell, and the families that do not apply to the file until those are filled in.\n"
      "Exit code: 0 when the file was written, 4 when the server was not reached or no MCP transport answered\n"
      "(as run's inconclusive), 1 when the file could not be written, 2 for usage errors.");
  flags.positionals("URL", "the server's MCP endpoint (http://host:port/mcp, or its …/sse stream)")
      .option("out", "probed.stack.json", "write the stack file here")
      .option("name", "probed-mcp", "the server's entry name in the stack file")
      .option("token-command", "",
              "a command that prints a token to call the server with (its words split on spaces, run without a "
              "shell); the token is sent as a Bearer credential, never printed or written")
      .option("timeout-ms", "5000", "how long each request may take to connect and to answer");
  flags.parse(argc, argv);
  if (flags.positional().size() != 1) {
    return mcph::cli::print_usage_error(program, "give one URL");
  }
  const std::string url = flags.positional().front();
  scenario::ProbeOptions options;
  options.timeout = std::chrono::milliseconds(flags.get_int("timeout-ms"));
  if (options.timeout.count() <= 0) {
    std::fprintf(stderr, "%s: --timeout-ms must be a positive number of milliseconds\n", program.c_str());
    return 2;
  }
  if (!flags.get("token-command").empty()) {
    try {
      // The token is only ever sent to the probed server, never printed, logged or written.
      options.token = idp::run_token_command("probe", text::words(flags.get("token-command")));
    } catch (const std::runtime_error& e) {
      std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
      return 2;
    }
  }
  scenario::ProbeFacts facts;
  try {
    facts = scenario::probe_target(url, options);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s: %s\n", program.c_str(), url.c_str(), e.what());
    return 2;
  }
  if (!facts.not_reached.empty()) {
    std::fprintf(stderr, "%s: %s not reached: %s\nNothing written: is the server running, and is that its URL?\n",
                 program.c_str(), url.c_str(), facts.not_reached.c_str());
    return kExitInconclusive;
  }

  const ProbedStack written = probed_stack_file(facts, flags.get("name"));
  std::string not_applicable;
  try {
    const stack::StackFile stack = stack::StackFile::parse(written.text, flags.get("out"));
    not_applicable = families_not_applicable(stack, select_scenarios({}, {}, {}));
    proc::write_private_file(flags.get("out"), written.text);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: writing %s: %s\n", program.c_str(), flags.get("out").c_str(), e.what());
    return 1;
  }
  std::printf("probed %s\n", url.c_str());
  print_lines("found:", facts.found);
  print_lines("unknown (fill these in):", written.unknowns);
  if (!not_applicable.empty()) std::printf("until then:\n%s", not_applicable.c_str());
  std::printf("wrote %s (a starting point: check every value)\n", flags.get("out").c_str());
  std::fflush(stdout);
  return !facts.transport && !facts.challenge ? kExitInconclusive : 0;
}

}  // namespace mcph::harness::cli
