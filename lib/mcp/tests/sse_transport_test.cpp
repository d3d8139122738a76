// The HTTP+SSE transport (protocol 2024-11-05): mcp::Client over it against mcp::Server, and
// the server's rules: the token is checked when the stream opens and on every POST, a session
// belongs to whoever opened it, unknown and missing session ids are refused, streams are
// bounded per user and overall, and they end with the client or the server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/http/server.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/sse.h"
#include "mcph/proc/poll_until.h"
#include "sse_stream_reader.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::SseStreamReader;

const http::Fields kAlice{{"Authorization", "Bearer alice-token"}};
const http::Fields kBob{{"Authorization", "Bearer bob-token"}};

testing::TestServerOptions authenticated() {
  testing::TestServerOptions options;
  options.authentication = true;
  return options;
}

ClientOptions over_sse() {
  ClientOptions options;
  options.transport = Transport::sse;
  return options;
}

Client alice_client(const testing::TestServer& server, ClientOptions options = over_sse()) {
  Client client(server.sse_url(), std::move(options));
  client.set_header("Authorization", "Bearer alice-token");
  return client;
}

const std::string kWhoami = R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"whoami"}})";

http::ClientResponse post_message(const testing::TestServer& server, const std::string& query,
                                  const http::Fields& headers, const std::string& body = kWhoami);

// ---- the client ---------------------------------------------------------------------------

TEST(SseClient, ConnectOpensTheStreamAndInitializes) {
  testing::TestServer server(authenticated());
  Client client = alice_client(server);
  const RpcOutcome init = client.connect();
  ASSERT_TRUE(init.ok()) << init.body;
  EXPECT_EQ(init.http_status, 202);
  EXPECT_EQ(client.session_id().size(), 32u);
  EXPECT_EQ(client.protocol_version(), "2025-11-25");
  EXPECT_EQ(json::parse(*init.result)["serverInfo"]["name"], "mcp-test-server");
  EXPECT_EQ(server.mcp().sse_stream_count(), 1u);
  EXPECT_TRUE(client.ping().ok());
}

TEST(SseClient, KeepsProtocolVersion20241105WhenAskedForIt) {
  testing::TestServer server(authenticated());
  ClientOptions options = over_sse();
  options.protocol_version = "2024-11-05";
  Client client = alice_client(server, options);
  ASSERT_TRUE(client.connect().ok());
  EXPECT_EQ(client.protocol_version(), "2024-11-05");
  const auto whoami = client.call_tool("whoami", "{}");
  EXPECT_EQ(json::parse(whoami.structured_content)["protocol"], "2024-11-05");
}

TEST(SseClient, ListsAndCallsToolsAsTheCaller) {
  testing::TestServer server(authenticated());
  Client client = alice_client(server);
  ASSERT_TRUE(client.connect().ok());
  const auto tools = client.list_tools();
  ASSERT_EQ(tools.size(), 5u);
  EXPECT_EQ(tools[0].name, "echo");
  const ToolCallOutcome echoed = client.call_tool("echo", R"({"text":"hi","count":2})");
  ASSERT_TRUE(echoed.ok()) << echoed.rpc.body;
  EXPECT_EQ(echoed.text(), "hihi");
  const json who = json::parse(client.call_tool("whoami", "{}").structured_content);
  EXPECT_EQ(who["subject"], "alice");
  EXPECT_EQ(who["session"], client.session_id());
  // Notifications of a call come on the stream before its response.
  const ToolCallOutcome steps = client.call_tool("steps", "{}", {}, "p-1");
  EXPECT_EQ(steps.rpc.notifications_named("notifications/progress").size(), 3u);
  EXPECT_EQ(steps.text(), "with token");
}

TEST(SseClient, ErrorsComeBackAsOnTheOtherTransports) {
  testing::TestServer server(authenticated());
  Client client = alice_client(server);
  ASSERT_TRUE(client.connect().ok());
  const RpcOutcome unknown = client.request("no/such/method");
  ASSERT_TRUE(unknown.error.has_value());
  EXPECT_EQ(unknown.error->code, -32601);
  const ToolCallOutcome failed = client.call_tool("fails", "{}");
  EXPECT_TRUE(failed.rpc.ok());
  EXPECT_TRUE(failed.is_error);
  EXPECT_EQ(failed.text(), "the backend said no");
  const ToolCallOutcome invalid = client.call_tool("echo", "{}");
  EXPECT_TRUE(invalid.is_error);
  EXPECT_THAT(invalid.text(), HasSubstr("missing required property 'text'"));
}

