#include "mcph/http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/http/json.h"
#include "mcph/http/trace_context.h"
#include "mcph/proc/service.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

ClientOptions client_options(std::chrono::milliseconds connect, std::chrono::milliseconds read) {
  ClientOptions options;
  options.connect_timeout = connect;
  options.read_timeout = read;
  return options;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.name = "test";
    options.max_body_bytes = 1024;
    server_ = std::make_unique<Server>(options);
    server_->route("GET", "/hello", [](const Request&, Response& res) {
      res.set_json(200, R"({"hello":"world"})");
    });
    server_->route("POST", "/echo", [](const Request& req, Response& res) {
      set_json(res, 200, {{"got", parse_json_body(req)}, {"type", req.header("content-type")}});
    });
    server_->route("GET", "/items/([^/]+)/parts/([0-9]+)", [](const Request& req, Response& res) {
      res.body = req.captures.at(0) + "#" + req.captures.at(1) + "?" + req.query_param("q").value_or("-");
    });
    server_->route("GET", "/slow", [](const Request&, Response& res) {
      std::this_thread::sleep_for(600ms);
      res.body = "late";
    });
    server_->route("GET", "/teapot", [](const Request&, Response&) { throw HttpError(418, "short and stout"); });
    server_->route("GET", "/crash", [](const Request&, Response&) {
      throw std::runtime_error("secret-detail-that-must-not-leak");
    });
    server_->start();
    client_ = std::make_unique<Client>(server_->url());
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ServerTest, BindsAnEphemeralLoopbackPortAndServes) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(server_->port()));
  const auto res = client_->get("/hello");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"hello":"world"})");
  EXPECT_EQ(res.header("content-type"), "application/json");
}

TEST_F(ServerTest, KeepAliveConnectionServesManyRequests) {
  for (int i = 0; i < 50; ++i) ASSERT_EQ(client_->get("/hello").status, 200);
}

TEST_F(ServerTest, JsonBodyIsParsedAndEchoed) {
  const auto res = client_->post("/echo", R"({"a":[1,2]})", "application/json");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body)["got"]["a"][1], 2);
}

TEST_F(ServerTest, InvalidJsonIsA400WithJsonError) {
  const auto res = client_->post("/echo", R"({"password":"hunter2")", "application/json");
  EXPECT_EQ(res.status, 400);
  const auto body = nlohmann::json::parse(res.body);
  EXPECT_THAT(body["error"].get<std::string>(), HasSubstr("invalid JSON body"));
  EXPECT_THAT(res.body, Not(HasSubstr("hunter2")));
}

TEST_F(ServerTest, RegexGroupsAndQueryReachTheHandler) {
  EXPECT_EQ(client_->get("/items/abc/parts/42?q=x%20y").body, "abc#42?x y");
}

// A value may hold '=' (Jira's jql=assignee = bob): a pair splits at its first '=' only.
TEST_F(ServerTest, AQueryValueKeepsEveryEqualsSignAfterTheFirst) {
  EXPECT_EQ(client_->get("/items/a/parts/1?q=assignee%20=%20bob").body, "a#1?assignee = bob");
  EXPECT_EQ(client_->get("/items/a/parts/1?q=a=b=c&r=1").body, "a#1?a=b=c");
}

// As Go's URL.Query(): a pair that does not decode is dropped, the others kept.
TEST_F(ServerTest, AQueryPairThatDoesNotDecodeIsDropped) {
  EXPECT_EQ(client_->get("/items/a/parts/1?q=%zz").body, "a#1?-");
  EXPECT_EQ(client_->get("/items/a/parts/1?r=%zz&q=kept").body, "a#1?kept");
}

TEST_F(ServerTest, UnknownPathIs404InJson) {
  const auto res = client_->get("/nope");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "not found");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  const auto res = client_->request("DELETE", "/hello");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.header("Allow"), "GET");
}

TEST_F(ServerTest, NonStandardMethodIsA400InTheServiceShape) {
  // Without ServerOptions::extension_methods, methods outside RFC 9110 are refused before
  // routing (server.h; connection_server_test.cpp has the servers that take them).
  const auto res = client_->request("LIST", "/v1/secret/metadata/users/");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "bad request: a method this server does not know");
}

TEST_F(ServerTest, OversizedBodyIs413InTheServiceShape) {
  const auto res = client_->post("/echo", std::string(4096, 'x'), "application/json");
  EXPECT_EQ(res.status, 413);
  EXPECT_THAT(nlohmann::json::parse(res.body)["error"].get<std::string>(), HasSubstr("limit 1024 bytes"));
}

TEST_F(ServerTest, HttpErrorFromHandlerKeepsItsStatus) {
  const auto res = client_->get("/teapot");
  EXPECT_EQ(res.status, 418);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "short and stout");
}

TEST(ServerErrors, AnErrorQuotingBytesThatAreNotUtf8IsStillJson) {
  Server server;
  server.route("DELETE", "/items/(.+)", [](const Request& req, Response&) {
    throw HttpError(404, "no item " + req.captures.at(0));
  });
  Request request;
  request.method = "DELETE";
  request.path = "/items/caf\xe9";
  const Response res = server.dispatch(request);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "no item caf\xef\xbf\xbd");  // U+FFFD
}

