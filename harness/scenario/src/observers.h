#pragma once
// What the runner watches besides the answers it gets: the mock backends' ledgers (which
// credential reached the backend, correlated by the W3C trace id the runner sent) and Vault's
// file audit log (which entity read which path).
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {

// The backend an MCP server of the stack calls (its `backend` in the stack file, else
// "<x>-api" for "<x>-mcp"); "" when the stack has none for it.
std::string backend_of(const stack::StackFile& stack, const std::string& mcp_service);

// Entries of a backend's GET /_ledger carrying `trace_id`. Throws std::runtime_error when the
// backend does not answer.
nlohmann::json ledger_entries(const std::string& backend_url, const std::string& trace_id);
// The highest `seq` of the backend's ledger (0 when empty), and the entries after one: what a
// step wrote when its server does not forward traceparent (correlation "window").
std::uint64_t ledger_last_seq(const std::string& backend_url);
nlohmann::json ledger_entries_after(const std::string& backend_url, std::uint64_t seq);

// The whole ledger of a backend, read once and indexed by trace id (for a load step's many
// calls): for each trace, whose credential each of its requests carried and the status.
struct LedgerSighting {
  std::string credential_of;  // "alice", "none" or "unknown"
  int status = 0;
  std::string credential;     // the backend's masked hint of it ("****abcd"), never the secret
};
using LedgerIndex = std::unordered_map<std::string, std::vector<LedgerSighting>>;
// Throws std::runtime_error when the backend does not answer.
LedgerIndex ledger_by_trace(const std::string& backend_url);

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

// The entries among `entries` (Vault audit entries) whose request carried a traceparent of one of
// `trace_ids`, as Vault records an audited header: request.headers.traceparent, a list of values.
// An entry with none, or with a malformed or another trace's, is not one of them.
nlohmann::json entries_of_traces(const nlohmann::json& entries, const std::vector<std::string>& trace_ids);

// The entries among `entries` whose request carried no well-formed traceparent: those a time
// window can only guess at. An entry with a traceparent belongs to that trace's request.
nlohmann::json entries_without_trace(const nlohmann::json& entries);

// The user a secret path belongs to: "alice" for secret/data/users/alice/jira or
// database/creds/alice; empty for other paths.
std::string path_owner(const std::string& vault_path);

}  // namespace mcph::harness::scenario
