// lib/http reads and parses the requests of its servers itself (src/connection_stream.h,
// src/request_head.h, src/request_body.h): a request without a length has an empty body,
// extension methods (ServerOptions::extension_methods) reach their routes and unknown ones get
// 405, bodies are framed as RFC 9112 says (length, chunked, 100-continue), and connections are
// kept alive, pipelined, limited and stopped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "raw_connection.h"
#include "mcph/text/count.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;
using text::count_of;
using ::testing::HasSubstr;
using ::testing::Not;

// A raw connection to 127.0.0.1:port (the caller closes it).
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect");
  }
  return fd;
}

// Sends `bytes` on a fresh connection and reads until the server closes it (or 5 s pass).
std::string exchange_until_close(int port, const std::string& bytes) {
  const int fd = connect_to(port);
  if (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
    ::close(fd);
    throw std::runtime_error("send");
  }
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    received.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return received;
}

class ExtensionMethods : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.name = "ext";
    options.max_body_bytes = 1024;
    options.access_log = false;
    options.extension_methods = {"LIST"};
    server_ = std::make_unique<Server>(options);
    server_->route("LIST", "/things/?", [](const Request& req, Response& res) {
      res.body = "listed " + req.method + " " + req.query_param("after").value_or("-") + " " + req.header("X-Token");
    });
    server_->route("GET", "/things/?", [](const Request& req, Response& res) { res.body = "got " + req.method; });
    server_->route("POST", "/echo", [](const Request& req, Response& res) { res.body = "echo " + req.body; });
    server_->start();
    client_ = std::make_unique<Client>(server_->url());
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ExtensionMethods, ReachTheirRouteWithHeadersAndQuery) {
  const auto listed = client_->request("LIST", "/things/?after=b", {{"X-Token", "t1"}});
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body, "listed LIST b t1");
  EXPECT_EQ(client_->get("/things").body, "got GET") << "the GET route stays the GET route";
}

TEST_F(ExtensionMethods, AnUnknownMethodIsA405WithAllowAndAnUnroutedPathA404) {
  const auto unknown = client_->request("FROB", "/things");
  EXPECT_EQ(unknown.status, 405);
  EXPECT_EQ(unknown.header("Allow"), "LIST, GET");
  EXPECT_EQ(client_->request("LIST", "/echo").status, 405);
  EXPECT_EQ(client_->request("LIST", "/nowhere").status, 404);
  EXPECT_EQ(client_->get("/things").status, 200) << "the connection still serves";
}

TEST_F(ExtensionMethods, ManyRequestsOnOneKeepAliveConnection) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(client_->request(i % 2 == 0 ? "LIST" : "GET", "/things").status, 200);
    ASSERT_EQ(client_->post("/echo", "x" + std::to_string(i), "text/plain").body, "echo x" + std::to_string(i));
  }
}