TEST(SseClient, ARefusedStreamIsTheConnectOutcome) {
  testing::TestServer server(authenticated());
  Client client(server.sse_url(), over_sse());
  client.set_header("Authorization", "Bearer forged");
  const RpcOutcome refused = client.connect();
  EXPECT_EQ(refused.http_status, 401);
  EXPECT_THAT(refused.header("WWW-Authenticate"), HasSubstr("invalid_token"));
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(server.mcp().sse_stream_count(), 0u);
}

TEST(SseClient, ARefusedPostIsItsOwnOutcome) {
  testing::TestServer server(authenticated());
  Client client = alice_client(server);
  ASSERT_TRUE(client.connect().ok());
  const RpcOutcome forged = client.request("tools/list", "", {{"Authorization", "Bearer forged"}});
  EXPECT_EQ(forged.http_status, 401);
  client.set_session_id("0123456789abcdef0123456789abcdef");
  EXPECT_EQ(client.request("tools/list").http_status, 404);
}

// What another client's POST naming this session put on the stream is the stream's owner's to
// see: the harness watches a user's stream for answers to requests that were not theirs.
TEST(SseClient, HandsOverTheMessagesNoRequestOfItsOwnAwaited) {
  testing::TestServerOptions options = authenticated();
  options.unsafe_sse_session_any_user = true;
  testing::TestServer server(options);
  Client client = alice_client(server);
  ASSERT_TRUE(client.connect().ok());
  EXPECT_TRUE(client.unclaimed_messages(50ms).empty());
  EXPECT_EQ(client.messages_target(client.session_id()), "/messages/?session_id=" + client.session_id());
  EXPECT_EQ(client.messages_target(""), "/messages/");
  EXPECT_EQ(post_message(server, "?session_id=" + client.session_id(), kBob).status, 202);
  const auto taken = client.unclaimed_messages(5s);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_THAT(taken[0], HasSubstr(R"(\"subject\":\"bob\")"));
  EXPECT_TRUE(client.ping().ok());  // its own requests still get their answers
}

TEST(SseClient, MessagesTargetNeedsAStream) {
  Client client("http://127.0.0.1:9/sse", over_sse());
  EXPECT_THROW(client.messages_target("x"), std::logic_error);
  EXPECT_TRUE(client.unclaimed_messages(1ms).empty());
}

TEST(SseClient, EndSessionClosesTheStream) {
  testing::TestServer server(authenticated());
  Client client = alice_client(server);
  ASSERT_TRUE(client.connect().ok());
  EXPECT_EQ(client.end_session().http_status, 200);
  EXPECT_TRUE(proc::poll_until([&] { return server.mcp().sse_stream_count() == 0; }, 5s));
}

// A server that opens the stream with `endpoint` as its endpoint event, records every request,
// and answers no message.
struct SilentServer {
  std::mutex mutex;
  std::vector<http::Fields> seen;   // headers of each request, in order
  std::vector<std::string> posted;  // the path and query of each POST
  std::vector<std::shared_ptr<http::ResponseStream>> streams;
  http::Server http{[] {
    http::ServerOptions options;
    options.access_log = false;
    return options;
  }()};

  explicit SilentServer(std::string endpoint = "/messages/?session_id=s1") {
    http.route("GET", "/sse", [this, endpoint](const http::Request& req, http::Response& res) {
      record(req);
      res.content_type = "text/event-stream";
      http::StreamStart start;
      start.opened = [this, endpoint](std::shared_ptr<http::ResponseStream> stream) {
        stream->write(format_sse_event(endpoint, "endpoint"));
        std::lock_guard lock(mutex);
        streams.push_back(std::move(stream));
      };
      res.stream = std::move(start);
    });
    http.route("POST", "/messages/?", [this](const http::Request& req, http::Response& res) {
      record(req);
      std::string target = req.path;
      for (const auto& [name, value] : req.query) target += (target == req.path ? "?" : "&") + name + "=" + value;
      std::lock_guard lock(mutex);
      posted.push_back(target);
      res.status = 202;
    });
    http.start();
  }
  void record(const http::Request& req) {
    std::lock_guard lock(mutex);
    seen.push_back(req.headers);
  }
};

