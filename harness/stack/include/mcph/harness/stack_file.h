#pragma once
// The stack file of DESIGN.md (a public interface): every service's URL and, in local mode,
// its pid and log. `mcp-harness up` writes it; every later command finds the stack through it;
// in external mode a user writes it by hand.
#include <filesystem>
#include <map>
#include <string>

namespace mcph::harness {

struct ServiceEntry {
  std::string url;
  int pid = 0;                 // local mode only
  std::string log;             // local mode only
  std::map<std::string, std::string> extra;  // admin_user, admin_password, token, transport, …

  std::string get(const std::string& key, const std::string& fallback = {}) const;
};

struct StackFile {
  std::string mode = "local";  // local | compose | external
  std::string realm = "mcp-demo";
  std::map<std::string, ServiceEntry> services;

  // Throws std::runtime_error naming the missing service.
  const ServiceEntry& service(const std::string& name) const;
  std::string to_json() const;
  // Throws std::runtime_error naming the file, the key and what is wrong.
  static StackFile parse(const std::string& json, const std::string& origin = "stack file");
  static StackFile load(const std::filesystem::path& path);
  void save(const std::filesystem::path& path) const;
};

}  // namespace mcph::harness