TEST_F(ExtensionMethods, PipelinedRequestsAreAllAnswered) {
  const std::string reply = exchange_until_close(server_->port(),
                                                 "LIST /things HTTP/1.1\r\nHost: x\r\n\r\n"
                                                 "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                                                 "GET /things HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(count_of(reply, "HTTP/1.1 200 OK"), 3u) << reply;
  EXPECT_THAT(reply, HasSubstr("listed LIST"));
  EXPECT_THAT(reply, HasSubstr("echo hi"));
  EXPECT_THAT(reply, HasSubstr("got GET"));
}

// The body of an extension method is its body, whatever it holds: never the next request
// (request smuggling), and the connection goes on after it.
TEST_F(ExtensionMethods, ABodyOnAnExtensionMethodIsItsOwnNotTheNextRequest) {
  const std::string smuggled = "GET /things HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string reply = exchange_until_close(
      server_->port(), "LIST /things HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(smuggled.size()) +
                           "\r\n\r\n" + smuggled + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_EQ(count_of(reply, "HTTP/1.1 "), 2u) << reply;
  EXPECT_THAT(reply, HasSubstr("listed LIST"));
  EXPECT_THAT(reply, HasSubstr("echo hi"));
  EXPECT_THAT(reply, Not(HasSubstr("got GET")));
}

TEST_F(ExtensionMethods, AnUnreadableRequestIsA400AndEndsTheConnection) {
  const std::string reply =
      exchange_until_close(server_->port(), "NOT A VALID REQUEST LINE\r\nGET /things HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(count_of(reply, "HTTP/1.1 "), 1u) << reply;
  EXPECT_THAT(reply, HasSubstr("HTTP/1.1 400"));
  // A method that is not an HTTP token.
  EXPECT_THAT(exchange_until_close(server_->port(), "LI\"ST /things HTTP/1.1\r\nHost: x\r\n\r\n"),
              HasSubstr("HTTP/1.1 400"));
  // A header line over the 8 KiB limit, on an extension method.
  EXPECT_EQ(client_->request("LIST", "/things", {{"X-Token", std::string(9000, 'A')}}).status, 400);
}

TEST_F(ExtensionMethods, BodyLimitAndTimeoutsStillHold) {
  EXPECT_EQ(client_->post("/echo", std::string(4096, 'x'), "text/plain").status, 413);
  // A client that sends half a request line and goes quiet does not hold the server's stop.
  const int fd = connect_to(server_->port());
  ASSERT_EQ(::send(fd, "LIS", 3, MSG_NOSIGNAL), 3);
  ASSERT_EQ(client_->request("LIST", "/things").status, 200);  // a keep-alive connection too
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ::close(fd);
}

// RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body (curl -X
// POST sends such requests): it is answered at once, not after the client closes.
TEST(RequestsWithoutALength, HaveAnEmptyBodyAndAreAnsweredAtOnce) {
  ServerOptions options;
  options.access_log = false;
  Server server(options);
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    server.route(method, "/echo", [](const Request& req, Response& res) { res.body = req.method + " [" + req.body + "]"; });
  }
  server.start();
  for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    const auto start = std::chrono::steady_clock::now();
    const std::string reply =
        exchange_until_close(server.port(), method + " /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << method;
    EXPECT_THAT(reply, HasSubstr("HTTP/1.1 200 OK")) << method;
    EXPECT_THAT(reply, HasSubstr(method + " []")) << method;
  }
  // Keep-alive: the next request on the connection is read as a request, not as a body.
  const std::string two = exchange_until_close(
      server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\n\r\nPUT /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(two, HasSubstr("POST []"));
  EXPECT_THAT(two, HasSubstr("PUT []"));
  // A method outside RFC 9110, on a server without extension methods: 400.
  EXPECT_THAT(exchange_until_close(server.port(), "LIST /echo HTTP/1.1\r\nHost: x\r\n\r\n"), HasSubstr("HTTP/1.1 400"));
}

TEST(ExtensionMethodOptions, RoutingAMethodTheServerWasNotGivenThrows) {
  Server server;
  EXPECT_THROW(server.route("LIST", "/x", [](const Request&, Response&) {}), std::invalid_argument);
  ServerOptions options;
  options.extension_methods = {"LIST"};
  Server with(options);
  EXPECT_NO_THROW(with.route("LIST", "/x", [](const Request&, Response&) {}));
  EXPECT_THROW(with.route("FROB", "/x", [](const Request&, Response&) {}), std::invalid_argument);
}

TEST(ExtensionMethodOptions, TheAccessLogNamesTheMethodTheClientSent) {
  ServerOptions options;
  options.name = "ext";
  options.extension_methods = {"LIST"};
  Server server(options);
  server.route("LIST", "/x", [](const Request&, Response& res) { res.body = "ok"; });
  server.start();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(Client(server.url()).request("LIST", "/x?token=secret").status, 200);
  server.stop();  // the line is written after the response; stop() joins the workers
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("[ext] LIST /x 200"));
  EXPECT_THAT(log, Not(HasSubstr("secret")));
}

// The head of every request is read within a deadline and checked as it is parsed
// (src/request_head.h): a client trickling its headers is answered 408 and cut off, and what a
// proxy could read differently (a bare CR, conflicting lengths) is refused, never split or
// half-read.
class RequestHeads : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.access_log = false;
    options.header_timeout = 500ms;
    server_ = std::make_unique<Server>(options);
    server_->route("GET", "/who", [](const Request& req, Response& res) { res.body = "auth=[" + req.header("Authorization") + "]"; });
    server_->route("POST", "/echo", [](const Request& req, Response& res) { res.body = "echo [" + req.body + "]"; });
    server_->start();
  }
  std::unique_ptr<Server> server_;
};

TEST_F(RequestHeads, ATricklingClientGetsA408WithinTheHeadTimeout) {
  const int fd = connect_to(server_->port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(::send(fd, "GET /who HTTP/1.1\r\nHost: x\r\n", 28, MSG_NOSIGNAL), 28);
  // One byte every 50 ms: each read is quick, so only a deadline for the whole head stops it.
  std::string received;
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - start < 5s) {
    ::send(fd, "X", 1, MSG_NOSIGNAL);
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) closed = true;
    if (got > 0) received.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  EXPECT_TRUE(closed) << "still open after 5 s of trickling";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_THAT(received, HasSubstr("HTTP/1.1 408"));
  EXPECT_EQ(Client(server_->url()).get("/who").status, 200) << "still serving";
}