TEST(SseClient, PostsWhereTheEndpointEventSaysWithItsQuery) {
  // The TypeScript SDK's shape: no trailing slash, the id as sessionId, beside other parameters.
  SilentServer server("/messages?tenant=a&sessionId=ts-1");
  ClientOptions options = over_sse();
  options.http.read_timeout = 200ms;
  Client client(server.http.url() + "/sse", options);
  EXPECT_THROW(client.connect(), http::TransportError);
  EXPECT_EQ(client.session_id(), "ts-1");
  client.set_session_id("");
  EXPECT_THROW(client.ping(), http::TransportError);
  std::lock_guard lock(server.mutex);
  EXPECT_THAT(server.posted, ::testing::ElementsAre("/messages?tenant=a&sessionId=ts-1", "/messages?tenant=a"));
}

TEST(SseClient, AnEndpointOnAnotherOriginIsRefused) {
  SilentServer server("http://127.0.0.2:9/messages/?session_id=s1");
  Client client(server.http.url() + "/sse", over_sse());
  try {
    client.connect();
    ADD_FAILURE() << "connect went on with an endpoint on another origin";
  } catch (const http::TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the endpoint event names another origin (http://127.0.0.2:9)"));
  }
  std::lock_guard lock(server.mutex);
  EXPECT_TRUE(server.posted.empty());
}

TEST(SseClient, SendsItsHeadersOnTheStreamAndOnEveryPost) {
  SilentServer server;
  ClientOptions options = over_sse();
  options.http.read_timeout = 300ms;
  Client client(server.http.url() + "/sse", options);
  client.set_header("Authorization", "Bearer t-1");
  const std::string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  EXPECT_THROW(client.connect({{"traceparent", traceparent}}), http::TransportError);
  EXPECT_THROW(client.ping({{"traceparent", traceparent}}), http::TransportError);
  std::lock_guard lock(server.mutex);
  ASSERT_EQ(server.seen.size(), 3u);  // the GET, initialize, ping
  for (const auto& headers : server.seen) {
    EXPECT_EQ(http::find_field(headers, "Authorization").value_or(""), "Bearer t-1");
    EXPECT_EQ(http::find_field(headers, "traceparent").value_or(""), traceparent);
  }
  EXPECT_THAT(http::find_field(server.seen[0], "Accept").value_or(""), HasSubstr("text/event-stream"));
}

TEST(SseClient, ARequestWithoutAResponseTimesOutWithAPreciseError) {
  SilentServer server;
  ClientOptions options = over_sse();
  options.http.read_timeout = 200ms;
  Client client(server.http.url() + "/sse", options);
  const auto start = std::chrono::steady_clock::now();
  try {
    client.connect();
    FAIL() << "no response came, yet connect returned";
  } catch (const http::TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no response on the SSE stream within 200 ms"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(SseClient, AStreamTheServerEndsFailsTheWaitingRequest) {
  SilentServer server;
  ClientOptions options = over_sse();
  options.http.read_timeout = 5s;
  Client client(server.http.url() + "/sse", options);
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    server.http.stop();
  });
  try {
    client.connect();
    ADD_FAILURE() << "the stream ended, yet connect returned";
  } catch (const http::TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ended the SSE stream"));
  }
  stopper.join();
}

// ---- the server's rules -------------------------------------------------------------------

http::ClientResponse post_message(const testing::TestServer& server, const std::string& query,
                                  const http::Fields& headers, const std::string& body) {
  http::Client client(server.base_url());
  return client.post("/messages/" + query, body, "application/json", headers);
}

