#include "load_step.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "json_at.h"
#include "load_checks.h"
#include "load_param_headers.h"
#include "load_record.h"
#include "recorder.h"
#include "mcph/harness/load/load_driver.h"
#include "mcph/sync/parallel_for.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/http/trace_context.h"
#include "mcph/jose/jwt.h"
#include "mcph/mcp/sse.h"
#include "mcph/secrets/scrub.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kLoginThreads = 8;
// A probe user calls on this many connections at once: even where each call takes longer than
// the limit's refill (a slow machine), together they offer more than the limit — their sessions'
// initialize and notifications/initialized alone are 96 requests at once. 4, then 16, were too
// few for postgres-mcp under ASan beside a 16-connection level (about 1 s a call).
constexpr std::size_t kProbeConnections = 48;
constexpr std::size_t kProbeCheckEvery = 8;
// Before a level, a user whose token would not outlive the level's time limit by this much
// logs in again.
constexpr std::int64_t kTokenMarginS = 30;

struct User {
  std::string name;           // user0042
  std::string authorization;  // "Bearer <jwt>"
  std::int64_t exp = 0;       // the token's, seconds since the epoch
};

std::int64_t token_exp(const std::string& jwt) {
  const auto payload = jose::unverified_payload(jwt);
  const Json claims = payload ? Json::parse(*payload, nullptr, false) : Json(nullptr);
  return claims.is_object() ? claims.value("exp", std::int64_t{0}) : 0;
}

// Logs in (in parallel) every user whose token would expire before `needed_until`; says whether
// any did.
bool log_in(std::vector<User>& users, const LoadContext& context, std::int64_t needed_until) {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < users.size(); ++i) {
    if (users[i].exp < needed_until) due.push_back(i);
  }
  try {
    sync::parallel_for(due.size(), kLoginThreads, [&](std::size_t k) {
      User& user = users[due[k]];
      const fixtures::UserFixture fixture = fixtures::generated_user(std::stoi(user.name.substr(4)));
      const std::string jwt = stack::user_access_token(context.stack, context.fixtures_dir, user.name, fixture.password);
      user.authorization = "Bearer " + jwt;
      user.exp = token_exp(jwt);
    });
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("load: a user could not log in: ") + secrets::scrub(e.what()));
  }
  return !due.empty();
}

// Which users each connection acts for: with at least as many users as connections, connection
// c serves users c, c+C, c+2C, … in turn (every user on exactly one connection); with fewer,
// connection c serves user c mod U alone.
std::vector<std::vector<int>> users_per_connection(int users, int connections) {
  std::vector<std::vector<int>> lists(static_cast<std::size_t>(connections));
  for (int c = 0; c < connections; ++c) {
    if (users >= connections) {
      for (int u = c; u < users; u += connections) lists[static_cast<std::size_t>(c)].push_back(u);
    } else {
      lists[static_cast<std::size_t>(c)].push_back(c % users);
    }
  }
  return lists;
}

// The pause between calls on each connection that offers no user more than half its limit:
// a user gets one call in (users per connection) of one connection, or the calls of
// ceil(C/U) connections when there are fewer users than connections.
std::chrono::microseconds pacing(const LoadSpec& spec, int users, int connections) {
  if (spec.rate_limit <= 0 || spec.rate_window_ms <= 0) return std::chrono::microseconds(0);
  const double per_user_per_us = spec.rate_limit / (2.0 * spec.rate_window_ms * 1000.0);
  const double share = users >= connections ? 1.0 / static_cast<double>(users / connections)
                                            : std::ceil(static_cast<double>(connections) / users);
  return std::chrono::microseconds(static_cast<long long>(std::ceil(share / per_user_per_us)));
}

struct CallMeta {
  int user = 0;  // index into the step's users
  std::string trace_id;
};

// One run of the load driver on one server.
struct Run {
  std::size_t target = 0;
  bool probe = false;
  load::LoadOptions options;
  std::vector<std::vector<int>> users;  // per connection
  std::vector<CallMeta> metas;          // by the call's tag
  std::vector<load::CallRecord> records;
  std::vector<load::SessionRecord> sessions;
  load::LoadReport report;
  std::string error;
  // A probe's calls so far, by user, and the users for whom a refusal is due already.
  std::map<int, std::vector<LimitedRequest>> probed;
  std::set<int> shown;
};