// A body that trickles in is cut off by the same deadline: the request's, from its first bytes.
TEST_F(RequestHeads, ATricklingBodyGetsA408WithinTheRequestDeadline) {
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.connected());
  const auto start = std::chrono::steady_clock::now();
  slow.send_text("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab");
  bool closed = false;
  std::string received;
  while (!closed && std::chrono::steady_clock::now() - start < 5s) {
    ::send(slow.fd(), "x", 1, MSG_NOSIGNAL);
    received += slow.receive_until([](const std::string& got) { return !got.empty(); }, 50ms, &closed);
  }
  EXPECT_TRUE(closed) << "still open after 5 s of trickling";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_THAT(received, HasSubstr("HTTP/1.1 408"));
}

// Slow clients hold no worker: with 2 workers, 32 connections whose heads or bodies trickle in
// leave both free, and a whole request is answered at once; each slow one gets its 408 at its
// deadline.
TEST(SlowClients, HoldNoWorkerWhileTheirRequestsTrickleIn) {
  ServerOptions options;
  options.access_log = false;
  options.threads = 2;
  options.header_timeout = 1500ms;
  Server server(options);
  server.route("GET", "/who", [](const Request&, Response& res) { res.body = "ok"; });
  server.route("POST", "/echo", [](const Request& req, Response& res) { res.body = "echo [" + req.body + "]"; });
  server.start();
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 32; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->send_text(i % 2 ? "GET /who HTTP/1.1\r\nHost: x\r\nX-Slow: 1"
                                 : "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab");
  }
  for (int round = 0; round < 5; ++round) {
    for (auto& connection : slow) ::send(connection->fd(), "y", 1, MSG_NOSIGNAL);
    const auto start = std::chrono::steady_clock::now();
    const auto answer = Client(server.url()).post("/echo", "whole", "text/plain");
    EXPECT_EQ(answer.body, "echo [whole]");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 250ms) << "round " << round;
    std::this_thread::sleep_for(100ms);
  }
  for (auto& connection : slow) {
    bool closed = false;
    const std::string received = connection->receive_until([](const std::string&) { return false; }, 3s, &closed);
    EXPECT_TRUE(closed);
    EXPECT_THAT(received, HasSubstr("HTTP/1.1 408"));
  }
}

