// mcp-harness status: each service of a stack, whether its process lives and whether it answers.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/stack/service_health.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/secrets/mask.h"
#include "stack_location.h"
#include "mcph/text/join.h"

namespace mcph::harness::cli {
namespace {

// The service table's order first, then any other service a hand-written file names.
std::vector<std::string> service_order(const stack::StackFile& stack) {
  std::vector<std::string> order;
  for (const auto& row : stack::service_table()) {
    if (stack.services.count(row.name)) order.push_back(row.name);
  }
  for (const auto& [name, service] : stack.services) {
    bool listed = false;
    for (const auto& known : order) listed = listed || known == name;
    if (!listed) order.push_back(name);
  }
  return order;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

}  // namespace

int status_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(program,
                         "Shows each service of a stack: its URL, its pid and whether that process is alive (local\n"
                         "mode), and whether it answers: GET /health for MCP servers, Keycloak's OpenID discovery\n"
                         "document, Vault's /v1/sys/health, a TCP connection for the others. Works for external\n"
                         "stack files too. Exit status 0 when everything is up, 1 otherwise.");
  add_stack_flags(flags);
  flags.option("timeout-ms", "2000", "how long each probe may take");
  flags.parse(argc, argv);
  const int timeout_ms = flags.get_int("timeout-ms");
  if (timeout_ms <= 0) {
    return mcph::cli::print_usage_error(program, "--timeout-ms must be positive");
  }
  const auto path = stack_file_from(flags, program);
  if (!std::filesystem::exists(path)) {
    std::printf("no stack file at %s: no stack is up there (start one with 'mcp-harness up')\n", path.c_str());
    return 1;
  }
  stack::StackFile stack;
  try {
    stack = stack::StackFile::load(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 1;
  }

  std::printf("stack %s (mode %s, realm %s)\n", path.c_str(), to_string(stack.mode), stack.realm.c_str());
  std::vector<std::string> down;
  if (stack.supervisor) {
    const bool alive = stack::process_is(stack.supervisor->pid, stack.supervisor->start_ticks);
    std::printf("  %s pid %-7d %s\n", padded("supervisor", 13).c_str(), stack.supervisor->pid,
                alive ? "alive" : "GONE");
    if (!alive) down.emplace_back("supervisor");
  }
  const std::uint64_t not_before = stack.supervisor ? stack.supervisor->start_ticks : 0;
  for (const auto& name : service_order(stack)) {
    const stack::ServiceEntry& service = stack.services.at(name);
    std::string process;
    bool up = true;
    if (service.pid > 0) {
      const bool alive = stack.supervisor ? stack::service_process_alive(service.pid, not_before) : stack::process_alive(service.pid);
      process = "pid " + padded(std::to_string(service.pid), 7) + " " + (alive ? "alive" : "GONE ");
      up = alive;
    } else {
      process = padded("", 17);
    }
    const stack::Health health = stack::check_health(name, service, stack.realm, std::chrono::milliseconds(timeout_ms));
    up = up && health.ok;
    if (!up) down.push_back(name);
    std::printf("  %s %s %s %s  %s: %s\n", padded(name, 13).c_str(),
                padded(service.implementation.empty() ? "external" : service.implementation, 9).c_str(),
                padded(secrets::mask_url_password(service.url), 50).c_str(), process.c_str(), health.ok ? "healthy" : "UNHEALTHY", health.detail.c_str());
  }
  if (down.empty()) {
    std::printf("all %zu services up\n", stack.services.size());
    return 0;
  }
  std::printf("not up: %s\n", text::join(down).c_str());
  return 1;
}

}  // namespace mcph::harness::cli