TEST(ServerErrors, AnErrorAHandlerLeavesWithoutABodyStaysWithout) {
  // A bare bearer challenge (RFC 6750 §3): the status and WWW-Authenticate, no body.
  Server server;
  server.route("GET", "/challenge", [](const Request&, Response& res) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer realm=\"x\"");
  });
  server.start();
  const auto res = Client(server.url()).get("/challenge");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(res.header("WWW-Authenticate"), "Bearer realm=\"x\"");
  EXPECT_EQ(res.header("X-Mcph-No-Body"), "") << "the internal marker is never sent";
}

TEST(ServerErrors, ARequestTheParserRefusesGetsTheServicesExtraHeaders) {
  ServerOptions options;
  options.access_log = false;
  options.malformed_request_headers = [] { return Fields{{"WWW-Authenticate", "Bearer error=\"invalid_request\""}}; };
  Server server(options);
  server.route("GET", "/x", [](const Request&, Response& res) { res.body = "never"; });
  server.start();
  // A header line over 8 KiB is refused before routing.
  const auto res = Client(server.url()).get("/x", {{"Authorization", "Bearer " + std::string(9000, 'A')}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.header("WWW-Authenticate"), "Bearer error=\"invalid_request\"");
  // A routed error (404 here) does not get them.
  EXPECT_EQ(Client(server.url()).get("/nothing").header("WWW-Authenticate"), "");
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutItsMessage) {
  ::testing::internal::CaptureStderr();
  const auto res = client_->get("/crash");
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(res.status, 500);
  EXPECT_THAT(res.body, Not(HasSubstr("secret-detail")));
  EXPECT_THAT(log, HasSubstr("secret-detail"));  // the operator still sees it
}

TEST_F(ServerTest, ClientReadTimeoutIsATransportError) {
  Client impatient(server_->url(), client_options(1s, 200ms));
  try {
    impatient.get("/slow?token=abc");
    FAIL() << "expected a timeout";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("GET " + server_->url() + "/slow"));
    EXPECT_THAT(e.what(), Not(HasSubstr("token=abc")));
    EXPECT_THAT(e.what(), ::testing::MatchesRegex(".*: no answer could be read \\(after [0-9]+ ms; on a new connection\\)"))
        << "what failed, how long it took, on which connection";
  }
}

TEST_F(ServerTest, AccessLogHasOneLinePerRequestAndNoCredentials) {
  ::testing::internal::CaptureStderr();
  client_->get("/hello?access_token=tok-1234", {{"Authorization", "Bearer eyJsecret"}});
  client_->get("/nope");
  // The log line is written after the response is sent: stop() joins the workers, so every
  // line is written once it returns.
  server_->stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("[test] GET /hello 200"));
  EXPECT_THAT(log, HasSubstr("[test] GET /nope 404"));
  EXPECT_THAT(log, Not(HasSubstr("tok-1234")));
  EXPECT_THAT(log, Not(HasSubstr("eyJsecret")));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
}

TEST_F(ServerTest, AccessLogKeepsALongPathWhole) {
  const std::string path = "/" + std::string(600, 'p');
  ::testing::internal::CaptureStderr();
  client_->get(path);
  server_->stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("[test] GET " + path + " 404"));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1);
}

TEST_F(ServerTest, StopEndsPromptlyWithAnOpenKeepAliveConnectionAndRefusesAfterwards) {
  ASSERT_EQ(client_->get("/hello").status, 200);  // leaves a keep-alive connection open
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  Client fresh(server_->url(), client_options(500ms, 500ms));
  EXPECT_THROW(fresh.get("/hello"), TransportError);
  try {
    client_->get("/hello");
    FAIL() << "expected a transport error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("; the client held a kept-alive connection)"));
  }
  server_->stop();  // idempotent
}

TEST(ServerErrors, CustomErrorFormatterShapesEveryError) {
  ServerOptions options;
  options.max_body_bytes = 16;
  options.access_log = false;
  options.error_formatter = [](int, std::string_view message, Response& res) {
    res.set_json(0, nlohmann::json{{"errors", {message}}}.dump());
  };
  Server server(options);
  server.route("POST", "/x", [](const Request&, Response& res) { res.status = 204; });
  server.start();
  Client client(server.url());
  EXPECT_EQ(client.get("/missing").body, R"({"errors":["not found"]})");
  const auto too_big = client.post("/x", std::string(100, 'a'), "text/plain");
  EXPECT_EQ(too_big.status, 413);
  EXPECT_THAT(too_big.body, HasSubstr(R"({"errors":["request body too large)"));
  EXPECT_EQ(client.post("/x", "ok", "text/plain").status, 204);
}

TEST(ServerErrors, BindingABusyPortThrows) {
  Server first;
  const int port = first.start();
  ServerOptions options;
  options.port = port;
  Server second(options);
  EXPECT_THROW(second.start(), std::runtime_error);
}

TEST(Client, RefusedConnectionIsATransportError) {
  Server server;
  server.start();
  const std::string url = server.url();
  server.stop();
  Client client(url, client_options(500ms, 10s));
  try {
    client.get("/");
    FAIL() << "expected a refused connection";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr(": cannot connect (after "));
  }
}

