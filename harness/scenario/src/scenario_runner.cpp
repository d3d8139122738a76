#include "mcph/harness/scenario/scenario_runner.h"

#include "mcph/harness/scenario/run_order.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

#include "answer_class.h"
#include "expectations.h"
#include "findings.h"
#include "scenario_status.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/http/client.h"
#include "mcph/http/message.h"
#include "mcph/http/url.h"
#include "mcph/secrets/scrub.h"
#include "stack_needs.h"
#include "step_reach.h"
#include "recorder.h"
#include "step_executor.h"
#include "steps/step_kind.h"
#include "trace_signature.h"
#include "workload_client.h"
#include "mcph/sync/elapsed.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// How often a step with `settle_for` is asked again.
constexpr auto kSettleInterval = std::chrono::seconds(1);

bool all_held(const std::vector<reports::Check>& checks) {
  for (const auto& check : checks) {
    if (check.verdict != reports::Check::Verdict::held) return false;
  }
  return true;
}

// "3: alice calls jira.get_issue"
std::string step_title(std::size_t index, const Step& step) {
  const std::string who = step.as.empty() ? step.token_name : step.as;
  return std::to_string(index) + ": " + (step.describe.empty() ? step_kind_info(step.kind()).title(step, who) : step.describe);
}

Json audit_for_trace(const Json& audit, UserDirectory& users) {
  Json out = Json::array();
  for (const auto& entry : audit) {
    const std::string entity = entry.value("/auth/entity_id"_json_pointer, "");
    out.push_back({{"time", entry.value("time", "")},
                   {"type", entry.value("type", "")},
                   {"operation", entry.value("/request/operation"_json_pointer, "")},
                   {"path", entry.value("/request/path"_json_pointer, "")},
                   {"entity", entity.empty() ? "" : users.entity_name(entity)},
                   {"error", entry.value("error", "")}});
  }
  return out;
}

}  // namespace

struct ScenarioRunner::Impl {
  stack::StackFile stack;
  RunnerOptions options;
  UserDirectory users;
  StepExecutor executor;
  std::string last_trace;

  Impl(stack::StackFile s, RunnerOptions o)
      : stack(std::move(s)),
        options(std::move(o)),
        users(stack, fixtures::fixtures_or_default(options.fixtures_dir)),
        executor(stack, users, options) {}

  void say(const std::string& line) const {
    if (options.progress) options.progress(line);
  }

  std::optional<std::string> resolve(const std::string& name, const ScenarioState& state) {
    if (auto it = state.saved.find(name); it != state.saved.end()) return it->second;
    if (name == "realm") return stack.realm;
    const auto dot = name.find('.');
    if (dot == std::string::npos) return std::nullopt;
    const std::string user = name.substr(0, dot), field = name.substr(dot + 1);
    // ${url.SERVICE}: a service's URL as the stack file gives it (an MCP server's endpoint).
    if (user == "url") {
      if (const stack::ServiceEntry* entry = stack.find_service(field)) return entry->url;
      return std::nullopt;
    }
    // ${host.SERVICE} (host:port, a Host header's value) and ${path.SERVICE} (its URL's path):
    // for requests written byte by byte.
    // ${server_host.SERVICE}: the host:port the MCP servers reach it at (its url_for_servers
    // behind the fault proxy, else its own), which a server's error must not show either.
    if (user == "host" || user == "path" || user == "server_host") {
      const stack::ServiceEntry* entry = stack.find_service(field);
      if (!entry) return std::nullopt;
      const std::string& for_servers = entry->url_for_servers;
      const http::Url url = http::parse_url(user == "server_host" && !for_servers.empty() ? for_servers : entry->url);
      return user == "path" ? url.path : url.authority();
    }
    // ${cognito.pool_id}, ${cognito.app_client_id}, ${cognito.issuer}: a Cognito stack's pool.
    if (user == "cognito") {
      const stack::ServiceEntry* entry = stack.find_service("cognito");
      if (!entry) return std::nullopt;
      if (field == "pool_id") return entry->idp.pool_id;
      if (field == "app_client_id") return entry->idp.app_client_id;
      if (field == "issuer") return entry->idp.issuer;
      return std::nullopt;
    }
    // ${broader_scope.SERVICE}: the scope its stack entry says implies its write scope.
    if (user == "broader_scope") {
      const stack::ServiceEntry* entry = stack.find_service(field);
      if (!entry || entry->mcp.broader_scope.empty()) return std::nullopt;
      return entry->mcp.broader_scope;
    }
    // ${spiffe.AGENT}: the SPIFFE ID the stack's trust domain registers for an agent, whatever
    // the trust domain is called and whatever shape its IDs have (the entry's agent_ids).
    if (user == "spiffe") return WorkloadClient(stack).spiffe_id(field);
    // ${client.AGENT}: the realm's client the agent's SVIDs authenticate (a token's azp), as
    // the realm named it.
    if (user == "client") return WorkloadClient(stack).client_of(field);
    // ${token.NAME}: a held token's text, for raw headers and tokens built from it.
    if (user == "token") {
      if (auto it = state.tokens.find(field); it != state.tokens.end()) return it->second.value;
      return std::nullopt;
    }
    if (field == "username") return users.fixture(user).username;
    if (field == "id") return users.keycloak_id(user);
    if (field == "entity_id") return users.entity_id(user);
    return std::nullopt;
  }

