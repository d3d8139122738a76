#include "load_record.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "load_checks.h"
#include "mcph/codec/hex.h"
#include "mcph/openssl/crypto.h"
#include "mcph/secrets/scrub.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxFailures = 5;
constexpr std::size_t kMaxRateProblems = 8;
constexpr std::size_t kMaxSharedExamples = 8;

std::string fingerprint(const std::string& text) { return codec::hex_encode(openssl::sha256(text)).substr(0, 32); }

const char* phase_name(LoadPhase phase) {
  switch (phase) {
    case LoadPhase::warm_up: return "warm_up";
    case LoadPhase::probe: return "probe";
    case LoadPhase::level: break;
  }
  return "level";
}

LoadPhase phase_of(const std::string& name) {
  if (name == "warm_up") return LoadPhase::warm_up;
  if (name == "probe") return LoadPhase::probe;
  if (name == "level") return LoadPhase::level;
  throw std::invalid_argument("a load call's phase is warm_up, level or probe, not '" + name + "'");
}

std::vector<std::string> strings(const Json& json, const char* key) {
  std::vector<std::string> out;
  for (const auto& value : json.value(key, Json::array())) out.push_back(value.get<std::string>());
  return out;
}

CallSeen seen_of(const LoadCallRecord& call) {
  CallSeen seen;
  seen.user = call.user;
  seen.trace_id = call.trace_id;
  seen.ok = call.ok;
  seen.http_status = call.http_status;
  seen.ledger = call.ledger;
  seen.entries = call.entries;
  seen.role_checked = call.role_checked;
  seen.role = call.role;
  return seen;
}

void merge_levels(const std::vector<LoadRecord>& records, LoadOutcome& out) {
  struct Sum {
    long calls = 0, failed = 0;
    double started = 0, ended = 0;
    LatencyHistogram latencies;
  };
  // By level (its place among the step's levels) and server; "" is every server together.
  std::map<std::pair<int, std::string>, Sum> sums;
  std::map<int, int> concurrency;  // a level's connections per server, every process's together
  for (const auto& record : records) {
    std::map<std::string, int> levels_of_server;
    for (const auto& level : record.levels) {
      if (level.warm_up) continue;
      const int place = levels_of_server[level.server]++;
      if (level.server == record.levels.front().server) concurrency[place] += level.connections;
      for (const std::string& server : {level.server, std::string()}) {
        Sum& sum = sums[{place, server}];
        sum.calls += level.calls;
        sum.failed += level.failed;
        sum.started = sum.started == 0 ? level.started_s : std::min(sum.started, level.started_s);
        sum.ended = std::max(sum.ended, level.ended_s);
        sum.latencies.merge(level.latencies);
      }
    }
  }
  // Each level's servers, then all of them together ("" last), as a single process reports them.
  std::vector<std::pair<int, std::string>> order;
  for (const auto& [key, sum] : sums) order.push_back(key);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second.empty() != b.second.empty()) return b.second.empty();
    return a.second < b.second;
  });
  for (const auto& key : order) {
    const Sum& sum = sums.at(key);
    reports::LoadLevel level;
    level.server = key.second;
    level.concurrency = concurrency[key.first];
    level.calls = sum.calls;
    level.failed = sum.failed;
    const double span = sum.ended - sum.started;
    level.calls_per_second = span > 0 ? static_cast<double>(sum.calls) / span : 0;
    level.p50_ms = sum.latencies.percentile_ms(0.50);
    level.p90_ms = sum.latencies.percentile_ms(0.90);
    level.p99_ms = sum.latencies.percentile_ms(0.99);
    level.max_ms = sum.latencies.max_ms();
    out.levels.push_back(level);
  }
}

}  // namespace

std::string credential_fingerprint(const std::string& server, const std::vector<LedgerSighting>& entries) {
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    // Only credentials the backend knows: none, or an unknown one, is foreign to every caller
    // already (IsolationTally), and unknown ones' hints say nothing of whose they are.
    if (entry.credential_of == "none" || entry.credential_of == "unknown" || entry.credential_of.empty()) continue;
    seen.insert(entry.credential_of + ":" + entry.credential);
  }
  if (seen.empty()) return "";
  std::string text = server + "\nledger";
  for (const auto& credential : seen) text += "\n" + credential;
  return fingerprint(text);
}

