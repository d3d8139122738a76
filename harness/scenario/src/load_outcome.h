#pragma once
// What a load step did and proved (family 10): its counts, what its checks found, and the
// latencies per concurrency level and server. The load expectations are checked against it.
#include <string>
#include <vector>

#include "mcph/reports/model.h"

namespace mcph::harness::scenario {

struct LoadOutcome {
  long calls = 0;           // tool calls answered or failed (warm-up and probe included)
  long ok = 0;
  long failed = 0;          // not ok, not started (time limit, dead connection), and no probe 429
  long rate_limited = 0;    // 429s, the probe's included
  long cross_user = 0;      // a backend request or database role that was not the caller's
  long without_entry = 0;   // ok calls that left no ledger entry (or named no role)
  long rejected_with_entry = 0;  // refused before the tool, yet traced at the backend
  long by_ledger = 0, by_role = 0, unchecked = 0;
  // Credentials (by fingerprint) that reached a backend for more than one user; their calls not
  // already foreign by the ledger or role count in cross_user too.
  long shared_credentials = 0;
  int shards = 1;           // the processes whose records made this outcome
  // A worker's own outcome is of its slice of the step (slice i of slices): it is held to its
  // share of a count meant for the whole step (accepted_calls_at_least). A merged one is the whole.
  int slice = 0, slices = 1;
  long rate_limit_violations = 0;
  long probe_users = 0;     // (server, probe user) pairs …
  long probe_users_limited = 0;  // … whose probe made a rejection due, and got one
  // "postgres-mcp user0129 (195 requests)": probes that never made a rejection due, so a
  // server's lack of violations proves nothing for them.
  std::vector<std::string> limits_untested;
  int users = 0;
  double seconds = 0;
  std::vector<std::string> problems;     // examples, masked, for people
  std::vector<reports::LoadLevel> levels;  // per level: each server, then all of them ("")
};

// Slice i of slices' share of a whole-step count (calls, connections, accepted_calls_at_least): the
// shares of all slices add up to the whole.
inline long slice_share(long whole, int slice, int slices) {
  return whole * (slice + 1) / slices - whole * slice / slices;
}

// "shard 1/3": how reports and errors name a worker's slice.
inline std::string shard_name(int slice, int slices) {
  return "shard " + std::to_string(slice) + "/" + std::to_string(slices);
}

}  // namespace mcph::harness::scenario