  reports::ScenarioResult run_scenario(const ScenarioFile& file, const Scenario& scenario, Json& trace_steps) {
    reports::ScenarioResult result;
    result.name = scenario.name;
    result.description = scenario.description;
    result.family = file.family;
    ScenarioState state;
    state.seed = scenario_seed(options.seed, file, scenario);
    // Should anything but a std::exception leave this function, its changes are undone still.
    struct UndoChanges {
      StepExecutor& executor;
      ScenarioState& state;
      ~UndoChanges() {
        try {
          executor.undo_changes(state);
        } catch (...) {  // reported by the explicit undo below when it is reached
        }
      }
    } undo_changes_on_exit{executor, state};
    const Resolver resolve = [&](const std::string& name) { return this->resolve(name, state); };
    CheckContext context;
    context.entity_of = [&](const std::string& user) { return user.empty() || user == "root" ? std::string() : users.entity_id(user); };
    context.entity_name = [&](const std::string& id) { return users.entity_name(id); };
    context.rate_limit = file.needs.rate_limit;
    context.rate_window = std::chrono::milliseconds(file.needs.rate_window_ms);

    const auto started = Clock::now();
    std::set<std::string> accepted_so_far;  // the servers that accepted a step of this scenario
    for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
      const Step& step = scenario.steps[i];
      const std::string title = step_title(i + 1, step);
      Json recorded = {{"index", i + 1}, {"title", title}, {"line", step.where.line}, {"kind", to_string(step.kind())}};
      reports::StepRecord record;
      record.title = title;
      const auto step_started = Clock::now();
      try {
        std::vector<Expectation> expectations = step.expect;
        for (auto& expectation : expectations) {
          expectation.value = substitute_json(Json::parse(expectation.value), resolve).dump();
        }
        StepOutcome outcome = executor.run(step, state, resolve);
        std::vector<reports::Check> checks = check_expectations(expectations, outcome, context);
        const auto settled_by = step_started + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(step.settle_for_s));
        int tries = 1;
        while (!all_held(checks) && Clock::now() + kSettleInterval <= settled_by) {
          std::this_thread::sleep_for(kSettleInterval);
          outcome = executor.run(step, state, resolve);
          checks = check_expectations(expectations, outcome, context);
          ++tries;
        }
        if (tries > 1) recorded["tries"] = tries;
        outcome.title = title;
        record.server = outcome.server;
        record.ms = outcome.ms;
        record.http_status = outcome.http.status;
        const auto* call = step.get_if<CallStep>();
        const auto* http = step.get_if<HttpStep>();
        if ((call && call->repeat > 1) || (http && http->repeat > 1)) record.statuses = outcome.burst.statuses;
        record.retry_after = outcome.burst.retry_after;
        record.trace_ids = outcome.trace_ids;
        record.checks = std::move(checks);
        const std::string& property = step.property.empty() ? scenario.property : step.property;
        record_answer(step, property, outcome, record, accepted_so_far);
        const auto failures = reports::failures_of(record);
        std::optional<std::string> sessionless;
        for (const auto& [name, pointer] : step.save) {
          if (pointer.rfind("header:", 0) == 0) {  // a response header (Mcp-Session-Id, …)
            const auto header = http::find_field(outcome.http.headers, pointer.substr(7));
            if (!header && (sessionless = keeps_no_sessions(pointer.substr(7), outcome))) break;
            if (!header) throw std::runtime_error("save " + name + ": the answer has no " + pointer.substr(7) + " header");
            state.saved[name] = *header;
            continue;
          }
          const Json::json_pointer at(pointer);
          if (!outcome.result.is_structured() || !outcome.result.contains(at)) {
            throw std::runtime_error("save " + name + ": the result has nothing at " + pointer + " (" + outcome.describe() + ")");
          }
          const Json& value = outcome.result.at(at);
          state.saved[name] = value.is_string() ? value.get<std::string>() : value.dump();
        }
        recorded["ms"] = outcome.ms;
        if (outcome.paced_ms > 0) recorded["paced_ms"] = outcome.paced_ms;  // waited for the stack's rate limit first
        recorded["exchanges"] = outcome.exchanges;
        recorded["ledger"] = outcome.ledger.entries;
        recorded["audit"] = audit_for_trace(outcome.audit.entries, users);
        recorded["signature"] = trace_signature(outcome, record.checks);
        Json failed = Json::array();
        for (const auto& failure : failures) failed.push_back({{"expectation", failure.expectation}, {"actual", failure.actual}});
        recorded["failures"] = failed;
        trace_steps.push_back(recorded);
        result.failures.insert(result.failures.end(), failures.begin(), failures.end());
        if (auto finding = finding_of(record, property)) {
          result.findings.push_back(std::move(*finding));
        }
        if (outcome.load) record.load = outcome.load->levels;
        if (!outcome.load_record.is_null() && options.on_load_record) {
          options.on_load_record(file.suite, scenario.name, i + 1, outcome.load_record);
        }
        const auto unreached = unreached_reason(record, i + 1);
        result.steps.push_back(std::move(record));
        if (sessionless && result.failures.empty()) {
          result.findings.clear();
          result.status = reports::ScenarioResult::Status::skipped;
          result.message = *sessionless;
          break;
        }
        if (unreached) {
          make_inconclusive(result, *unreached);
          break;
        }
      } catch (const std::exception& e) {
        record.ms = sync::ms_since(step_started);
        // Nothing listening where the server should be: not reached, no verdict on it.
        if (const auto unconnected = dynamic_cast<const http::TransportError*>(&e) ? unconnected_reason(step, e.what(), i + 1)
                                                                                  : std::nullopt) {
          record.answer = std::string(name_of(AnswerClass::not_reached));
          record.error = secrets::scrub(e.what());
          recorded["error"] = *unconnected;
          trace_steps.push_back(recorded);
          result.steps.push_back(std::move(record));
          make_inconclusive(result, *unconnected);
          break;
        }
        // The step could not be carried out at all: the scenario is broken, not failed.
        result.status = reports::ScenarioResult::Status::error;
        result.message = "step " + title + " (" + step.where.to_string() + "): " + secrets::scrub(e.what());
        recorded["error"] = result.message;
        trace_steps.push_back(recorded);
        record.ms = sync::ms_since(step_started);
        record.error = secrets::scrub(e.what());
        result.steps.push_back(std::move(record));
        break;
      }
    }
    // A fault or a disabled user never outlives its scenario, however the scenario ended.
    try {
      executor.undo_changes(state);
    } catch (const std::exception& e) {
      result.status = reports::ScenarioResult::Status::error;
      result.message += std::string(result.message.empty() ? "" : "; ") + secrets::scrub(e.what());
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    settle_status(result);
    result.flows = std::move(state.flows);
    return result;
  }
};