TEST(Client, BaseUrlPathIsAPrefix) {
  ServerOptions quiet;
  quiet.access_log = false;
  Server server(quiet);
  server.route("POST", "/mcp", [](const Request& req, Response& res) { res.body = req.body; });
  server.start();
  Client client(server.url() + "/mcp");
  EXPECT_EQ(client.post("", "ping", "text/plain").body, "ping");
}

// A client continuing a trace sends it on every request with a parent-id of its own, keeps a
// traceparent the caller gave, and sends none once the trace is dropped.
TEST(Client, ContinuesATraceOnEveryRequest) {
  ServerOptions quiet;
  quiet.access_log = false;
  Server server(quiet);
  std::mutex mutex;
  std::vector<std::optional<TraceContext>> seen;
  server.route("GET", "/", [&](const Request& req, Response& res) {
    std::lock_guard lock(mutex);
    seen.push_back(trace_context_of(req));
    res.body = "ok";
  });
  server.start();
  Client client(server.url());
  const TraceContext trace{new_trace(), "harness=1"};
  client.continue_trace(trace);
  ASSERT_EQ(client.get("/").status, 200);
  ASSERT_EQ(client.get("/").status, 200);
  const std::string own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  ASSERT_EQ(client.get("/", {{"traceparent", own}}).status, 200);
  client.continue_trace(std::nullopt);
  ASSERT_EQ(client.get("/").status, 200);

  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 4u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(seen[i].has_value()) << i;
    EXPECT_EQ(seen[i]->parent.trace_id, trace.parent.trace_id);
    EXPECT_NE(seen[i]->parent.parent_id, trace.parent.parent_id) << "each request is a span of its own";
    EXPECT_EQ(seen[i]->tracestate, "harness=1");
  }
  EXPECT_NE(seen[0]->parent.parent_id, seen[1]->parent.parent_id);
  ASSERT_TRUE(seen[2].has_value());
  EXPECT_EQ(seen[2]->parent.trace_id, "0af7651916cd43dd8448eb211c80319c") << "the caller's own traceparent wins";
  EXPECT_FALSE(seen[3].has_value());
}

// Writing to a connection the peer has closed raises SIGPIPE, which kills a process by default;
// cpp-httplib's client writes without MSG_NOSIGNAL (seen: a 10 MiB POST to Keycloak, which
// answers 413 and closes, killed the contract test binary). Once a Client exists, such a write
// must be an error (EPIPE) instead. Run in a death-test child that is re-executed, so nothing
// earlier in this process has set SIGPIPE's disposition already.
void write_to_a_closed_peer_after_making_a_client() {
  std::signal(SIGPIPE, SIG_DFL);
  const Client client("http://127.0.0.1:9", client_options(1s, 1s));  // never connects
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) std::_Exit(3);
  ::close(pair[1]);
  const ssize_t written = ::write(pair[0], "x", 1);
  std::_Exit(written < 0 && errno == EPIPE ? 0 : 4);
}

TEST(ClientDeathTest, APeerThatHangsUpCannotKillTheProcessWithSigpipe) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(write_to_a_closed_peer_after_making_a_client(), ::testing::ExitedWithCode(0), "");
}

// The signal server binary (tests/signal_server_main.cpp) serves until SIGTERM; the test runs
// it as a real process, reads its listening line, calls it and stops it.
TEST(ServeUntilSignal, PrintsListenLineAndExitsCleanlyOnSigterm) {
  for (int signal : {SIGTERM, SIGINT}) {
    proc::SpawnOptions options;
    options.argv = {MCPH_SIGNAL_SERVER_PATH};
    options.stop_signal = signal;
    auto server = proc::start_service(options);
    Client client(server.url);
    EXPECT_EQ(client.get("/ping").body, "pong " + server.url);
    const int status = server.process.stop(5s);
    EXPECT_TRUE(WIFEXITED(status)) << "signal " << signal << " killed it instead of a clean exit";
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

// What on_started sets up is there, and ordered before, for every request a handler serves:
// under the tsan preset a handler that read it unsynchronised is a report, and the server dies
// (halt_on_error). Several clients at once, so that several workers serve.
TEST(ServeUntilSignal, HandlersSeeWhatOnStartedSetUp) {
  proc::SpawnOptions options;
  options.argv = {MCPH_SIGNAL_SERVER_PATH};
  auto server = proc::start_service(options);
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      try {
        Client client(server.url);
        for (int call = 0; call < 10; ++call) {
          if (client.get("/ping").body == "pong " + server.url) ++answered;
        }
      } catch (const std::exception&) {
        // The server died: counted as unanswered.
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(answered.load(), 40) << server.process.last_log_lines();
  const int status = server.process.stop(5s);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.process.last_log_lines();
}

}  // namespace
}  // namespace mcph::http
