// The `tcp` step: bytes on a raw TCP connection, for what no HTTP client sends (a request
// trickled byte by byte, a bare CR in a header); the answer, if a whole one came, and when the
// server closed the connection (family 9).
#include "../raw_tcp.h"
#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/harness/load/response_parser.h"
#include "mcph/http/url.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

// No wait of a tcp step may be longer than this.
constexpr long kMaxTcpWaitMs = 60'000;

void run_tcp(const TcpStep& step, StepRun& run) {
  StepOutcome& out = run.out;
  const http::Url url = http::parse_url(run.executor.target_service(step.server).url);
  RawSend send;
  send.host = url.host;
  send.port = url.port;
  for (const auto& chunk : step.chunks) send.chunks.push_back(substitute(chunk, run.resolve));
  send.delay = std::chrono::milliseconds(step.delay_ms);
  send.trickle = substitute(step.trickle, run.resolve);
  send.trickle_every = std::chrono::milliseconds(step.trickle_every_ms);
  send.trickle_times = step.trickle_times;
  send.read_for = std::chrono::milliseconds(step.read_ms);
  const auto started = sync::SteadyClock::now();
  const RawReply reply = exchange_raw(send);
  // The first answer, when a whole one came (a server may also just hang up: status 0), and how
  // many came in all.
  load::ResponseParser parser;
  std::vector<load::ParsedResponse> answers;
  for (auto parsed = parser.feed(reply.received);; parsed = parser.feed({})) {
    if (parsed == load::ResponseParser::State::incomplete) parsed = parser.finish();
    if (parsed != load::ResponseParser::State::complete) break;
    answers.push_back(parser.take());
  }
  const load::ParsedResponse response = answers.empty() ? load::ParsedResponse{} : answers.front();
  out.connection.responses = static_cast<int>(answers.size());
  out.http.status = response.status;
  out.http.headers = response.headers;
  out.http.body = response.body;
  out.connection.closed_after_ms = reply.closed_after_ms;
  std::string sent;
  for (const auto& chunk : send.chunks) sent += chunk;
  if (send.trickle_times > 0) sent += "… then \"" + send.trickle + "\" every " + std::to_string(step.trickle_every_ms) + " ms";
  nlohmann::json& record = run.record.exchange("TCP", url.origin(), {}, sent, response.status, response.headers,
                                               response.body, sync::ms_since(started));
  record["bytes_sent"] = reply.bytes_sent;
  record["closed_after_ms"] = reply.closed_after_ms ? nlohmann::json(*reply.closed_after_ms) : nlohmann::json(nullptr);
}

// tcp: {server, send: [chunks], delay_ms, trickle: {text, every_ms, times}, read_ms}
TcpStep read_tcp(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"server", "send", "delay_ms", "trickle", "read_ms"});
  TcpStep step;
  step.server = reader.required_text(value, "server", here);
  const YAML::Node send = value["send"];
  const std::string send_field = Reader::join(here, "send");
  if (!send.IsDefined()) reader.fail(value, send_field, "missing");
  if (!send.IsSequence() || send.size() == 0) reader.fail(send, send_field, "expected a non-empty list of text chunks");
  for (std::size_t i = 0; i < send.size(); ++i) {
    step.chunks.push_back(reader.text(send[i], send_field + "[" + std::to_string(i) + "]"));
  }
  if (value["delay_ms"].IsDefined()) {
    step.delay_ms = static_cast<int>(bounded_integer(reader, value["delay_ms"], Reader::join(here, "delay_ms"), 0, kMaxTcpWaitMs));
  }
  if (value["read_ms"].IsDefined()) {
    step.read_ms = static_cast<int>(bounded_integer(reader, value["read_ms"], Reader::join(here, "read_ms"), 1, kMaxTcpWaitMs));
  }
  if (const YAML::Node trickle = value["trickle"]; trickle.IsDefined()) {
    const std::string field = Reader::join(here, "trickle");
    reader.only_keys(trickle, field, {"text", "every_ms", "times"});
    for (const char* key : {"text", "every_ms", "times"}) {
      if (!trickle[key].IsDefined()) reader.fail(trickle, Reader::join(field, key), "missing");
    }
    step.trickle = reader.required_text(trickle, "text", field);
    step.trickle_every_ms = static_cast<int>(bounded_integer(reader, trickle["every_ms"], Reader::join(field, "every_ms"), 1, kMaxTcpWaitMs));
    step.trickle_times = static_cast<int>(bounded_integer(reader, trickle["times"], Reader::join(field, "times"), 1, 10'000));
    if (static_cast<long>(step.trickle_every_ms) * step.trickle_times > kMaxTcpWaitMs) {
      reader.fail(trickle, field, "every_ms × times must be at most " + std::to_string(kMaxTcpWaitMs) + " ms");
    }
  }
  if (static_cast<long>(step.delay_ms) * static_cast<long>(step.chunks.size()) > kMaxTcpWaitMs) {
    reader.fail(value, Reader::join(here, "delay_ms"), "delay_ms × chunks must be at most " + std::to_string(kMaxTcpWaitMs) + " ms");
  }
  return step;
}

std::string tcp_title(const TcpStep& step, const std::string&) {
  return "raw bytes to " + step.server + (step.trickle_times > 0 ? ", trickled" : "");
}

}  // namespace

StepKindInfo tcp_step_kind() {
  return {
      .kind = StepKind::tcp,
      .name = "tcp",
      .summary = "Bytes on a raw TCP connection, for what no HTTP client sends; every wait is bounded (60 s at most).",
      .example = "tcp: {server: jira-mcp, send: [\"POST /mcp HTTP/1.1\\r\\n\"], trickle: {text: \"x\", every_ms: 500, times: 20}}",
      .fields = {{"tcp.server", "a service of the stack, or an MCP server's short name"},
                 {"tcp.send", "text chunks, written in order"},
                 {"tcp.delay_ms", "between chunks"},
                 {"tcp.trickle", "`{text, every_ms, times}`: then this text again and again, until the server answers or closes"},
                 {"tcp.read_ms", "how long to wait for the answer after the last byte (default 5000)"}},
      .yields = {ResultPart::http_answer, ResultPart::connection},
      .read = [](const StepSource& source) -> StepSpec { return read_tcp(source); },
      .run = runner<TcpStep>(run_tcp),
      .title = titler<TcpStep>(tcp_title),
      .addressed = [](const StepExecutor& executor, const Step& step) {
        return executor.target_service_name(step.get<TcpStep>().server);
      },
      .needs_caller = never,
      .calls_servers = true,
  };
}

}  // namespace mcph::harness::scenario