// A request whose client closes its sending side after it (half-close) is still answered; one
// whose client leaves before it is whole is dropped without a worker's wait.
TEST(SlowClients, AHalfClosedWholeRequestIsAnsweredAndAnUnfinishedOneDropped) {
  ServerOptions options;
  options.access_log = false;
  Server server(options);
  server.route("GET", "/who", [](const Request&, Response& res) { res.body = "ok"; });
  server.start();
  {
    RawConnection whole(server.port());
    whole.send_text("GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ::shutdown(whole.fd(), SHUT_WR);
    EXPECT_THAT(whole.receive_until([](const std::string&) { return false; }, 2s), HasSubstr("\r\n\r\nok"));
  }
  {
    RawConnection unfinished(server.port());
    unfinished.send_text("GET /who HTTP/1.1\r\nHost: x\r\n");
    ::shutdown(unfinished.fd(), SHUT_WR);
    bool closed = false;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(unfinished.receive_until([](const std::string&) { return false; }, 2s, &closed), "");
    EXPECT_TRUE(closed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  }
}

TEST_F(RequestHeads, ABareCrInAValueIsRefusedNotSplit) {
  const std::string reply =
      exchange_until_close(server_->port(), "GET /who HTTP/1.1\r\nHost: x\r\nX-Note: a\rAuthorization: Bearer forged\r\n\r\n");
  EXPECT_THAT(reply, HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(reply, HasSubstr("bare CR"));
  EXPECT_THAT(reply, Not(HasSubstr("forged")));
  EXPECT_EQ(Client(server_->url()).get("/who").status, 200) << "still serving";
}

TEST_F(RequestHeads, FieldValuesArriveAsSentNotPercentDecoded) {
  // A parser that percent-decodes values would hand the handler "Bearer a\r\nX: b" and "%41" as "A".
  const std::string reply =
      exchange_until_close(server_->port(), "GET /who HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a%0D%0AX: b%41\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(reply, HasSubstr("auth=[Bearer a%0D%0AX: b%41]"));
}

TEST_F(RequestHeads, ConflictingLengthsCannotSmuggleASecondRequest) {
  const std::string reply = exchange_until_close(
      server_->port(),
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n"
      "GET /who HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\r\n");
  EXPECT_EQ(count_of(reply, "HTTP/1.1 "), 1u) << reply;
  EXPECT_THAT(reply, HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(reply, Not(HasSubstr("auth=")));
}

// Bodies and connections framed as RFC 9112 says: chunked bodies, 100-continue, HTTP/1.0's
// default close, the path's percent escapes, statuses without content.
class Framing : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.access_log = false;
    options.max_body_bytes = 64;
    server_ = std::make_unique<Server>(options);
    server_->route("POST", "/echo", [](const Request& req, Response& res) { res.body = "echo [" + req.body + "]"; });
    server_->route("GET", "/files/(.*)", [](const Request& req, Response& res) { res.body = "file [" + req.captures.at(0) + "]"; });
    server_->route("DELETE", "/gone", [](const Request&, Response& res) { res.status = 204; });
    server_->start();
  }
  std::unique_ptr<Server> server_;
};

TEST_F(Framing, AChunkedBodyIsDecodedAndTheNextRequestReadAfterIt) {
  const std::string reply = exchange_until_close(
      server_->port(),
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nf");
  EXPECT_EQ(count_of(reply, "HTTP/1.1 200 OK"), 2u) << reply;
  EXPECT_THAT(reply, HasSubstr("echo [abcde]"));
  EXPECT_THAT(reply, HasSubstr("echo [f]"));
}

TEST_F(Framing, AChunkedBodyThatIsMalformedOrTooLargeIsRefusedAndEndsTheConnection) {
  const std::string malformed = exchange_until_close(
      server_->port(), "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET /files/a HTTP/1.1\r\n\r\n");
  EXPECT_EQ(count_of(malformed, "HTTP/1.1 "), 1u) << malformed;
  EXPECT_THAT(malformed, HasSubstr("HTTP/1.1 400 Bad Request"));
  EXPECT_THAT(malformed, HasSubstr("malformed chunked body"));
  const std::string large = exchange_until_close(
      server_->port(), "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n");
  EXPECT_THAT(large, HasSubstr("HTTP/1.1 413 Content Too Large"));
  EXPECT_THAT(large, HasSubstr("limit 64 bytes"));
}

// A chunked body that arrives one byte at a time (one segment each: TCP_NODELAY) is answered
// exactly as the same bytes sent at once: decoded with its extensions and trailers, the next
// request read after it; a bad size, a missing CRLF after a chunk and a size over the limit
// refused with the same answer.
TEST_F(Framing, AChunkedBodyTrickledByteByByteIsAnsweredAsTheSameBytesSentAtOnce) {
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string next = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nf";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {head + "3;ext=1\r\nabc\r\n2;a=\"b\"\r\nde\r\n0\r\nX-T: 1\r\n\r\n" + next, "echo [abcde]"},
      {head + "zz\r\nabc\r\n0\r\n\r\n" + next, "malformed chunked body"},
      {head + "3\r\nabcX\r\n0\r\n\r\n" + next, "malformed chunked body"},
      {head + "20\r\n" + std::string(32, 'a') + "\r\n21\r\n", "limit 64 bytes"}};
  for (const auto& [request, answer] : cases) {
    const std::string at_once = exchange_until_close(server_->port(), request);
    EXPECT_THAT(at_once, HasSubstr(answer));
    RawConnection trickling(server_->port());
    ASSERT_TRUE(trickling.connected());
    const int one = 1;
    ::setsockopt(trickling.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (std::size_t at = 0; at < request.size(); ++at) {
      if (::send(trickling.fd(), request.data() + at, 1, MSG_NOSIGNAL) != 1) break;  // refused and closed early
    }
    bool closed = false;
    const std::string received = trickling.receive_until([](const std::string&) { return false; }, 5s, &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(received, at_once) << request.substr(0, 80);
  }
}

// Refused before its body is read, a request is answered and its body drained before the close,
// so that a client still sending reads the 413 instead of a reset (RFC 9112 §9.6).
TEST_F(Framing, ABodyOverTheLimitIsAnsweredWhileTheClientIsStillSendingIt) {
  Client client(server_->url());
  const auto refused = client.post("/echo", std::string(8 * 1024 * 1024, 'x'), "text/plain");
  EXPECT_EQ(refused.status, 413);
  EXPECT_THAT(refused.body, HasSubstr("limit 64 bytes"));
  EXPECT_EQ(client.post("/echo", "ok", "text/plain").body, "echo [ok]") << "the client connects again";
}

TEST_F(Framing, ExpectContinueIsAnsweredBeforeTheBodyAndATooLargeOneAtOnce) {
  const int fd = connect_to(server_->port());
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  char buffer[4096];
  pollfd ready{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 2000), 1) << "no interim answer before the body";
  const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
  EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(std::max<ssize_t>(got, 0))), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_EQ(::send(fd, "ok", 2, MSG_NOSIGNAL), 2);
  ASSERT_EQ(::poll(&ready, 1, 2000), 1);
  const ssize_t answer = ::recv(fd, buffer, sizeof buffer, 0);
  EXPECT_THAT(std::string(buffer, static_cast<std::size_t>(std::max<ssize_t>(answer, 0))), HasSubstr("echo [ok]"));
  ::close(fd);
  // Over the limit: 413 without waiting for a body the client holds back.
  const auto start = std::chrono::steady_clock::now();
  const std::string refused = exchange_until_close(
      server_->port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_THAT(refused, ::testing::StartsWith("HTTP/1.1 413 "));
  EXPECT_THAT(exchange_until_close(server_->port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: magic\r\n\r\nx"),
              ::testing::StartsWith("HTTP/1.1 417 "));
}

TEST_F(Framing, AnHttp10RequestIsAnsweredAndClosedUnlessItAsksToKeepTheConnection) {
  const std::string closed = exchange_until_close(server_->port(), "GET /files/a HTTP/1.0\r\n\r\nGET /files/b HTTP/1.0\r\n\r\n");
  EXPECT_EQ(count_of(closed, "HTTP/1.1 200"), 1u) << closed;
  EXPECT_THAT(closed, HasSubstr("Connection: close"));
  const std::string kept = exchange_until_close(
      server_->port(), "GET /files/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /files/b HTTP/1.0\r\n\r\n");
  EXPECT_EQ(count_of(kept, "HTTP/1.1 200"), 2u) << kept;
  EXPECT_THAT(exchange_until_close(server_->port(), "GET /files/a HTTP/2.0\r\n\r\n"), ::testing::StartsWith("HTTP/1.1 505 "));
}

TEST_F(Framing, AnHttp11RequestWithoutExactlyOneHostIsRefused) {
  const std::string missing = exchange_until_close(server_->port(), "GET /files/a HTTP/1.1\r\n\r\nGET /files/b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(missing, ::testing::StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(missing, HasSubstr("without a Host header"));
  EXPECT_EQ(count_of(missing, "HTTP/1.1 200"), 0u) << "the connection ends with the refusal";
  EXPECT_THAT(exchange_until_close(server_->port(), "GET /files/a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
              ::testing::StartsWith("HTTP/1.1 400 "));
}

TEST_F(Framing, ThePathIsPercentDecodedForRoutingAndAMalformedEscapeRefused) {
  Client client(server_->url());
  EXPECT_EQ(client.get("/files/a%20b%2Fc?x=%41").body, "file [a b/c]");
  EXPECT_EQ(client.get("/files/a%zz").status, 400);
  EXPECT_EQ(client.get("/files/a%00b").status, 400) << "no NUL reaches a handler";
}

// A server behind a proxy that checks paths by prefix: "/files%2Fa" is one segment to the proxy,
// so it must never reach the route of "/files/(.*)".
TEST(EncodedSlash, RefusedWhenTheServerSaysSoOtherwiseDecoded) {
  for (const bool refuse : {true, false}) {
    ServerOptions options;
    options.access_log = false;
    options.refuse_encoded_slash = refuse;
    Server server(options);
    server.route("GET", "/files/(.*)", [](const Request& req, Response& res) { res.body = "file [" + req.captures.at(0) + "]"; });
    server.start();
    Client client(server.url());
    for (const char* path : {"/files%2Fa", "/files/a%2fb"}) {
      const auto response = client.get(path);
      if (refuse) {
        EXPECT_EQ(response.status, 400) << path;
        EXPECT_THAT(response.body, HasSubstr("encoded slash")) << path;
      } else {
        EXPECT_EQ(response.status, 200) << path;
      }
    }
    EXPECT_EQ(client.get("/files/a%20b").body, "file [a b]") << "other escapes are decoded either way";
  }
}

TEST_F(Framing, ANoContentAnswerHasNoLengthOrBody) {
  const std::string reply =
      exchange_until_close(server_->port(), "DELETE /gone HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 204 No Content\r\n"));
  EXPECT_THAT(reply, Not(HasSubstr("Content-Length")));
  EXPECT_THAT(reply, ::testing::EndsWith("\r\n\r\n"));
}

}  // namespace
}  // namespace mcph::http
