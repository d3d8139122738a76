#include "load_checks.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "mcph/sync/elapsed.h"

namespace mcph::harness::scenario {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxExamples = 8;

using sync::ms_between;

bool accepted(const LimitedRequest& request) { return request.http_status >= 200 && request.http_status < 300; }
bool rejected(const LimitedRequest& request) { return request.http_status == 429; }

bool valid_retry_after(const std::string& value) {
  return !value.empty() && value.size() < 10 &&
         std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }) && std::stol(value) >= 1;
}

}  // namespace

bool role_belongs_to(const std::string& role, const std::string& user) {
  if (user.empty()) return false;
  std::size_t start = 0;
  while (start <= role.size()) {
    const std::size_t dash = std::min(role.find('-', start), role.size());
    if (role.compare(start, dash - start, user) == 0 && dash - start == user.size()) return true;
    start = dash + 1;
  }
  return false;
}

void IsolationTally::add(const CallSeen& call) {
  const auto example = [&](const std::string& what) {
    if (examples.size() < kMaxExamples) examples.push_back(call.user + " (trace " + call.trace_id + "): " + what);
  };
  if (call.ledger) {
    ++by_ledger;
    bool foreign = false;
    for (const auto& entry : call.entries) {
      if (entry.credential_of == call.user) continue;
      foreign = true;
      example("a backend request with the credential of " + entry.credential_of);
    }
    if (foreign) ++cross_user;
    const bool refused_before_the_tool = call.http_status == 429 || call.http_status == 401 || call.http_status == 403;
    if (call.ok && call.entries.empty()) {
      ++without_entry;
      example("a tool result, and no backend request carried its trace id");
    } else if (refused_before_the_tool && !call.entries.empty()) {
      ++rejected_with_entry;
      example("refused with HTTP " + std::to_string(call.http_status) + ", yet its trace reached the backend");
    }
    return;
  }
  if (call.role_checked) {
    if (!call.ok) return;
    ++by_role;
    if (call.role.empty()) {
      ++without_entry;
      example("a tool result without the database role it ran as");
    } else if (!role_belongs_to(call.role, call.user)) {
      ++cross_user;
      example("ran as database role " + call.role);
    }
    return;
  }
  if (call.ok) ++unchecked;
}

namespace {

// What the bucket lets through in a span: its burst and its refill.
double bucket_bound(double span_ms, int limit, std::chrono::milliseconds window) {
  return limit + static_cast<double>(limit) / static_cast<double>(window.count()) * std::max(0.0, span_ms) + 1e-9;
}

// Every interval from one of `subset`'s sendings (`subset` sorted by sending) to one of their
// answers, with how many of `subset` it wholly holds: visit(start, end, count) for each start
// (the latest first) and each answer at or after it (the earliest first; equal answers once,
// counted together), until visit returns false. O(n²): each start adds its answer to the
// sorted answers of those sent after it.
template <typename Visit>
void each_interval(const std::vector<const LimitedRequest*>& subset, Visit&& visit) {
  std::vector<Clock::time_point> answers;
  for (std::size_t i = subset.size(); i-- > 0;) {
    answers.insert(std::upper_bound(answers.begin(), answers.end(), subset[i]->answered), subset[i]->answered);
    for (std::size_t p = 0; p < answers.size(); ++p) {
      if (p + 1 < answers.size() && answers[p + 1] == answers[p]) continue;
      if (!visit(i, answers[p], p + 1)) return;
    }
  }
}

std::vector<const LimitedRequest*> those(const std::vector<LimitedRequest>& requests,
                                         bool (*pick)(const LimitedRequest&)) {
  std::vector<const LimitedRequest*> out;
  for (const auto& request : requests) {
    if (pick(request)) out.push_back(&request);
  }
  return out;
}

bool reached(const LimitedRequest& request) { return accepted(request) || rejected(request); }

void sort_by_sending(std::vector<LimitedRequest>& requests) {
  std::sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) { return a.sent < b.sent; });
}

// Due: some interval [a request's sending, a request's answer] wholly held more requests that
// reached the limiter (accepted or refused) than the bucket lets through in it — each of them
// was decided inside it, whenever exactly. Adding requests never undoes it, so a probe that saw
// it part-way is due in the end too. `requests` sorted by sending.
bool due_in_sorted(const std::vector<LimitedRequest>& requests, int limit, std::chrono::milliseconds window) {
  const auto subset = those(requests, reached);
  bool due = false;
  each_interval(subset, [&](std::size_t start, Clock::time_point end, std::size_t count) {
    due = static_cast<double>(count) > bucket_bound(ms_between(subset[start]->sent, end), limit, window);
    return !due;
  });
  return due;
}

}  // namespace

