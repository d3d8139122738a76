// The `slow_clients` step: connections that start a request and never finish it, held beside
// the scenario's next steps (family 9: the server still serves others meanwhile).
#include "../slow_clients.h"

#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/http/url.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

constexpr int kMaxConnections = 1024;
constexpr long kMaxHoldMs = 60'000;

void run_slow_clients(const SlowClientsStep& step, StepRun& run) {
  const http::Url url = http::parse_url(run.executor.target_service(step.server).url);
  SlowClientsOptions options;
  options.host = url.host;
  options.port = url.port;
  options.connections = step.connections;
  options.start = substitute(step.start, run.resolve);
  options.trickle = substitute(step.trickle, run.resolve);
  options.every = std::chrono::milliseconds(step.every_ms);
  options.hold = std::chrono::milliseconds(step.for_ms);
  run.state.slow_clients.push_back(std::make_unique<SlowClients>(options));
  run.record.note({{"slow_clients", step.connections},
                   {"server", url.origin()},
                   {"start", options.start},
                   {"trickle", options.trickle},
                   {"every_ms", step.every_ms},
                   {"for_ms", step.for_ms}});
}

SlowClientsStep read_slow_clients(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"server", "connections", "send", "trickle", "every_ms", "for_ms"});
  SlowClientsStep step;
  step.server = reader.required_text(value, "server", here);
  step.start = reader.required_text(value, "send", here);
  step.trickle = reader.required_text(value, "trickle", here);
  if (!value["connections"].IsDefined()) reader.fail(value, Reader::join(here, "connections"), "missing");
  step.connections = static_cast<int>(
      bounded_integer(reader, value["connections"], Reader::join(here, "connections"), 1, kMaxConnections));
  if (value["every_ms"].IsDefined()) {
    step.every_ms = static_cast<int>(bounded_integer(reader, value["every_ms"], Reader::join(here, "every_ms"), 10, kMaxHoldMs));
  }
  if (value["for_ms"].IsDefined()) {
    step.for_ms = static_cast<int>(bounded_integer(reader, value["for_ms"], Reader::join(here, "for_ms"), 1, kMaxHoldMs));
  }
  return step;
}

std::string slow_clients_title(const SlowClientsStep& step, const std::string&) {
  return std::to_string(step.connections) + " slow clients hold connections to " + step.server;
}

}  // namespace

StepKindInfo slow_clients_step_kind() {
  return {
      .kind = StepKind::slow_clients,
      .name = "slow_clients",
      .summary = "Connections that start a request and never finish it, held beside the next steps until `for_ms` "
                 "has passed or the scenario ends.",
      .example = "slow_clients: {server: jira-mcp, connections: 128, send: \"GET /mcp HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\", "
                 "trickle: \"X-Slow: 1\\r\\n\", every_ms: 1000, for_ms: 6000}",
      .fields = {{"slow_clients.server", "a service of the stack, or an MCP server's short name"},
                 {"slow_clients.connections", "how many (at most 1024)"},
                 {"slow_clients.send", "the start each sends at once"},
                 {"slow_clients.trickle", "then sent again on each connection the server keeps open …"},
                 {"slow_clients.every_ms", "… this far apart (default 1000) …"},
                 {"slow_clients.for_ms", "… until this has passed (default 5000, at most 60000)"}},
      .read = [](const StepSource& source) -> StepSpec { return read_slow_clients(source); },
      .run = runner<SlowClientsStep>(run_slow_clients),
      .title = titler<SlowClientsStep>(slow_clients_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<SlowClientsStep>().server);
      },
      .needs_caller = never,
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