std::unique_ptr<Run> make_run(const LoadTarget& target, const http::Fields& param_headers, std::size_t index,
                              std::vector<std::vector<int>> users_of, std::size_t calls_per_connection,
                              std::chrono::microseconds interval, const std::vector<User>& users, const LoadSpec& spec) {
  auto run = std::make_unique<Run>();
  run->target = index;
  run->users = std::move(users_of);
  load::LoadOptions& options = run->options;
  options.endpoint_url = target.url;
  options.transport = target.transport;
  options.era = target.era;
  for (const auto& list : run->users) options.authorizations.push_back(users[static_cast<std::size_t>(list.front())].authorization);
  options.calls_per_connection = calls_per_connection;
  options.interval = interval;
  options.time_limit = std::chrono::milliseconds(spec.time_limit_ms);
  options.call_timeout = std::chrono::milliseconds(spec.call_timeout_ms);
  Run* self = run.get();
  const bool keep_bodies = !target.call.role_at.empty();
  options.next_call = [self, &target, &param_headers, &users](std::size_t connection, std::size_t index) {
    const auto& list = self->users[connection];
    const int user = list[index % list.size()];
    const http::TraceParent trace = http::new_trace();
    load::ToolCall call{target.call.tool, target.call.args};
    call.authorization = users[static_cast<std::size_t>(user)].authorization;
    call.headers = {{"traceparent", http::format_traceparent(trace)}};
    call.headers.insert(call.headers.end(), param_headers.begin(), param_headers.end());
    call.tag = self->metas.size();
    self->metas.push_back({user, trace.trace_id});
    return call;
  };
  options.on_call = [self, keep_bodies](const load::CallRecord& record) {
    self->records.push_back(record);
    if (!keep_bodies) self->records.back().body.clear();
  };
  options.on_session = [self](const load::SessionRecord& record) { self->sessions.push_back(record); };
  return run;
}

// A session's set-up requests as the rate limit saw them: all accepted but, when it failed, the
// last one, with its own status (a 429 for an initialize the limit refused).
std::vector<LimitedRequest> session_requests(const load::SessionRecord& session) {
  std::vector<LimitedRequest> requests;
  for (int r = 0; r < session.requests; ++r) {
    const bool last_failed = !session.ok && r + 1 == session.requests;
    requests.push_back({session.sent, session.answered, last_failed ? session.last_status : 200,
                        last_failed ? session.last_retry_after : ""});
  }
  return requests;
}

// A probe goes on until a refusal is due for each of its users (by then a limiting server has
// answered 429s, and one without a limit has accepted more than it may), or its calls run out:
// on a slow machine, where each call takes longer than the bucket's refill, a fixed number of
// calls could end before the limit was ever tested.
void probe_until_the_limit_shows(Run& run, const LoadSpec& spec, int probe_users) {
  Run* self = &run;
  const auto record_call = std::move(run.options.on_call);
  const auto users = static_cast<std::size_t>(probe_users);
  // Asked every kProbeCheckEvery requests: the question costs O(n²) for n requests so far.
  const auto add = [self, &spec](int user, const std::vector<LimitedRequest>& seen) {
    if (self->shown.count(user)) return;
    auto& requests = self->probed[user];
    for (const auto& request : seen) {
      requests.push_back(request);
      if (requests.size() % kProbeCheckEvery == 0 &&
          rejection_due(requests, spec.rate_limit, std::chrono::milliseconds(spec.rate_window_ms))) {
        self->shown.insert(user);
        return;
      }
    }
  };
  run.options.on_call = [self, record_call, add](const load::CallRecord& record) {
    record_call(record);
    add(self->metas.at(record.tag).user, {{record.sent, record.answered, record.http_status, record.retry_after}});
  };
  // Its sessions' set-up counts too: 48 connections set up at once are far past the limit.
  const auto record_session = std::move(run.options.on_session);
  run.options.on_session = [self, record_session, add](const load::SessionRecord& session) {
    record_session(session);
    add(self->users.at(session.connection).front(), session_requests(session));
  };
  run.options.enough = [self, users] { return self->shown.size() >= users; };
  run.probe = true;
}

