#pragma once
// Kept-alive clients for code that calls one server from many threads: a client (one
// connection, not thread-safe) is taken for a call and put back afterwards, so calls reuse
// connections instead of connecting each time. After a transport failure the client is
// dropped (its connection is in an unknown state). At most `max_idle` are kept.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "mcph/http/client.h"

namespace mcph::http {

template <typename C>  // http::Client, or a client type built on one (vault::Client)
class ClientPool {
 public:
  ClientPool(std::size_t max_idle, std::function<std::unique_ptr<C>()> make)
      : max_idle_(max_idle), make_(std::move(make)) {}

  // Runs fn(C&) with an idle client or a new one and returns what fn returns.
  template <typename Fn>
  auto with_client(Fn&& fn) {
    std::unique_ptr<C> client = take();
    try {
      if constexpr (std::is_void_v<decltype(fn(*client))>) {
        fn(*client);
        put_back(std::move(client));
      } else {
        auto result = fn(*client);
        put_back(std::move(client));
        return result;
      }
    } catch (const TransportError&) {
      throw;  // the client is dropped
    } catch (...) {
      put_back(std::move(client));  // an answer came (an error status): the connection is fine
      throw;
    }
  }

 private:
  std::unique_ptr<C> take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto client = std::move(idle_.back());
        idle_.pop_back();
        return client;
      }
    }
    return make_();
  }
  void put_back(std::unique_ptr<C> client) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(client));
  }

  std::size_t max_idle_;
  std::function<std::unique_ptr<C>()> make_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<C>> idle_;  // the last returned is taken first (its connection is warm)
};

}  // namespace mcph::http
