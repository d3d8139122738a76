#pragma once
// What one process of a load step saw, as data that several processes' records can be merged
// from (sharding.md): every call with its user, trace id, what the backend's ledger or the
// database role said of it and a fingerprint of the credential it reached the backend with
// (never the credential); each level's latencies per server as a mergeable histogram; and the
// rate-limit verdicts, which one process reaches alone, since each user is one process's.
// A load step run in one process is shard 0 of 1: its outcome is the merge of its own record.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "latency_histogram.h"
#include "load_outcome.h"
#include "observers.h"

namespace mcph::harness::scenario {

enum class LoadPhase { warm_up, level, probe };

struct LoadCallRecord {
  std::string server;     // the stack's service, "jira-mcp"
  std::string user;       // "user0042"
  std::string trace_id;
  LoadPhase phase = LoadPhase::level;
  bool ok = false;
  int http_status = 0;
  bool ledger = false;    // its server has a backend ledger; `entries` are its trace's
  std::vector<LedgerSighting> entries;
  bool role_checked = false;  // its server's result names the database role
  std::string role;
  // sha256 of what the backend saw (whose credential and its masked hint, or the database role),
  // 32 hex digits; "" when the call reached no credential.
  std::string credential;
  std::string error;      // why it is not ok, masked
};

struct LoadLevelRecord {
  std::string server;
  int connections = 0;    // of this process
  bool warm_up = false;
  long calls = 0;
  long failed = 0;        // not ok, and calls never started
  double started_s = 0;   // wall clock, seconds since the epoch
  double ended_s = 0;
  LatencyHistogram latencies;
};

struct LoadRecord {
  int shard = 0;
  int shards = 1;
  std::vector<std::string> users;        // this process's slice of the step's users
  std::vector<std::string> probe_users;  // and of its probe users
  std::vector<LoadCallRecord> calls;
  std::vector<LoadLevelRecord> levels;
  long unfinished = 0;                   // calls never started (time limit, dead connection)
  long rate_limit_violations = 0;
  long probe_users_checked = 0;
  long probe_users_limited = 0;
  std::vector<std::string> limits_untested;
  std::vector<std::string> rate_problems;
  double seconds = 0;
};

// The fingerprint of what a call's backend request carried (LoadCallRecord::credential).
std::string credential_fingerprint(const std::string& server, const std::vector<LedgerSighting>& entries);
std::string role_fingerprint(const std::string& server, const std::string& role);

nlohmann::json to_json(const LoadRecord& record);
// Throws std::invalid_argument naming what is wrong.
LoadRecord load_record_from_json(const nlohmann::json& json);

// The step's outcome over every process's record together: the isolation checks rerun over all
// calls, and a credential fingerprint seen for two users is a cross-user leak whichever
// processes saw them; the latencies from the merged histograms; the rate-limit verdicts summed.
// Throws std::invalid_argument when the records overlap (a user, or a trace id, in two of them).
LoadOutcome merge_load_records(const std::vector<LoadRecord>& records);

}  // namespace mcph::harness::scenario
