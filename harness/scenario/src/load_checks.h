#pragma once
// What a load step proves once its calls are in (family 10), as pure functions of what it
// recorded, so that each rule is tested on its own:
// - isolation: every call's backend request carried the caller's own credential (the ledger
//   entry of its trace id), or its database role is the caller's (named after the user);
// - the per-subject rate limit: a token bucket of `limit` requests per `window` (the servers'
//   RateLimiter). The driver knows each request only between writing it and reading its answer,
//   so every rule is stated so that timing uncertainty can never make a good limiter look bad:
//   a 429 is a violation only when the user had at most limit-1 other requests that could have
//   fallen in the window before it; more than limit + limit×span/window accepted requests in any
//   span is a violation; and a rejection is "due" (what a probe must show) only when that many
//   reached the server within the longest span they could have taken.
// A call step's burst (family 5) is judged by the same rule: its lack of a 429 means something
// only when a rejection was due (limit_not_reached).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "limited_request.h"
#include "observers.h"

namespace mcph::harness::scenario {

// One tool call of a load step as the isolation checks see it.
struct CallSeen {
  std::string user;       // the caller, "user0042"
  std::string trace_id;
  bool ok = false;        // a tool result, not an error
  int http_status = 0;
  bool ledger = false;    // its server has a backend ledger; `entries` are its trace's
  std::vector<LedgerSighting> entries;
  bool role_checked = false;  // its server's result names the database role (role_at)
  std::string role;       // "" when the result had none
};

struct IsolationTally {
  long cross_user = 0;           // a backend request or role that is not the caller's
  long without_entry = 0;        // an ok call that left no ledger entry, or no role
  long rejected_with_entry = 0;  // a call refused before the tool (429, 401) whose trace reached the backend
  long by_ledger = 0;            // calls checked against a ledger entry
  long by_role = 0;              // calls checked by their database role
  long unchecked = 0;            // ok calls of servers with neither
  std::vector<std::string> examples;  // the first few problems, for people

  void add(const CallSeen& call);
};

// The database role belongs to `user`: one of its '-'-separated parts is the user name (Vault's
// usernames: v-<display>-<role>-<random>-<time>, the role named after the user).
bool role_belongs_to(const std::string& role, const std::string& user);

// A load step's LimitedRequests (limited_request.h) are its tool calls and its sessions'
// initialize and notifications/initialized; a call step's burst, its tool calls.

struct RateLimitVerdict {
  long requests = 0;
  long rejected = 0;         // 429s
  bool due = false;          // some span had more requests than the bucket could let through
  long violations = 0;
  std::vector<std::string> problems;  // what each violation was, for people
};

// `requests` of one user on one server (any order).
RateLimitVerdict check_rate_limit(std::vector<LimitedRequest> requests, int limit, std::chrono::milliseconds window);

// check_rate_limit's `due` alone, which is far cheaper: for asking after every call of a burst
// or a probe whether it has tested the limit yet.
bool rejection_due(std::vector<LimitedRequest> requests, int limit, std::chrono::milliseconds window);

// Why `requests` (one user's burst on one server) could not test a limit of `limit` per
// `window`: no span of them held more than the limit lets through (check_rate_limit's `due`),
// so a good limiter had nothing to refuse — with the rate they came at, for people. nullopt
// when they did test it.
std::optional<std::string> limit_not_reached(const std::vector<LimitedRequest>& requests, int limit,
                                             std::chrono::milliseconds window);

}  // namespace mcph::harness::scenario
