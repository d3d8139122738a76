#include "proxy.h"

#include "mcph/seed/seeded_random.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "mcph/http/url.h"

namespace mcph::harness::faults::detail {
namespace {

bool is_loopback(const std::string& host) { return host == "localhost" || http::is_loopback_ipv4(host); }

std::string name_of(Stream stream) { return stream == Stream::upstream ? "upstream" : "downstream"; }

// A non-blocking TCP socket with SO_REUSEADDR bound to `at`; -1 (errno set) when it cannot be.
int bound_socket(const Address& at) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in address = at.socket_address();
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

}  // namespace

sockaddr_in Address::socket_address() const {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &address.sin_addr);
  return address;
}

Address Address::parse(const std::string& text, const std::string& field, bool port_required) {
  const auto colon = text.rfind(':');
  Address address;
  const std::string host = colon == std::string::npos ? text : text.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
  address.host = host.empty() ? "127.0.0.1" : host;
  if (!is_loopback(address.host)) {
    throw FaultError(400, "bad request body: " + field + " must be a loopback address (127.0.0.1:PORT), not '" + text + "'");
  }
  if (port.empty() && port_required) throw FaultError(400, "bad request body: " + field + " needs a port ('" + text + "')");
  if (!port.empty()) {
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (error != std::errc() || end != port.data() + port.size() || address.port < 0 || address.port > 65535 ||
        (port_required && address.port == 0)) {
      throw FaultError(400, "bad request body: " + field + " has no valid port ('" + text + "')");
    }
  }
  return address;
}

Proxy::Proxy(std::string name, Address listen, Address upstream, const FaultLimits& limits)
    : name_(std::move(name)), limits_(limits), listen_(std::move(listen)), upstream_(std::move(upstream)) {
  chains_[0] = std::make_shared<Chain>();
  chains_[1] = std::make_shared<Chain>();
}

Proxy::~Proxy() {
  stop();
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
}

ProxyInfo Proxy::info() const {
  std::lock_guard lock(mutex_);
  ProxyInfo info{name_, listen_.text(), upstream_.text(), enabled_, {}};
  for (const auto& chain : chains_) {
    for (const auto& entry : chain->entries) info.toxics.push_back(entry.toxic);
  }
  return info;
}

bool Proxy::enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_;
}

Address Proxy::listen_address() const {
  std::lock_guard lock(mutex_);
  return listen_;
}

Address Proxy::upstream_address() const {
  std::lock_guard lock(mutex_);
  return upstream_;
}

void Proxy::set_addresses(const Address& listen, const Address& upstream) {
  std::lock_guard lock(mutex_);
  if (reserve_fd_ >= 0 && listen.text() != listen_.text()) {
    ::close(reserve_fd_);  // the old port is not this proxy's any more
    reserve_fd_ = -1;
  }
  listen_ = listen;
  upstream_ = upstream;
}

void Proxy::start() {
  std::lock_guard lock(mutex_);
  if (enabled_) return;
  const int fd = bound_socket(listen_);
  // Toxiproxy's Go listener asks for the kernel's largest queue (somaxconn), and so does this one:
  // a burst of new connections (a server opening one per concurrent call) waits in the queue
  // instead of being dropped, which its client would see as an answer that never comes.
  if (fd < 0 || ::listen(fd, SOMAXCONN) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw FaultError(500, "listen tcp " + listen_.text() + ": " + reason);
  }
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  if (listen_.host == "localhost") listen_.host = "127.0.0.1";
  listen_.port = ntohs(address.sin_port);  // a port 0 becomes the one bound (and is kept)
  listen_fd_ = fd;
  if (reserve_fd_ >= 0) {  // the listener has the port now
    ::close(reserve_fd_);
    reserve_fd_ = -1;
  }
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  enabled_ = true;
  stopping_ = false;
  loop_thread_ = std::thread([this] { run_loop(); });
}