std::string role_fingerprint(const std::string& server, const std::string& role) {
  return role.empty() ? "" : fingerprint(server + "\nrole\n" + role);
}

Json to_json(const LoadRecord& record) {
  Json calls = Json::array();
  for (const auto& call : record.calls) {
    Json entries = Json::array();
    for (const auto& entry : call.entries) entries.push_back({entry.credential_of, entry.status, entry.credential});
    Json one = {{"server", call.server}, {"user", call.user}, {"trace_id", call.trace_id},
                {"phase", phase_name(call.phase)}, {"ok", call.ok}, {"http_status", call.http_status},
                {"credential", call.credential}};
    if (call.ledger) one["ledger"] = entries;
    if (call.role_checked) one["role"] = call.role;
    if (!call.error.empty()) one["error"] = call.error;
    calls.push_back(std::move(one));
  }
  Json levels = Json::array();
  for (const auto& level : record.levels) {
    levels.push_back({{"server", level.server}, {"connections", level.connections}, {"warm_up", level.warm_up},
                      {"calls", level.calls}, {"failed", level.failed}, {"started_s", level.started_s},
                      {"ended_s", level.ended_s}, {"latencies", level.latencies.to_json()}});
  }
  return {{"shard", record.shard},
          {"shards", record.shards},
          {"users", record.users},
          {"probe_users", record.probe_users},
          {"unfinished", record.unfinished},
          {"rate_limit_violations", record.rate_limit_violations},
          {"probe_users_checked", record.probe_users_checked},
          {"probe_users_limited", record.probe_users_limited},
          {"limits_untested", record.limits_untested},
          {"rate_problems", record.rate_problems},
          {"seconds", record.seconds},
          {"levels", levels},
          {"calls", calls}};
}

LoadRecord load_record_from_json(const Json& json) {
  try {
    if (!json.is_object()) throw std::invalid_argument("expected an object");
    LoadRecord record;
    record.shard = json.at("shard").get<int>();
    record.shards = json.at("shards").get<int>();
    record.users = strings(json, "users");
    record.probe_users = strings(json, "probe_users");
    record.unfinished = json.value("unfinished", 0L);
    record.rate_limit_violations = json.value("rate_limit_violations", 0L);
    record.probe_users_checked = json.value("probe_users_checked", 0L);
    record.probe_users_limited = json.value("probe_users_limited", 0L);
    record.limits_untested = strings(json, "limits_untested");
    record.rate_problems = strings(json, "rate_problems");
    record.seconds = json.value("seconds", 0.0);
    for (const auto& level : json.at("levels")) {
      record.levels.push_back({level.at("server").get<std::string>(), level.at("connections").get<int>(),
                               level.at("warm_up").get<bool>(), level.at("calls").get<long>(), level.at("failed").get<long>(),
                               level.at("started_s").get<double>(), level.at("ended_s").get<double>(),
                               LatencyHistogram::from_json(level.at("latencies"))});
    }
    for (const auto& one : json.at("calls")) {
      LoadCallRecord call;
      call.server = one.at("server").get<std::string>();
      call.user = one.at("user").get<std::string>();
      call.trace_id = one.at("trace_id").get<std::string>();
      call.phase = phase_of(one.at("phase").get<std::string>());
      call.ok = one.at("ok").get<bool>();
      call.http_status = one.at("http_status").get<int>();
      call.credential = one.value("credential", "");
      call.error = one.value("error", "");
      if (one.contains("ledger")) {
        call.ledger = true;
        for (const auto& entry : one["ledger"]) {
          call.entries.push_back({entry.at(0).get<std::string>(), entry.at(1).get<int>(), entry.at(2).get<std::string>()});
        }
      }
      if (one.contains("role")) {
        call.role_checked = true;
        call.role = one["role"].get<std::string>();
      }
      record.calls.push_back(std::move(call));
    }
    if (record.shards < 1 || record.shard < 0 || record.shard >= record.shards) {
      throw std::invalid_argument("shard " + std::to_string(record.shard) + " of " + std::to_string(record.shards));
    }
    return record;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("a load record: ") + e.what());
  }
}

