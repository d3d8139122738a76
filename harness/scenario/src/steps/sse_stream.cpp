#include "sse_stream.h"

#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/sync/elapsed.h"
#include "rpc_outcome.h"

namespace mcph::harness::scenario {

OpenedStream open_sse_stream(StepRun& run, const stack::ServiceEntry& entry, const std::string& service, const std::string& url,
                             const http::Fields& headers, const std::string& subject) {
  StepExecutor& executor = run.executor;
  mcp::ClientOptions options;
  options.transport = mcp::Transport::sse;
  options.protocol_version = kSseProtocolVersion;
  options.http.read_timeout = executor.options().http_timeout;
  OpenedStream opened{std::make_unique<mcp::Client>(url, options), {}};
  for (const auto& [name, value] : headers) opened.client->set_header(name, value);
  const stack::RateLimit limit = stated_rate_limit(entry);
  constexpr int kOpening = 3;  // the GET, initialize, notifications/initialized
  executor.pace(service, subject, limit, kOpening, run.out);
  const auto started = sync::SteadyClock::now();
  opened.init = opened.client->connect();
  executor.answered(service, subject, limit, opened.init.http_status, kOpening);
  run.record.exchange("GET", url, headers, "(the stream) and initialize", opened.init.http_status, opened.init.headers,
                      opened.init.body, sync::ms_since(started));
  return opened;
}

}  // namespace mcph::harness::scenario