TEST(SseServer, TheStreamOpensWithTheEndpointEvent) {
  testing::TestServer server(authenticated());
  SseStreamReader stream(server.sse_url(), kAlice);
  const std::string session = stream.session_id();
  ASSERT_EQ(session.size(), 32u);
  EXPECT_EQ(stream.text(), "event: endpoint\ndata: /messages/?session_id=" + session + "\n\n");
  const auto accepted = post_message(server, "?session_id=" + session, kAlice);
  EXPECT_EQ(accepted.status, 202);
  ASSERT_TRUE(stream.wait_for("\"id\":7"));
  EXPECT_THAT(stream.text(), HasSubstr("event: message\ndata: {\"id\":7,\"jsonrpc\":\"2.0\",\"result\":"));
  EXPECT_THAT(stream.text(), HasSubstr(R"(\"subject\":\"alice\")"));
}

TEST(SseServer, AStreamWithoutAValidTokenIsRefusedWithTheChallenge) {
  testing::TestServer server(authenticated());
  SseStreamReader stream(server.sse_url(), {{"Authorization", "Bearer forged"}});
  ASSERT_TRUE(proc::poll_until([&] { return stream.ended(); }, 5s));
  EXPECT_EQ(stream.status(), 401);
  EXPECT_EQ(server.mcp().sse_stream_count(), 0u);
}