// Runs every run at once (the servers loaded together), each on a thread of its own.
void run_together(std::vector<std::unique_ptr<Run>>& runs) {
  std::vector<std::thread> threads;
  for (auto& run : runs) {
    threads.emplace_back([&run] {
      try {
        run->report = load::run_load(run->options);
      } catch (const std::exception& e) {
        run->error = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& run : runs) {
    if (!run->error.empty()) throw std::runtime_error("load: " + run->options.endpoint_url + ": " + run->error);
  }
}

// The value at `pointer` in a tool call's structured result ("" when there is none).
std::string role_in(const std::string& body, const std::string& pointer) {
  std::string_view payload = body;
  std::vector<mcp::SseEvent> events;
  if (body.rfind("event:", 0) == 0 || body.rfind("data:", 0) == 0 || body.rfind(":", 0) == 0) {
    events = mcp::parse_sse(body);
    if (events.empty()) return "";
    payload = events.back().data;
  }
  const Json json = Json::parse(payload, nullptr, false);
  if (!json.is_object()) return "";
  const Json content = json.value("/result/structuredContent"_json_pointer, Json(nullptr));
  if (!content.is_structured()) return "";
  const Json value = json_at(content, pointer);
  return value.is_string() ? value.get<std::string>() : "";
}

reports::LoadLevel level_of(const std::string& server, int concurrency, const load::LoadReport& report) {
  reports::LoadLevel level;
  level.server = server;
  level.concurrency = concurrency;
  level.calls = static_cast<long long>(report.calls);
  level.failed = static_cast<long long>(report.failed + report.unfinished);
  level.calls_per_second = report.calls_per_second();
  level.p50_ms = report.percentile_ms(0.50);
  level.p90_ms = report.percentile_ms(0.90);
  level.p99_ms = report.percentile_ms(0.99);
  level.max_ms = report.max_ms();
  return level;
}

// The servers of one level together: every call's latency, the calls of all over the longest run.
reports::LoadLevel all_servers(int concurrency, const std::vector<const load::LoadReport*>& reports) {
  load::LoadReport merged;
  for (const auto* report : reports) {
    merged.calls += report->calls;
    merged.failed += report->failed;
    merged.unfinished += report->unfinished;
    merged.elapsed_s = std::max(merged.elapsed_s, report->elapsed_s);
    merged.latencies_ms.insert(merged.latencies_ms.end(), report->latencies_ms.begin(), report->latencies_ms.end());
  }
  std::sort(merged.latencies_ms.begin(), merged.latencies_ms.end());
  return level_of("", concurrency, merged);
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Json level_json(const reports::LoadLevel& level) {
  return {{"server", level.server.empty() ? "all" : level.server}, {"connections", level.concurrency},
          {"calls", level.calls},         {"failed", level.failed},
          {"calls_per_s", level.calls_per_second}, {"p50_ms", level.p50_ms},
          {"p90_ms", level.p90_ms},       {"p99_ms", level.p99_ms},
          {"max_ms", level.max_ms}};
}

std::string level_line(const reports::LoadLevel& level) {
  char line[256];
  std::snprintf(line, sizeof line, "%s %lld calls, %.0f/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.0f ms%s",
                level.server.empty() ? "all servers" : level.server.c_str(), level.calls, level.calls_per_second,
                level.p50_ms, level.p90_ms, level.p99_ms, level.max_ms,
                level.failed > 0 ? (", " + std::to_string(level.failed) + " failed").c_str() : "");
  return line;
}

class LoadStepRun {
 public:
  LoadStepRun(const LoadSpec& spec, const std::vector<LoadTarget>& targets, const LoadContext& context, StepOutcome& out,
              Recorder& record)
      : spec_(spec), targets_(targets), context_(context), out_(out), record_(record) {}

  void run() {
    const auto started = Clock::now();
    const int shard = context_.shard, shards = context_.shards;
    // This process's slice: a contiguous share of the users, every shards-th probe user.
    const int first = spec_.users * shard / shards, last = spec_.users * (shard + 1) / shards;
    if (last <= first) {
      throw std::runtime_error("load: " + shard_name(shard, shards) + " has none of the step's " +
                               std::to_string(spec_.users) + " users: run at most " + std::to_string(spec_.users) + " shards");
    }
    for (int i = first; i < last; ++i) users_.push_back({fixtures::generated_user(spec_.first_user + i).username, "", 0});
    main_users_ = last - first;
    for (int p = shard; p < spec_.probe_users; p += shards) {
      users_.push_back({fixtures::generated_user(spec_.first_user + spec_.users + p).username, "", 0});
    }
    shard_record_.shard = shard;
    shard_record_.shards = shards;
    for (std::size_t i = 0; i < users_.size(); ++i) {
      (static_cast<int>(i) < main_users_ ? shard_record_.users : shard_record_.probe_users).push_back(users_[i].name);
    }
    const auto share = [&](long whole) { return slice_share(whole, shard, shards); };
    const long runs = static_cast<long>(spec_.connections.size() * targets_.size());
    const long calls = std::max(share(spec_.calls), runs);
    say("load: " + std::to_string(main_users_) + " users" +
        (users_.size() > static_cast<std::size_t>(main_users_)
             ? " and " + std::to_string(users_.size() - static_cast<std::size_t>(main_users_)) + " probe users"
             : std::string()) +
        ", " + std::to_string(targets_.size()) + " servers, " + std::to_string(calls) + " calls" +
        (shards > 1 ? " (" + shard_name(shard, shards) + " of the step's " +
                          std::to_string(spec_.users) + " users and " + std::to_string(spec_.calls) + " calls)"
                    : std::string()));

    long left = calls;
    for (std::size_t l = 0; l < spec_.connections.size(); ++l) {
      const int connections = std::max(1, static_cast<int>(share(spec_.connections[l])));
      // Tokens that outlive the level (a level longer than a token's life sees 401s: failed
      // calls, never a silent pass). With new tokens, a warm-up first: each user's first call on
      // each server (a token exchange, a Vault login, a database role), apart from the level's
      // latencies.
      const std::int64_t level_ends = static_cast<std::int64_t>(std::time(nullptr)) + spec_.time_limit_ms / 1000;
      if (log_in(users_, context_, level_ends + kTokenMarginS)) {
        auth_to_user_.clear();
        for (std::size_t i = 0; i < users_.size(); ++i) auth_to_user_[users_[i].authorization] = static_cast<int>(i);
        const int warm = std::min(connections, main_users_);
        level(warm, static_cast<std::size_t>((main_users_ + warm - 1) / warm), true);
      }
      const long per_run = (left + static_cast<long>(spec_.connections.size() - l) * static_cast<long>(targets_.size()) - 1) /
                           (static_cast<long>(spec_.connections.size() - l) * static_cast<long>(targets_.size()));
      left -= per_run * static_cast<long>(targets_.size());
      level(connections, static_cast<std::size_t>((per_run + connections - 1) / connections), false);
    }
    check_rate_limits();
    finish(started);
  }

 private:
  void say(const std::string& line) const {
    if (context_.progress) context_.progress(line);
  }

  void level(int connections, std::size_t calls_per_connection, bool warm_up) {
    std::vector<std::unique_ptr<Run>> runs;
    // Asked once, as the first user (logged in by now): every call of a target has the same arguments.
    if (param_headers_.empty()) {
      for (const LoadTarget& target : targets_) {
        param_headers_.push_back(load_param_headers(target, users_.front().authorization));
        if (param_headers_.back().empty()) continue;
        Json names = Json::array();
        for (const auto& header : param_headers_.back()) names.push_back(header.first);
        record_.note({{"param_headers", {{"server", target.service}, {"tool", target.call.tool}, {"headers", names}}}});
      }
    }
    for (std::size_t t = 0; t < targets_.size(); ++t) {
      runs.push_back(make_run(targets_[t], param_headers_[t], t, users_per_connection(main_users_, connections), calls_per_connection,
                              warm_up ? std::chrono::microseconds(0) : pacing(spec_, main_users_, connections), users_, spec_));
      const int probe_users = static_cast<int>(users_.size()) - main_users_;
      if (warm_up || probe_users == 0) continue;
      std::vector<std::vector<int>> probes;
      for (int p = 0; p < probe_users; ++p) {
        for (std::size_t c = 0; c < kProbeConnections; ++c) probes.push_back({main_users_ + p});
      }
      const std::size_t per_connection = (static_cast<std::size_t>(spec_.probe_calls) + kProbeConnections - 1) / kProbeConnections;
      runs.push_back(make_run(targets_[t], param_headers_[t], t, std::move(probes), per_connection,
                              std::chrono::microseconds(0), users_, spec_));
      probe_until_the_limit_shows(*runs.back(), spec_, probe_users);
    }
    const double started_s = wall_seconds();
    run_together(runs);

    std::map<std::size_t, LedgerIndex> ledgers;  // by target: read once per level
    for (std::size_t t = 0; t < targets_.size(); ++t) {
      if (!targets_[t].backend_url.empty()) ledgers[t] = ledger_by_trace(targets_[t].backend_url);
    }
    Json recorded = Json::array();
    std::vector<const load::LoadReport*> main_reports;
    for (const auto& run : runs) {
      tally(*run, ledgers, warm_up);
      if (run->probe) continue;
      record_level(*run, connections, warm_up, started_s);
      main_reports.push_back(&run->report);
      const reports::LoadLevel stats = level_of(targets_[run->target].service, connections, run->report);
      recorded.push_back(level_json(stats));
    }
    const reports::LoadLevel together = all_servers(connections, main_reports);
    recorded.push_back(level_json(together));
    (warm_up ? trace_warm_up_ : trace_levels_).push_back(recorded);
    say("load: " + std::string(warm_up ? "warm-up, " : "") + std::to_string(connections) + " connections per server: " +
        level_line(together));
    for (const auto& run : runs) {
      if (!run->probe) say("  " + level_line(level_of(targets_[run->target].service, connections, run->report)));
    }
  }

  void tally(const Run& run, const std::map<std::size_t, LedgerIndex>& ledgers, bool warm_up) {
    const LoadTarget& target = targets_[run.target];
    const auto ledger = ledgers.find(run.target);
    for (const auto& record : run.records) {
      const CallMeta& meta = run.metas.at(record.tag);
      LoadCallRecord call;
      call.server = target.service;
      call.user = users_[static_cast<std::size_t>(meta.user)].name;
      call.trace_id = meta.trace_id;
      call.phase = run.probe ? LoadPhase::probe : warm_up ? LoadPhase::warm_up : LoadPhase::level;
      call.ok = record.ok;
      call.http_status = record.http_status;
      if (!record.ok) call.error = secrets::scrub(record.error);
      if (ledger != ledgers.end()) {
        call.ledger = true;
        if (const auto entries = ledger->second.find(meta.trace_id); entries != ledger->second.end()) call.entries = entries->second;
        call.credential = credential_fingerprint(target.service, call.entries);
      } else if (!target.call.role_at.empty()) {
        call.role_checked = true;
        if (record.ok) call.role = role_in(record.body, target.call.role_at);
        call.credential = role_fingerprint(target.service, call.role);
      }
      shard_record_.calls.push_back(std::move(call));
      requests_[{run.target, meta.user}].push_back({record.sent, record.answered, record.http_status, record.retry_after});
    }
    if (!run.probe) shard_record_.unfinished += static_cast<long>(run.report.unfinished);
    // A session's initialize and notifications/initialized count against the limit too.
    for (const auto& session : run.sessions) {
      const auto user = auth_to_user_.find(session.authorization);
      if (user == auth_to_user_.end()) continue;
      for (const auto& request : session_requests(session)) requests_[{run.target, user->second}].push_back(request);
    }
  }

  void record_level(const Run& run, int connections, bool warm_up, double started_s) {
    LoadLevelRecord level;
    level.server = targets_[run.target].service;
    level.connections = connections;
    level.warm_up = warm_up;
    level.calls = static_cast<long>(run.report.calls);
    level.failed = static_cast<long>(run.report.failed + run.report.unfinished);
    level.started_s = started_s;
    level.ended_s = started_s + run.report.elapsed_s;
    for (double ms : run.report.latencies_ms) level.latencies.add(ms);
    shard_record_.levels.push_back(std::move(level));
  }

  void check_rate_limits() {
    if (spec_.rate_limit <= 0) return;
    const std::chrono::milliseconds window(spec_.rate_window_ms);
    for (auto& [key, requests] : requests_) {
      const auto& [target, user] = key;
      const std::string who = targets_[target].service + " " + users_[static_cast<std::size_t>(user)].name;
      const RateLimitVerdict verdict = check_rate_limit(std::move(requests), spec_.rate_limit, window);
      shard_record_.rate_limit_violations += verdict.violations;
      for (const auto& problem : verdict.problems) shard_record_.rate_problems.push_back(secrets::scrub(who + ": " + problem));
      if (user < main_users_) continue;
      ++shard_record_.probe_users_checked;
      if (verdict.due && verdict.rejected > 0) {
        ++shard_record_.probe_users_limited;
      } else if (!verdict.due) {
        // Not the server's fault: on a slow machine (a sanitizer, 2 busy cores) the probe's
        // calls ran out before it offered more than the bucket refills. It proves nothing
        // either way: rate_limit_violations is then inconclusive, never a pass.
        shard_record_.limits_untested.push_back(who + " (" + std::to_string(verdict.requests) + " requests)");
      }
    }
  }

  void finish(Clock::time_point started) {
    shard_record_.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    // One code path for one process and many: this process's outcome is its record merged alone.
    LoadOutcome outcome = merge_load_records({shard_record_});
    outcome.slice = shard_record_.shard;
    outcome.slices = shard_record_.shards;
    out_.burst.accepted = static_cast<int>(std::min<long>(outcome.ok, std::numeric_limits<int>::max()));
    record_.note(
        {{"load",
          {{"users", outcome.users},
           {"probe_users", shard_record_.probe_users.size()},
           {"shard", std::to_string(shard_record_.shard) + "/" + std::to_string(shard_record_.shards)},
           {"warm_up", trace_warm_up_},
           {"levels", trace_levels_},
           {"calls", outcome.calls},
           {"ok", outcome.ok},
           {"failed", outcome.failed},
           {"rate_limited", outcome.rate_limited},
           {"cross_user_calls", outcome.cross_user},
           {"shared_credentials", outcome.shared_credentials},
           {"calls_without_entry", outcome.without_entry},
           {"rejected_with_entry", outcome.rejected_with_entry},
           {"checked_by_ledger", outcome.by_ledger},
           {"checked_by_role", outcome.by_role},
           {"unchecked", outcome.unchecked},
           {"rate_limit_violations", outcome.rate_limit_violations},
           {"probe_users_limited", std::to_string(outcome.probe_users_limited) + " of " + std::to_string(outcome.probe_users)},
           {"limits_untested", outcome.limits_untested},
           {"problems", outcome.problems},
           {"seconds", outcome.seconds}}}});
    say("load: " + std::to_string(outcome.calls) + " calls, " + std::to_string(outcome.ok) + " ok, " +
        std::to_string(outcome.failed) + " failed, " + std::to_string(outcome.cross_user) + " cross-user, " +
        std::to_string(outcome.without_entry) + " without an entry, " + std::to_string(outcome.rate_limit_violations) +
        " rate-limit violations");
    out_.load = std::move(outcome);
    out_.load_record = to_json(shard_record_);
  }

  const LoadSpec& spec_;
  const std::vector<LoadTarget>& targets_;
  const LoadContext& context_;
  StepOutcome& out_;
  Recorder& record_;
  std::vector<User> users_;  // this process's slice: its users, then its probe users
  int main_users_ = 0;
  std::unordered_map<std::string, int> auth_to_user_;
  std::vector<http::Fields> param_headers_;  // by target: its calls' Mcp-Param-* headers
  std::map<std::pair<std::size_t, int>, std::vector<LimitedRequest>> requests_;
  LoadRecord shard_record_;
  Json trace_warm_up_ = Json::array();
  Json trace_levels_ = Json::array();
};

}  // namespace

void run_load_step(const LoadSpec& spec, const std::vector<LoadTarget>& targets, const LoadContext& context,
                   StepOutcome& out, Recorder& record) {
  if (targets.empty()) throw std::invalid_argument("load: no servers");
  LoadStepRun(spec, targets, context, out, record).run();
}

}  // namespace mcph::harness::scenario
