#include "mcph/mock_spiffe/mock_spiffe.h"

#include <stdexcept>

#include "mcph/spiffe/spiffe_id.h"
#include "mcph/sync/unix_time.h"
#include "state.h"

namespace mcph::mock_spiffe {
namespace {

jose::Alg algorithm(const std::string& name) {
  if (name == "ES256") return jose::Alg::ES256;
  if (name == "RS256") return jose::Alg::RS256;
  throw std::invalid_argument("the JWT-SVID algorithm must be ES256 or RS256, not " + name);
}

Options checked(Options options) {
  if (auto why = spiffe::why_not_trust_domain(options.trust_domain)) throw std::invalid_argument(*why);
  if (options.default_svid_ttl <= 0) throw std::invalid_argument("the JWT-SVID TTL must be at least 1 s");
  if (options.refresh_hint <= 0) throw std::invalid_argument("the bundle's refresh hint must be at least 1 s");
  return options;
}

}  // namespace

std::string workload_id(const std::string& trust_domain, const std::string& entry) {
  const std::string id = entry.rfind("spiffe://", 0) == 0 ? entry : spiffe::agent_id(trust_domain, entry);
  if (auto why = spiffe::why_not_member_id(id, trust_domain)) throw std::invalid_argument(*why);
  return id;
}

MockSpiffe::State::State(Options options_in, jose::Alg alg, std::int64_t now)
    : options(std::move(options_in)), authority(alg, options.refresh_hint, now) {
  for (const std::string& entry : options.workloads) workloads.insert(workload_id(options.trust_domain, entry));
}

MockSpiffe::MockSpiffe(Options options) {
  options = checked(std::move(options));
  const jose::Alg alg = algorithm(options.algorithm);
  state_ = std::make_unique<State>(std::move(options), alg, sync::unix_seconds());
  http::ServerOptions server_options;
  server_options.name = "spiffe";
  server_options.port = state_->options.port;
  server_options.access_log = state_->options.access_log;
  server_ = std::make_unique<http::Server>(server_options);
  add_routes(*server_, *state_);
}

MockSpiffe::~MockSpiffe() { stop(); }

int MockSpiffe::start() { return server_->start(); }

void MockSpiffe::stop() {
  if (server_) server_->stop();
}

std::string MockSpiffe::url() const { return server_->url(); }

http::Server& MockSpiffe::server() { return *server_; }

}  // namespace mcph::mock_spiffe
