// Streamed answers (Response::stream): the head goes out, then each write as one chunk, from
// another thread, while the connection holds no worker; the client leaving, the server
// stopping and close() all end the stream and tell the application once; HEAD gets a stream
// closed from the start; the keep-alive bytes go out when nothing else did.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/proc/poll_until.h"
#include "raw_connection.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;
using ::testing::EndsWith;
using ::testing::HasSubstr;

// The streams the server opened, and how many of them were closed.
struct Opened {
  std::mutex mutex;
  std::vector<std::shared_ptr<ResponseStream>> streams;
  std::atomic<int> closed{0};

  std::shared_ptr<ResponseStream> at(std::size_t i) {
    std::lock_guard lock(mutex);
    return i < streams.size() ? streams[i] : nullptr;
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return streams.size();
  }
};

std::unique_ptr<Server> stream_server(Opened& opened, ServerOptions options = {}, std::string keep_alive = {}) {
  options.access_log = false;
  auto server = std::make_unique<Server>(options);
  server->route("GET", "/events", [&opened, keep_alive](const Request&, Response& res) {
    res.content_type = "text/event-stream";
    res.set_header("Cache-Control", "no-store");
    StreamStart start;
    start.keep_alive = keep_alive;
    start.keep_alive_interval = 300ms;
    start.opened = [&opened](std::shared_ptr<ResponseStream> stream) {
      stream->on_closed([&opened] { ++opened.closed; });
      std::lock_guard lock(opened.mutex);
      opened.streams.push_back(std::move(stream));
    };
    res.stream = std::move(start);
  });
  server->route("GET", "/plain", [](const Request&, Response& res) { res.body = "plain"; });
  server->start();
  return server;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string open_stream(RawConnection& connection, const std::string& method = "GET") {
  connection.send_text(method + " /events HTTP/1.1\r\nHost: localhost\r\n\r\n");
  return connection.receive_until([](const std::string& got) { return has(got, "\r\n\r\n"); }, 5s);
}

TEST(ServerStream, SendsTheHeadThenEachWriteAsAChunk) {
  Opened opened;
  auto server = stream_server(opened);
  RawConnection connection(server->port());
  const std::string head = open_stream(connection);
  EXPECT_THAT(head, HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Type: text/event-stream\r\n"));
  EXPECT_THAT(head, HasSubstr("Transfer-Encoding: chunked\r\n"));
  EXPECT_THAT(head, HasSubstr("Cache-Control: no-store\r\n"));
  EXPECT_THAT(head, ::testing::Not(HasSubstr("Content-Length")));
  ASSERT_TRUE(proc::poll_until([&] { return opened.count() == 1; }, 5s));
  ASSERT_TRUE(opened.at(0)->write("data: one\n\n"));
  EXPECT_EQ(connection.receive_until([](const std::string& got) { return has(got, "one\n\n\r\n"); }, 5s),
            "b\r\ndata: one\n\n\r\n");
  opened.at(0)->close();
  bool closed = false;
  const std::string tail = connection.receive_until([](const std::string&) { return false; }, 5s, &closed);
  EXPECT_EQ(tail, "0\r\n\r\n");
  EXPECT_TRUE(closed);
  EXPECT_EQ(opened.closed, 1);
  EXPECT_FALSE(opened.at(0)->write("late"));
}

TEST(ServerStream, OpenStreamsHoldNoWorker) {
  Opened opened;
  ServerOptions options;
  options.threads = 2;
  auto server = stream_server(opened, options);
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 8; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server->port()));
    ASSERT_THAT(open_stream(*connections.back()), HasSubstr("200 OK"));
  }
  Client client(server->url());
  EXPECT_EQ(client.get("/plain").body, "plain");  // served while eight streams stay open
  ASSERT_TRUE(proc::poll_until([&] { return opened.count() == 8; }, 5s));
  for (std::size_t i = 0; i < 8; ++i) EXPECT_TRUE(opened.at(i)->write("x"));
}

TEST(ServerStream, TheClientLeavingClosesTheStream) {
  Opened opened;
  auto server = stream_server(opened);
  {
    RawConnection connection(server->port());
    open_stream(connection);
    ASSERT_TRUE(proc::poll_until([&] { return opened.count() == 1; }, 5s));
  }
  EXPECT_TRUE(proc::poll_until([&] { return opened.closed == 1; }, 5s));
  EXPECT_FALSE(opened.at(0)->write("to nobody"));
}

TEST(ServerStream, StopEndsEveryStream) {
  Opened opened;
  auto server = stream_server(opened);
  RawConnection first(server->port()), second(server->port());
  open_stream(first);
  open_stream(second);
  ASSERT_TRUE(proc::poll_until([&] { return opened.count() == 2; }, 5s));
  server->stop();
  EXPECT_EQ(opened.closed, 2);
  bool closed = false;
  EXPECT_THAT(first.receive_until([](const std::string&) { return false; }, 5s, &closed), EndsWith("0\r\n\r\n"));
  EXPECT_TRUE(closed);
}

TEST(ServerStream, AHeadRequestGetsAStreamClosedFromTheStart) {
  Opened opened;
  auto server = stream_server(opened);
  RawConnection connection(server->port());
  EXPECT_THAT(open_stream(connection, "HEAD"), HasSubstr("200 OK"));
  ASSERT_TRUE(proc::poll_until([&] { return opened.count() == 1; }, 5s));
  EXPECT_TRUE(opened.at(0)->closed());
  EXPECT_EQ(opened.closed, 1);
}

TEST(ServerStream, AnIdleStreamGetsTheKeepAliveBytes) {
  Opened opened;
  auto server = stream_server(opened, {}, ": ping\n\n");
  RawConnection connection(server->port());
  open_stream(connection);
  EXPECT_THAT(connection.receive_until([](const std::string& got) { return has(got, ": ping"); }, 3s),
              HasSubstr("8\r\n: ping\n\n\r\n"));
}

TEST(ServerStream, AClientThatStopsReadingIsCutOffWithoutHoldingTheWriter) {
  Opened opened;
  auto server = stream_server(opened);
  RawConnection connection(server->port());
  open_stream(connection);
  ASSERT_TRUE(proc::poll_until([&] { return opened.count() == 1; }, 5s));
  const std::string block(64 * 1024, 'x');
  const auto start = std::chrono::steady_clock::now();
  bool accepted = true;
  // The client reads nothing: the socket buffers fill, then the backlog passes its bound.
  for (int i = 0; i < 1000 && accepted; ++i) accepted = opened.at(0)->write(block);
  EXPECT_FALSE(accepted);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);  // no write waited for the client
  EXPECT_EQ(opened.closed, 1);
}

}  // namespace
}  // namespace mcph::http
