// Run slots (mcph/http/run_slot.h): a server serves at most run_slots requests at once, and a
// handler that waits — having released its slot, by hand, in an outbound request, or in a
// connection whose client is slow — lets the next request run meanwhile.
#include "mcph/http/run_slot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/proc/poll_until.h"
#include "raw_connection.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ServerOptions slots(std::size_t run_slots, std::size_t threads = 8) {
  ServerOptions options;
  options.access_log = false;
  options.threads = threads;
  options.run_slots = run_slots;
  return options;
}

ClientOptions patient() {
  ClientOptions options;
  options.connect_timeout = 5s;
  options.read_timeout = 10s;
  return options;
}

// How many handlers of /work were running at once, at most: each computes for 20 ms without
// waiting on anything, as a CPU-bound request does.
int most_at_once(std::size_t run_slots) {
  Server server(slots(run_slots));
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  server.route("GET", "/work", [&](const Request&, Response& res) {
    const int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    const auto until = Clock::now() + 20ms;
    while (Clock::now() < until) {
    }
    --running;
    res.body = "done";
  });
  server.start();
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      Client client(server.url(), patient());
      for (int call = 0; call < 3; ++call) {
        if (client.get("/work").status == 200) ++answered;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered.load(), 24);
  return most.load();
}

TEST(RunSlots, AServerServesAtMostItsRunSlotsAtOnce) {
  EXPECT_LE(most_at_once(2), 2);
  // The same load with a slot for every worker: the eight requests overlap, so the limit above
  // is the slots' doing, not the load's.
  EXPECT_GT(most_at_once(8), 2);
}

// /wait releases its slot and waits for /signal; with the only slot still held, /signal would
// not be served until /wait gave up.
TEST(RunSlots, AHandlerThatReleasedItsSlotLetsTheNextRequestRun) {
  Server server(slots(1));
  std::promise<void> signalled;
  auto signal = signalled.get_future().share();
  std::atomic<bool> waiting{false};
  server.route("GET", "/wait", [&](const Request&, Response& res) {
    release_run_slot();
    waiting = true;
    res.status = signal.wait_for(10s) == std::future_status::ready ? 200 : 504;
  });
  server.route("GET", "/signal", [&](const Request&, Response&) { signalled.set_value(); });
  server.start();
  auto waited = std::async(std::launch::async, [&] { return Client(server.url(), patient()).get("/wait").status; });
  ASSERT_TRUE(proc::poll_until([&] { return waiting.load(); }, 5s));
  EXPECT_EQ(Client(server.url(), patient()).get("/signal").status, 200);
  EXPECT_EQ(waited.get(), 200);
}

// A handler that asks its own server: the inner request needs the slot the outer one holds,
// unless the outbound request released it.
TEST(RunSlots, AnOutboundRequestReleasesTheSlot) {
  Server server(slots(1));
  server.route("GET", "/inner", [](const Request&, Response& res) { res.body = "inner"; });
  server.route("GET", "/outer", [&server](const Request&, Response& res) {
    ClientOptions options = patient();
    options.read_timeout = 3s;
    const auto inner = Client(server.url(), options).get("/inner");
    res.body = "outer+" + inner.body;
  });
  server.start();
  const auto response = Client(server.url(), patient()).get("/outer");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "outer+inner");
}

// A client that sends half a request head keeps its worker waiting, but not the only slot: a
// whole request from another client is answered before the slow one's head deadline.
TEST(RunSlots, AClientSendingItsHeadSlowlyDoesNotHoldASlot) {
  ServerOptions options = slots(1);
  options.header_timeout = 10s;
  Server server(options);
  server.route("GET", "/n", [](const Request&, Response& res) { res.body = "n"; });
  server.start();
  RawConnection slow(server.port());
  ASSERT_TRUE(slow.connected());
  slow.send_text("GET /n HTTP/1.1\r\nHost: x\r\n");
  // Its worker has taken the connection once the head has begun to arrive.
  std::this_thread::sleep_for(100ms);
  ClientOptions quick = patient();
  quick.read_timeout = 3s;  // well before the slow client's head deadline
  ClientResponse response;
  ASSERT_NO_THROW(response = Client(server.url(), quick).get("/n")) << "waited for the slow client";
  EXPECT_EQ(response.status, 200);
  bool closed = false;
  EXPECT_EQ(slow.receive_until([](const std::string& got) { return !got.empty(); }, 50ms, &closed), "")
      << "the slow client's request was ended before another could be served";
  EXPECT_FALSE(closed);
}

// stop() ends the workers waiting for a slot as well as those holding one.
TEST(RunSlots, StopEndsWorkersWaitingForASlot) {
  auto server = std::make_unique<Server>(slots(1, 16));
  server->route("GET", "/n", [](const Request&, Response& res) { res.body = "n"; });
  server->start();
  EXPECT_EQ(Client(server->url(), patient()).get("/n").status, 200);
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace mcph::http
