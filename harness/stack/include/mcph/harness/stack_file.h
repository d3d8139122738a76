#pragma once
// The stack file of DESIGN.md (a public interface): every service's URL and, in local mode,
// its pid and log. `mcp-harness up` writes it; every later command finds the stack through it;
// in external mode a user writes it by hand.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mcph::harness {

struct ServiceEntry {
  std::string url;
  int pid = 0;                 // local mode only
  std::string log;             // local mode only
  // implementation (service_table.h), admin_user, admin_password, token, audit_log, transport,
  // rate_limit, health_url, version, url_for_servers (a service behind the stack's fault proxy:
  // the address the MCP servers must use to be behind it), …
  std::map<std::string, std::string> extra;
  // An MCP server: the services it reaches through the stack's fault proxy (its named proxies:
  // vault, keycloak, postgres, jira-api, github-api), so that a scenario's faults on them reach
  // it. The stack writes it for the servers it starts; a user declares it for their own. Key
  // "behind_fault_proxy": a list of those names, or true (all of them); absent or false: none.
  std::vector<std::string> behind_fault_proxy;

  std::string get(const std::string& key, const std::string& fallback = {}) const;
};

// The process that owns a local stack (`mcp-harness supervise`, started by `mcp-harness up` or
// SupervisedStack): stopping it stops the stack. Key "supervisor" of the stack file.
struct SupervisorEntry {
  int pid = 0;
  std::string log;           // its stdout and stderr; empty when it writes to a terminal
  // Its start time in clock ticks since boot (/proc/<pid>/stat field 22): a pid recorded in a
  // stale stack file may belong to another process by now; this tells them apart.
  std::uint64_t start_ticks = 0;
  // The supervisor removes the run directory when it stops (it was a temporary one).
  bool removes_run_dir = false;
};

struct StackFile {
  std::string mode = "local";  // local | real | compose | external (stack_params.h)
  std::string realm = "mcp-demo";
  std::map<std::string, ServiceEntry> services;
  // The generated users (user0001…) the stack was provisioned with; unknown for a hand-written
  // file. Key "generated_users".
  std::optional<int> generated_users;
  std::optional<SupervisorEntry> supervisor;  // local mode under a supervisor

  // Throws std::runtime_error naming the missing service.
  const ServiceEntry& service(const std::string& name) const;
  std::string to_json() const;
  // Throws std::runtime_error naming the file, the key and what is wrong.
  static StackFile parse(const std::string& json, const std::string& origin = "stack file");
  static StackFile load(const std::filesystem::path& path);
  void save(const std::filesystem::path& path) const;
};

}  // namespace mcph::harness