LoadOutcome merge_load_records(const std::vector<LoadRecord>& records) {
  if (records.empty()) throw std::invalid_argument("no load records to merge");
  LoadOutcome out;
  out.shards = static_cast<int>(records.size());
  std::map<std::string, int> shard_of_user;
  for (const auto& record : records) {
    for (const auto* list : {&record.users, &record.probe_users}) {
      for (const auto& user : *list) {
        const auto [it, fresh] = shard_of_user.emplace(user, record.shard);
        if (!fresh) {
          throw std::invalid_argument(user + " is in the slices of " + shard_name(it->second, record.shards) + " and " +
                                      shard_name(record.shard, record.shards));
        }
      }
    }
    out.users += static_cast<int>(record.users.size());
  }

  IsolationTally isolation;
  std::vector<std::string> failures;
  std::unordered_map<std::string, int> trace_shard;
  // By fingerprint: the users whose calls reached the backend with it, and their calls the
  // ledger or role did not already show foreign.
  std::map<std::string, std::set<std::string>> users_of_credential;
  std::map<std::string, long> unflagged_calls;
  for (const auto& record : records) {
    for (const auto& call : record.calls) {
      const auto [it, fresh] = trace_shard.emplace(call.trace_id, record.shard);
      if (!fresh) {
        throw std::invalid_argument("trace id " + call.trace_id + " is claimed by two calls (" +
                                    shard_name(it->second, record.shards) + ", " + shard_name(record.shard, record.shards) + ")");
      }
      const long foreign_before = isolation.cross_user;
      isolation.add(seen_of(call));
      if (!call.credential.empty()) {
        users_of_credential[call.credential].insert(call.user);
        if (isolation.cross_user == foreign_before) ++unflagged_calls[call.credential];
      }
      ++out.calls;
      if (call.ok) ++out.ok;
      if (call.http_status == 429) ++out.rate_limited;
      if (!call.ok && !(call.phase == LoadPhase::probe && call.http_status == 429)) {
        ++out.failed;
        if (failures.size() < kMaxFailures) failures.push_back("failed: " + call.server + " " + call.user + ": " + call.error);
      }
    }
    out.failed += record.unfinished;
    out.rate_limit_violations += record.rate_limit_violations;
    out.probe_users += record.probe_users_checked;
    out.probe_users_limited += record.probe_users_limited;
    out.limits_untested.insert(out.limits_untested.end(), record.limits_untested.begin(), record.limits_untested.end());
    out.seconds = std::max(out.seconds, record.seconds);
  }

  std::vector<std::string> shared;
  for (const auto& [credential, users] : users_of_credential) {
    if (users.size() < 2) continue;
    ++out.shared_credentials;
    isolation.cross_user += unflagged_calls[credential];
    if (shared.size() >= kMaxSharedExamples) continue;
    std::string who;
    for (const auto& user : users) {
      if (!who.empty()) who += ", ";
      who += user + " (" + shard_name(shard_of_user[user], records.front().shards) + ")";
    }
    shared.push_back("one credential (fingerprint " + credential.substr(0, 12) + ") reached the backend for " +
                     std::to_string(users.size()) + " users: " + who);
  }

  out.cross_user = isolation.cross_user;
  out.without_entry = isolation.without_entry;
  out.rejected_with_entry = isolation.rejected_with_entry;
  out.by_ledger = isolation.by_ledger;
  out.by_role = isolation.by_role;
  out.unchecked = isolation.unchecked;
  out.problems = shared;
  out.problems.insert(out.problems.end(), isolation.examples.begin(), isolation.examples.end());
  std::size_t rate_problems = 0;
  for (const auto& record : records) {
    for (const auto& problem : record.rate_problems) {
      if (rate_problems++ < kMaxRateProblems) out.problems.push_back(problem);
    }
  }
  out.problems.insert(out.problems.end(), failures.begin(), failures.end());
  for (auto& problem : out.problems) problem = secrets::scrub(problem);
  merge_levels(records, out);
  return out;
}

}  // namespace mcph::harness::scenario