std::filesystem::path pacing_dir_for(const stack::StackFile& stack, const std::filesystem::path& stack_file) {
  if (!stack.supervisor || stack_file.empty()) return {};
  return stack_file.parent_path() / "pacing";
}

ScenarioRunner::ScenarioRunner(stack::StackFile stack, RunnerOptions options)
    : impl_(std::make_unique<Impl>(std::move(stack), std::move(options))) {}

ScenarioRunner::~ScenarioRunner() = default;

const std::string& ScenarioRunner::last_trace() const { return impl_->last_trace; }

std::optional<std::string> ScenarioRunner::not_applicable(const ScenarioFile& file, const Scenario& scenario) const {
  const ServersCalled servers_called = [this](const Step& step) { return impl_->executor.servers_called(step); };
  return scenario::not_applicable(file, scenario, impl_->stack, servers_called);
}

reports::SuiteResult ScenarioRunner::run(const ScenarioFile& file, const std::vector<std::string>& only) {
  reports::SuiteResult suite;
  suite.file = file.path;
  suite.name = file.suite;
  suite.family = file.family;
  suite.started_at = reports::utc_now();

  Json services = Json::object();
  for (const auto& [name, entry] : impl_->stack.services) services[name] = entry.url;
  Json trace = {{"format", trace_format},
                {"suite", file.suite},
                {"family", file.family},
                {"file", file.path},
                {"started_at", suite.started_at},
                {"seed", impl_->options.seed},
                {"shuffle", impl_->options.shuffle},
                {"stack", {{"mode", to_string(impl_->stack.mode)}, {"realm", impl_->stack.realm}, {"services", services}}},
                {"source", file.source},
                {"scenarios", Json::array()}};

  std::string trace_path;
  if (!impl_->options.trace_dir.empty()) {
    std::filesystem::create_directories(impl_->options.trace_dir);
    // One scenario run alone (as ctest runs them, in parallel) gets a trace file of its own.
    const std::string stem = only.size() == 1 ? file.suite + "." + identifier(only.front()) : file.suite;
    trace_path = (impl_->options.trace_dir / (stem + ".trace.json")).string();
  }
  // What the file needs of a stack it applies to (its users, its rate limit), asked once, when
  // the first of its scenarios applies: a stack it does not apply to is not asked.
  std::optional<std::optional<std::string>> unmet;
  for (const std::size_t index : scenario_order(file, impl_->options.seed, impl_->options.shuffle)) {
    const Scenario& scenario = file.scenarios[index];
    if (!only.empty() && std::find(only.begin(), only.end(), scenario.name) == only.end()) continue;
    Json steps = Json::array();
    reports::ScenarioResult result;
    const bool interrupted = impl_->options.stop_requested && impl_->options.stop_requested();
    // A scenario whose needs this stack lacks, of a transport its servers do not speak, or whose
    // faults they would never see: skipped, saying why (and where to point them).
    const auto skipped_because = interrupted ? std::optional<std::string>("not run: the run was interrupted")
                                             : not_applicable(file, scenario);
    if (!skipped_because && !unmet) unmet = unmet_needs(file.needs, impl_->stack, impl_->users);
    if (skipped_because || *unmet) {
      result.name = scenario.name;
      result.description = scenario.description;
      result.family = file.family;
      result.status = skipped_because ? reports::ScenarioResult::Status::skipped : reports::ScenarioResult::Status::error;
      result.message = skipped_because ? *skipped_because : **unmet;
    } else {
      result = impl_->run_scenario(file, scenario, steps);
    }
    result.trace_file = trace_path;
    impl_->say("[" + file.suite + "] " + scenario.name + ": " + reports::status_text(result) + " (" +
               reports::human_duration(result.seconds) + ")" +
               (result.failures.empty() ? "" : " — " + result.failures.front().expectation + ": " + result.failures.front().actual) +
               (result.message.empty() ? "" : " — " + result.message));
    trace["scenarios"].push_back({{"name", scenario.name},
                                  {"line", scenario.where.line},
                                  {"status", reports::to_string(result.status)},
                                  {"seconds", result.seconds},
                                  {"message", result.message},
                                  {"steps", steps}});
    suite.scenarios.push_back(std::move(result));
  }
  scrub_strings(trace);  // once, for the whole trace: nothing in it is written unscrubbed
  impl_->last_trace = trace.dump(2);
  if (!trace_path.empty()) {
    std::ofstream out(trace_path);
    out << impl_->last_trace << "\n";
    if (!out) throw std::runtime_error("cannot write the trace " + trace_path);
  }
  return suite;
}

}  // namespace mcph::harness::scenario