TEST(SseServer, EveryPostIsAuthenticatedEvenWithAValidSession) {
  testing::TestServer server(authenticated());
  SseStreamReader stream(server.sse_url(), kAlice);
  const std::string session = stream.session_id();
  ASSERT_FALSE(session.empty());
  const auto forged = post_message(server, "?session_id=" + session, {{"Authorization", "Bearer forged"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_THAT(forged.header("WWW-Authenticate"), HasSubstr(R"(error="invalid_token")"));
  // Without a token the caller is anonymous here, which is not the session's owner either.
  EXPECT_EQ(post_message(server, "?session_id=" + session, {}).status, 404);
  std::this_thread::sleep_for(100ms);
  EXPECT_THAT(stream.text(), Not(HasSubstr("\"id\":7")));  // nothing was run for them
}

TEST(SseServer, AnotherUsersTokenCannotUseTheSession) {
  testing::TestServer server(authenticated());
  SseStreamReader alice(server.sse_url(), kAlice);
  const std::string session = alice.session_id();
  ASSERT_FALSE(session.empty());
  const auto refused = post_message(server, "?session_id=" + session, kBob);
  EXPECT_EQ(refused.status, 404);
  EXPECT_THAT(refused.body, HasSubstr("Could not find session"));
  // Nothing reached alice's stream: her own request's answer is the first message on it.
  EXPECT_EQ(post_message(server, "?session_id=" + session, kAlice,
                         R"({"jsonrpc":"2.0","id":"alice-1","method":"ping"})")
                .status,
            202);
  ASSERT_TRUE(alice.wait_for("alice-1"));
  EXPECT_EQ(alice.text(), "event: endpoint\ndata: /messages/?session_id=" + session +
                              "\n\nevent: message\ndata: {\"id\":\"alice-1\",\"jsonrpc\":\"2.0\",\"result\":{}}\n\n");
}

// The UNSAFE switches the harness's sabotage tests start the reference servers with: each
// removes exactly one of the two rules above.
TEST(SseServer, UnsafeTokenOnStreamOnlyRunsATokenlessPostAsTheStreamsOwner) {
  testing::TestServerOptions options = authenticated();
  options.unsafe_sse_token_on_stream_only = true;
  testing::TestServer server(options);
  SseStreamReader alice(server.sse_url(), kAlice);
  const std::string session = alice.session_id();
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(post_message(server, "?session_id=" + session, {{"Authorization", "Bearer forged"}}).status, 202);
  ASSERT_TRUE(alice.wait_for("\"id\":7"));
  EXPECT_THAT(alice.text(), HasSubstr(R"(\"subject\":\"alice\")"));
  EXPECT_EQ(post_message(server, "", {}).status, 400);  // the session id is still needed
}

TEST(SseServer, UnsafeSessionAnyUserLetsAnotherUserPostToTheStream) {
  testing::TestServerOptions options = authenticated();
  options.unsafe_sse_session_any_user = true;
  testing::TestServer server(options);
  SseStreamReader alice(server.sse_url(), kAlice);
  const std::string session = alice.session_id();
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(post_message(server, "?session_id=" + session, {{"Authorization", "Bearer forged"}}).status, 401);
  EXPECT_EQ(post_message(server, "?session_id=" + session, kBob).status, 202);
  ASSERT_TRUE(alice.wait_for("\"id\":7"));
  EXPECT_THAT(alice.text(), HasSubstr(R"(\"subject\":\"bob\")"));  // bob's call, on alice's stream
}

TEST(SseServer, AnUnknownSessionIs404AndAMissingOne400) {
  testing::TestServer server(authenticated());
  EXPECT_EQ(post_message(server, "?session_id=0123456789abcdef0123456789abcdef", kAlice).status, 404);
  const auto missing = post_message(server, "", kAlice);
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("session_id is required"));
  EXPECT_EQ(post_message(server, "?session_id=", kAlice).status, 400);
}

TEST(SseServer, MalformedMessagesAre400AndNothingGoesOnTheStream) {
  testing::TestServer server(authenticated());
  SseStreamReader stream(server.sse_url(), kAlice);
  const std::string query = "?session_id=" + stream.session_id();
  EXPECT_EQ(post_message(server, query, kAlice, "{not json").status, 400);
  EXPECT_EQ(post_message(server, query, kAlice, "[" + kWhoami + "]").status, 400);
  EXPECT_EQ(post_message(server, query, kAlice, R"({"jsonrpc":"1.0","id":1,"method":"ping"})").status, 400);
  EXPECT_EQ(post_message(server, query, kAlice, R"({"jsonrpc":"2.0","method":"notifications/initialized"})").status,
            202);
  std::this_thread::sleep_for(100ms);
  EXPECT_THAT(stream.text(), Not(HasSubstr("event: message")));
}

TEST(SseServer, OpenStreamsAreBoundedPerUser) {
  testing::TestServerOptions options = authenticated();
  options.max_sse_streams_per_subject = 2;
  testing::TestServer server(options);
  SseStreamReader first(server.sse_url(), kAlice), second(server.sse_url(), kAlice);
  ASSERT_FALSE(first.session_id().empty());
  ASSERT_FALSE(second.session_id().empty());
  SseStreamReader third(server.sse_url(), kAlice);
  ASSERT_TRUE(proc::poll_until([&] { return third.ended(); }, 5s));
  EXPECT_EQ(third.status(), 429);
  SseStreamReader bobs(server.sse_url(), kBob);
  EXPECT_FALSE(bobs.session_id().empty());  // another user is not held back
}

TEST(SseServer, OpenStreamsAreBoundedOverall) {
  testing::TestServerOptions options = authenticated();
  options.max_sse_streams = 2;
  testing::TestServer server(options);
  SseStreamReader alice(server.sse_url(), kAlice), bob(server.sse_url(), kBob);
  ASSERT_FALSE(alice.session_id().empty());
  ASSERT_FALSE(bob.session_id().empty());
  SseStreamReader anonymous(server.sse_url(), {});
  ASSERT_TRUE(proc::poll_until([&] { return anonymous.ended(); }, 5s));
  EXPECT_EQ(anonymous.status(), 503);
}

TEST(SseServer, AStreamTheClientLeavesEndsItsSession) {
  testing::TestServer server(authenticated());
  std::string session;
  {
    SseStreamReader stream(server.sse_url(), kAlice);
    session = stream.session_id();
    ASSERT_FALSE(session.empty());
  }
  ASSERT_TRUE(proc::poll_until([&] { return server.mcp().sse_stream_count() == 0; }, 5s));
  EXPECT_EQ(post_message(server, "?session_id=" + session, kAlice).status, 404);
}

TEST(SseServer, StoppingTheServerEndsEveryStream) {
  testing::TestServer server(authenticated());
  SseStreamReader alice(server.sse_url(), kAlice), bob(server.sse_url(), kBob);
  ASSERT_FALSE(alice.session_id().empty());
  ASSERT_FALSE(bob.session_id().empty());
  server.stop();
  EXPECT_TRUE(proc::poll_until([&] { return alice.ended() && bob.ended(); }, 5s));
  EXPECT_EQ(server.mcp().sse_stream_count(), 0u);
}

}  // namespace
}  // namespace mcph::mcp