RateLimitVerdict check_rate_limit(std::vector<LimitedRequest> requests, int limit, std::chrono::milliseconds window) {
  RateLimitVerdict verdict;
  verdict.requests = static_cast<long>(requests.size());
  if (limit <= 0 || window.count() <= 0 || requests.empty()) return verdict;
  sort_by_sending(requests);
  const auto bound = [&](double span_ms) { return bucket_bound(span_ms, limit, window); };
  const Clock::time_point origin = requests.front().sent;
  const auto problem = [&](const std::string& text) {
    ++verdict.violations;
    if (verdict.problems.size() < kMaxExamples) verdict.problems.push_back(text);
  };
  char line[256];

  // A 429 needs a full bucket to be wrong: at most limit-1 other requests could have been
  // counted in the window before it.
  for (std::size_t c = 0; c < requests.size(); ++c) {
    if (!rejected(requests[c])) continue;
    ++verdict.rejected;
    if (!valid_retry_after(requests[c].retry_after)) {
      problem("a 429 without a Retry-After of at least one second (\"" + requests[c].retry_after.substr(0, 20) + "\")");
    }
    const auto window_start = requests[c].sent - window;
    long others = 0;
    for (std::size_t k = 0; k < requests.size(); ++k) {
      if (k != c && requests[k].answered > window_start && requests[k].sent < requests[c].answered) ++others;
    }
    if (others <= limit - 1) {
      std::snprintf(line, sizeof line, "a 429 at +%.0f ms, though at most %ld other requests could count against a limit of %d",
                    ms_between(origin, requests[c].sent), others, limit);
      problem(line);
    }
  }

  // Accepted requests: in any span, at most limit + limit×span/window (the bucket's burst and
  // its refill). The span of a set is at most from the first one's sending to the last answer.
  const auto ok = those(requests, accepted);
  double worst = 0;
  std::size_t worst_start = 0;
  std::string worst_text;
  each_interval(ok, [&](std::size_t start, Clock::time_point end, std::size_t count) {
    const double span = ms_between(ok[start]->sent, end);
    const double over = static_cast<double>(count) - bound(span);
    // The largest excess; of equal ones, the earliest start's shortest span.
    if (over > worst || (worst > 0 && over == worst && start < worst_start)) {
      worst = over;
      worst_start = start;
      std::snprintf(line, sizeof line, "%zu requests accepted within %.0f ms from +%.0f ms: more than the limit of %d per %lld ms allows",
                    count, span, ms_between(origin, ok[start]->sent), limit, static_cast<long long>(window.count()));
      worst_text = line;
    }
    return true;
  });
  if (worst > 0) problem(worst_text);

  verdict.due = due_in_sorted(requests, limit, window);
  return verdict;
}

bool rejection_due(std::vector<LimitedRequest> requests, int limit, std::chrono::milliseconds window) {
  if (limit <= 0 || window.count() <= 0) return false;
  sort_by_sending(requests);
  return due_in_sorted(requests, limit, window);
}

std::optional<std::string> limit_not_reached(const std::vector<LimitedRequest>& requests, int limit,
                                             std::chrono::milliseconds window) {
  if (rejection_due(requests, limit, window)) return std::nullopt;
  std::vector<Clock::time_point> sent;
  Clock::time_point last_answer{};
  long answered = 0;  // with 2xx or 429: they reached the limiter
  for (const auto& request : requests) {
    sent.push_back(request.sent);
    last_answer = std::max(last_answer, request.answered);
    if (reached(request)) ++answered;
  }
  std::sort(sent.begin(), sent.end());
  std::size_t most = 0;  // sent within any one window
  for (std::size_t i = 0, j = 0; j < sent.size(); ++j) {
    while (sent[j] - sent[i] >= window) ++i;
    most = std::max(most, j - i + 1);
  }
  const auto n = static_cast<long>(requests.size());
  char rate[160] = "at once";
  if (sent.size() > 1 && sent.back() > sent.front()) {
    const double seconds = ms_between(sent.front(), sent.back()) / 1000.0;
    std::snprintf(rate, sizeof rate, "at %.0f/s (sent over %.2f s, the last answered %.2f s after the first was sent)",
                  static_cast<double>(n - 1) / seconds, seconds, ms_between(sent.front(), last_answer) / 1000.0);
  }
  const std::string per = std::to_string(limit) + " per " + std::to_string(window.count()) + " ms";
  return "the burst's " + std::to_string(n) + (n == 1 ? " call" : " calls") + " came " + rate + ", at most " +
         std::to_string(most) + " sent in any " + std::to_string(window.count()) + " ms" +
         (answered < n ? " and " + std::to_string(answered) + " of them answered with 2xx or 429" : std::string()) +
         ": never more than a limit of " + per + " lets through, so the limit was not tested; run on a quieter machine "
         "or fewer tests in parallel";
}

}  // namespace mcph::harness::scenario
