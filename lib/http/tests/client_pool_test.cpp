#include "mcph/http/client_pool.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "mcph/http/server.h"

namespace mcph::http {
namespace {

// A server that answers each request with the client's port: one port, one connection.
class PortEcho {
 public:
  PortEcho() {
    ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<Server>(options);
    server_->route("GET", "/port", [](const Request& req, Response& res) {
      res.body = std::to_string(req.remote_port);
    });
    server_->route("GET", "/teapot", [](const Request&, Response&) { throw HttpError(418, "short"); });
    server_->start();
  }
  std::string url() const { return server_->url(); }
  void stop() { server_->stop(); }

 private:
  std::unique_ptr<Server> server_;
};

ClientPool<Client> pool_for(const std::string& url, std::size_t max_idle, int* made) {
  return ClientPool<Client>(max_idle, [url, made] {
    ++*made;
    return std::make_unique<Client>(url);
  });
}

TEST(ClientPool, SequentialCallsReuseOneConnection) {
  PortEcho server;
  int made = 0;
  auto pool = pool_for(server.url(), 4, &made);
  std::set<std::string> ports;
  for (int i = 0; i < 20; ++i) ports.insert(pool.with_client([](Client& c) { return c.get("/port").body; }));
  EXPECT_EQ(made, 1);
  EXPECT_EQ(ports.size(), 1u);
}

TEST(ClientPool, AnErrorAnswerKeepsTheClientATransportFailureDropsIt) {
  PortEcho server;
  int made = 0;
  auto pool = pool_for(server.url(), 4, &made);
  EXPECT_EQ(pool.with_client([](Client& c) { return c.get("/teapot").status; }), 418);
  EXPECT_THROW(pool.with_client([](Client&) -> int { throw std::runtime_error("the caller's own failure"); }),
               std::runtime_error);
  pool.with_client([](Client& c) { c.get("/port"); });
  EXPECT_EQ(made, 1);
  EXPECT_THROW(pool.with_client([](Client&) -> int { throw TransportError("reset"); }), TransportError);
  pool.with_client([](Client& c) { c.get("/port"); });
  EXPECT_EQ(made, 2);  // the client of the failed call was not put back
}

TEST(ClientPool, ConcurrentCallsEachGetAClientAndAtMostMaxIdleAreKept) {
  PortEcho server;
  std::mutex mutex;
  int made = 0;
  ClientPool<Client> pool(2, [&] {
    std::lock_guard lock(mutex);
    ++made;
    return std::make_unique<Client>(server.url());
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) ASSERT_EQ(pool.with_client([](Client& c) { return c.get("/port").status; }), 200);
    });
  }
  for (auto& thread : threads) thread.join();
  const int after_burst = made;
  EXPECT_GE(after_burst, 2);
  EXPECT_LE(after_burst, 6 * 50);
  for (int i = 0; i < 10; ++i) pool.with_client([](Client& c) { c.get("/port"); });
  EXPECT_EQ(made, after_burst);  // sequential calls find a kept client
}

}  // namespace
}  // namespace mcph::http
