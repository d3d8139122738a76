#include "mcph/harness/faults/fault_proxy.h"

#include <map>
#include <mutex>

#include "proxy.h"

namespace mcph::harness::faults {
namespace {

using detail::Address;
using detail::Proxy;

// Attributes Toxiproxy would take but that cannot work: refused with 400 instead.
void check(const ToxicAttributes& attributes) {
  auto non_negative = [](std::int64_t value, const char* field) {
    if (value < 0) throw FaultError(400, std::string("bad request body: attributes.") + field + " must not be negative");
  };
  std::visit(
      [&](const auto& toxic) {
        using T = std::decay_t<decltype(toxic)>;
        if constexpr (std::is_same_v<T, Latency>) {
          non_negative(toxic.latency, "latency");
          non_negative(toxic.jitter, "jitter");
        } else if constexpr (std::is_same_v<T, Bandwidth>) {
          non_negative(toxic.rate, "rate");
        } else if constexpr (std::is_same_v<T, Slicer>) {
          non_negative(toxic.delay, "delay");
          if (toxic.average_size <= 0) throw FaultError(400, "bad request body: attributes.average_size must be positive");
          if (toxic.size_variation < 0 || toxic.size_variation >= toxic.average_size) {
            throw FaultError(400, "bad request body: attributes.size_variation must be at least 0 and less than average_size");
          }
        } else if constexpr (std::is_same_v<T, Timeout> || std::is_same_v<T, ResetPeer>) {
          non_negative(toxic.timeout, "timeout");
        } else if constexpr (std::is_same_v<T, SlowClose>) {
          non_negative(toxic.delay, "delay");
        } else if constexpr (std::is_same_v<T, LimitData>) {
          non_negative(toxic.bytes, "bytes");
        } else {
          static_assert(every_toxic_handled<T>, "every toxic type is checked");
        }
      },
      attributes);
}

void check_toxicity(double toxicity) {
  if (!(toxicity >= 0 && toxicity <= 1)) throw FaultError(400, "bad request body: toxicity must be between 0 and 1");
}

}  // namespace

std::string type_of(const ToxicAttributes& attributes) {
  static const char* const names[] = {"latency", "bandwidth", "slicer", "timeout", "reset_peer", "slow_close", "limit_data"};
  static_assert(std::size(names) == std::variant_size_v<ToxicAttributes>);
  return names[attributes.index()];
}

std::optional<ToxicAttributes> attributes_of_type(const std::string& type) {
  if (type == "latency") return Latency{};
  if (type == "bandwidth") return Bandwidth{};
  if (type == "slicer") return Slicer{};
  if (type == "timeout") return Timeout{};
  if (type == "reset_peer") return ResetPeer{};
  if (type == "slow_close") return SlowClose{};
  if (type == "limit_data") return LimitData{};
  return std::nullopt;
}

struct FaultProxy::Impl {
  FaultLimits limits;
  mutable std::mutex mutex;  // the map; each Proxy guards itself
  std::map<std::string, std::shared_ptr<Proxy>> proxies;

  std::shared_ptr<Proxy> find(const std::string& name) const {
    std::lock_guard lock(mutex);
    const auto it = proxies.find(name);
    if (it == proxies.end()) throw FaultError(404, "proxy not found");
    return it->second;
  }
};

FaultProxy::FaultProxy(FaultLimits limits) : impl_(std::make_unique<Impl>()) { impl_->limits = limits; }

FaultProxy::~FaultProxy() {
  std::lock_guard lock(impl_->mutex);
  for (auto& [name, proxy] : impl_->proxies) proxy->stop();
}

ProxyInfo FaultProxy::create(const std::string& name, const std::string& listen, const std::string& upstream,
                             bool enabled) {
  if (name.empty()) throw FaultError(400, "missing required field: name");
  if (upstream.empty()) throw FaultError(400, "missing required field: upstream");
  auto proxy = std::make_shared<Proxy>(name, Address::parse(listen, "listen", false),
                                       Address::parse(upstream, "upstream", true), impl_->limits);
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->proxies.count(name)) throw FaultError(409, "proxy already exists");
    if (impl_->proxies.size() >= impl_->limits.max_proxies) {
      throw FaultError(400, "bad request body: at most " + std::to_string(impl_->limits.max_proxies) + " proxies");
    }
    if (enabled) proxy->start();  // under the lock: two creates of one name cannot both listen
    impl_->proxies.emplace(name, proxy);
  }
  return proxy->info();
}

ProxyInfo FaultProxy::update(const std::string& name, const std::optional<std::string>& listen,
                             const std::optional<std::string>& upstream, std::optional<bool> enabled) {
  const auto proxy = impl_->find(name);
  const Address new_listen = listen ? Address::parse(*listen, "listen", false) : proxy->listen_address();
  const Address new_upstream = upstream ? Address::parse(*upstream, "upstream", true) : proxy->upstream_address();
  const bool was_enabled = proxy->enabled();
  const bool want_enabled = enabled.value_or(was_enabled);
  const Address old_listen = proxy->listen_address();
  const bool moved = new_listen.text() != old_listen.text() || new_upstream.text() != proxy->upstream_address().text();
  if (moved || !want_enabled) proxy->stop();
  if (moved) proxy->set_addresses(new_listen, new_upstream);
  if (want_enabled) proxy->start();
  return proxy->info();
}

void FaultProxy::remove(const std::string& name) {
  std::shared_ptr<Proxy> proxy;
  {
    std::lock_guard lock(impl_->mutex);
    const auto it = impl_->proxies.find(name);
    if (it == impl_->proxies.end()) throw FaultError(404, "proxy not found");
    proxy = it->second;
    impl_->proxies.erase(it);
  }
  proxy->stop();
}

ProxyInfo FaultProxy::get(const std::string& name) const { return impl_->find(name)->info(); }

std::vector<ProxyInfo> FaultProxy::list() const {
  std::vector<std::shared_ptr<Proxy>> proxies;
  {
    std::lock_guard lock(impl_->mutex);
    for (const auto& [name, proxy] : impl_->proxies) proxies.push_back(proxy);
  }
  std::vector<ProxyInfo> out;
  for (const auto& proxy : proxies) out.push_back(proxy->info());
  return out;
}

Toxic FaultProxy::add_toxic(const std::string& proxy, Toxic toxic) {
  const auto target = impl_->find(proxy);
  check(toxic.attributes);
  check_toxicity(toxic.toxicity);
  return target->add_toxic(std::move(toxic));
}

Toxic FaultProxy::update_toxic(const std::string& proxy, const std::string& toxic,
                               const std::optional<ToxicAttributes>& attributes, std::optional<double> toxicity) {
  const auto target = impl_->find(proxy);
  if (attributes) check(*attributes);
  if (toxicity) check_toxicity(*toxicity);
  return target->update_toxic(toxic, attributes, toxicity);
}

void FaultProxy::remove_toxic(const std::string& proxy, const std::string& toxic) {
  impl_->find(proxy)->remove_toxic(toxic);
}

Toxic FaultProxy::get_toxic(const std::string& proxy, const std::string& toxic) const {
  return impl_->find(proxy)->get_toxic(toxic);
}

void FaultProxy::reset() {
  std::vector<std::shared_ptr<Proxy>> proxies;
  {
    std::lock_guard lock(impl_->mutex);
    for (const auto& [name, proxy] : impl_->proxies) proxies.push_back(proxy);
  }
  for (const auto& proxy : proxies) {
    proxy->start();  // a no-op for one that runs
    proxy->remove_all_toxics();
  }
}

}  // namespace mcph::harness::faults
