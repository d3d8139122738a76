#pragma once
// The record of every API request a mock backend served: when, which route, whose credential
// (never the credential itself), the status, and the W3C trace-id the request carried. Read at
// GET /_ledger[?trace_id=…], cleared by DELETE.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace mcph::mock_backend {

struct LedgerEntry {
  std::uint64_t seq = 0;       // 1, 2, … in the order requests finished
  std::string time;            // RFC 3339 UTC with milliseconds
  std::string method;
  std::string route;           // the route pattern, e.g. /rest/api/3/issue/{issueIdOrKey}
  std::string path;            // without the query string
  std::string credential_of;   // "alice", "none" or "unknown"
  std::string credential;      // masked hint, e.g. "****abcd"; "" when none
  std::string scheme;          // "basic", "bearer", "token", "none", …
  std::string credential_field;  // the secret field that matched: "password" (Basic username:password),
                                 // "api_token" (Basic email:api_token), "personal_access_token",
                                 // "token"; "" when none did
  int status = 0;
  std::string trace_id;        // of a valid traceparent header; "" when none or malformed
};

class Ledger {
 public:
  explicit Ledger(std::size_t max_entries = 100000) : max_entries_(max_entries) {}

  void record(LedgerEntry entry);  // fills seq and time
  // A JSON array, oldest first; with `trace_id`, only the entries of that trace ("" = those
  // that came without a trace context).
  std::string to_json(const std::optional<std::string>& trace_id = std::nullopt) const;
  void clear();
  std::size_t size() const;

 private:
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::deque<LedgerEntry> entries_;
  std::uint64_t next_seq_ = 1;
};

}  // namespace mcph::mock_backend
