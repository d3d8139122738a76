#pragma once
// What the runner watches besides the answers it gets: the mock backends' ledgers (which
// credential reached the backend, correlated by the W3C trace id the runner sent) and Vault's
// file audit log (which entity read which path).
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace mcph::harness {

// Entries of a backend's GET /_ledger carrying `trace_id`. Throws std::runtime_error when the
// backend does not answer.
nlohmann::json ledger_entries(const std::string& backend_url, const std::string& trace_id);

// Reads what Vault appended to its audit log since the last call.
class AuditTail {
 public:
  explicit AuditTail(std::filesystem::path path);  // empty path: no audit log (external stacks)
  bool available() const { return !path_.empty(); }
  void skip_to_end();
  // The entries appended since the last call, oldest first (JSON objects in Vault's shape).
  nlohmann::json read_new();

 private:
  std::filesystem::path path_;
  std::uintmax_t offset_ = 0;
};

// The user a secret path belongs to: "alice" for secret/data/users/alice/jira or
// database/creds/alice; empty for other paths.
std::string path_owner(const std::string& vault_path);

}  // namespace mcph::harness