void Proxy::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!enabled_) return;
    enabled_ = false;
    stopping_ = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(wake_fd_, &one, sizeof one);
  }
  loop_thread_.join();  // it has closed every connection
  // Connects are refused from now on, and the port stays this proxy's: a reserve socket, bound
  // but never listening, keeps it until start() binds the listener again. Without it, any
  // outgoing connection on the machine could take the port as its own while the proxy is down,
  // and enabling the proxy failed with "address already in use" (CI saw it once). The listener
  // stops listening first: a socket can be bound beside a SO_REUSEADDR one only when neither
  // listens.
  std::lock_guard lock(mutex_);
  ::shutdown(listen_fd_, SHUT_RD);
  reserve_fd_ = bound_socket(listen_);
  ::close(listen_fd_);
  ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
}

void Proxy::chains_changed() {
  chains_changed_ = true;
  std::lock_guard lock(mutex_);
  if (!enabled_) return;  // a loop started later reads the chains as they are then
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(wake_fd_, &one, sizeof one);
}

std::shared_ptr<const Chain> Proxy::chain(Stream stream) const {
  std::lock_guard lock(mutex_);
  return chains_[static_cast<int>(stream)];
}

void Proxy::publish_locked(Stream stream, std::vector<ChainEntry> entries) {
  auto chain = std::make_shared<Chain>();
  chain->entries = std::move(entries);
  chain->version = next_version_++;
  chains_[static_cast<int>(stream)] = std::move(chain);
}

Toxic Proxy::add_toxic(Toxic toxic) {
  if (toxic.name.empty()) toxic.name = type_of(toxic.attributes) + "_" + name_of(toxic.stream);
  if (!toxic.seed) toxic.seed = seed::fresh_seed();
  {
    std::lock_guard lock(mutex_);
    std::size_t count = 0;
    for (const auto& chain : chains_) {
      for (const auto& entry : chain->entries) {
        if (entry.toxic.name == toxic.name) throw FaultError(409, "toxic already exists");
        ++count;
      }
    }
    if (count >= limits_.max_toxics_per_proxy) {
      throw FaultError(400, "bad request body: a proxy has at most " + std::to_string(limits_.max_toxics_per_proxy) + " toxics");
    }
    auto entries = chains_[static_cast<int>(toxic.stream)]->entries;
    entries.push_back(ChainEntry{toxic, next_toxic_id_++});
    publish_locked(toxic.stream, std::move(entries));
  }
  chains_changed();
  return toxic;
}

Toxic Proxy::update_toxic(const std::string& name, const std::optional<ToxicAttributes>& attributes,
                          std::optional<double> toxicity) {
  Toxic updated;
  {
    std::lock_guard lock(mutex_);
    bool found = false;
    for (auto& chain : chains_) {
      auto entries = chain->entries;
      for (auto& entry : entries) {
        if (entry.toxic.name != name) continue;
        if (attributes) {
          if (type_of(*attributes) != type_of(entry.toxic.attributes)) {
            throw FaultError(400, "bad request body: a toxic's type cannot change");
          }
          entry.toxic.attributes = *attributes;
        }
        if (toxicity) entry.toxic.toxicity = *toxicity;
        updated = entry.toxic;
        found = true;
      }
      if (found) {
        publish_locked(updated.stream, std::move(entries));
        break;
      }
    }
    if (!found) throw FaultError(404, "toxic not found");
  }
  chains_changed();
  return updated;
}

void Proxy::remove_toxic(const std::string& name) {
  Stream stream = Stream::downstream;
  {
    std::lock_guard lock(mutex_);
    bool found = false;
    for (auto& chain : chains_) {
      auto entries = chain->entries;
      const auto it = std::find_if(entries.begin(), entries.end(), [&](const ChainEntry& e) { return e.toxic.name == name; });
      if (it == entries.end()) continue;
      stream = it->toxic.stream;
      entries.erase(it);
      publish_locked(stream, std::move(entries));
      found = true;
      break;
    }
    if (!found) throw FaultError(404, "toxic not found");
  }
  chains_changed();
}

Toxic Proxy::get_toxic(const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& chain : chains_) {
    for (const auto& entry : chain->entries) {
      if (entry.toxic.name == name) return entry.toxic;
    }
  }
  throw FaultError(404, "toxic not found");
}

void Proxy::remove_all_toxics() {
  {
    std::lock_guard lock(mutex_);
    publish_locked(Stream::upstream, {});
    publish_locked(Stream::downstream, {});
  }
  chains_changed();
}

}  // namespace mcph::harness::faults::detail
