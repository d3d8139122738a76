#include "mcph/broker/credential_broker.h"

#include <algorithm>
#include <cstdio>

#include "mcph/http/trace_context.h"
#include "mcph/oidc/token_client.h"
#include "mcph/secrets/scrub.h"

namespace mcph::broker {

CredentialBroker::CredentialBroker(BrokerConfig config)
    : config_(std::move(config)),
      role_creations_(std::max<std::size_t>(1, config_.role_creations_at_once)) {}
CredentialBroker::~CredentialBroker() = default;

void CredentialBroker::log(const std::string& line) const {
  if (config_.log) return config_.log(line);
  std::fprintf(stderr, "credential broker: %s\n", line.c_str());
}

std::int64_t CredentialBroker::now() const {
  if (config_.clock) return config_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs fn with a Vault client taken from a pool (clients keep their connection alive
// and are not thread-safe), its requests continuing the trace of the principal's request,
// turning transport failures into BrokerError.
template <typename Fn>
auto CredentialBroker::with_vault(const Principal& principal, Fn&& fn) {
  std::unique_ptr<vault::Client> client;
  {
    std::lock_guard lock(mutex_);
    if (!idle_clients_.empty()) {
      client = std::move(idle_clients_.back());
      idle_clients_.pop_back();
    }
  }
  if (!client) {
    http::ClientOptions options;
    options.connect_timeout = config_.timeout;
    options.read_timeout = config_.timeout;
    client = std::make_unique<vault::Client>(config_.vault_url, options);
  }
  client->continue_trace(principal.trace);
  struct Return {
    CredentialBroker* broker;
    std::unique_ptr<vault::Client>& client;
    ~Return() {
      if (!client) return;
      client->continue_trace(std::nullopt);  // the next request it serves is another one
      std::lock_guard lock(broker->mutex_);
      if (broker->idle_clients_.size() < kMaxIdleVaultClients) broker->idle_clients_.push_back(std::move(client));
    }
  } give_back{this, client};
  try {
    return fn(*client);
  } catch (const http::TransportError& e) {
    client.reset();  // its connection is in an unknown state
    throw BrokerError(BrokerErrorCode::vault_unavailable, std::string("Vault is unreachable: ") + e.what());
  }
}

std::string CredentialBroker::token_for_vault(const Principal& principal) {
  if (config_.vault_login == VaultLogin::passthrough) return principal.token;
  http::ClientOptions options;
  options.connect_timeout = config_.timeout;
  options.read_timeout = config_.timeout;
  oidc::TokenClient idp(config_.realm_url, {config_.client_id, config_.client_secret}, options);
  idp.continue_trace(principal.trace);
  try {
    return idp.exchange(principal.token, config_.vault_audience).access_token;
  } catch (const oidc::OidcError& e) {
    throw BrokerError(BrokerErrorCode::exchange_refused,
                      "the identity provider refused to exchange the token for Vault: " + e.error() +
                          (e.description().empty() ? "" : " (" + e.description() + ")"));
  } catch (const http::TransportError& e) {
    throw BrokerError(BrokerErrorCode::idp_unavailable, std::string("the identity provider is unreachable: ") + e.what());
  }
}

template <typename Value, typename Fetch>
Value CredentialBroker::share(SingleFlight<Shared<Value>>& flights, const std::string& key, Fetch&& fetch) {
  const Shared<Value> outcome = flights.run(key, [&]() -> Shared<Value> {
    try {
      return {fetch(), {}, {}};
    } catch (const BrokerError& e) {
      return {std::nullopt, e.code(), e.what()};
    }
  });
  if (!outcome.value) throw BrokerError(outcome.code, outcome.error);
  return *outcome.value;
}

std::optional<VaultSession> CredentialBroker::cached_session(const std::string& subject) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(subject);
  if (it == sessions_.end() || it->second.valid_until <= now()) return std::nullopt;
  ++stats_.session_cache_hits;
  return it->second;
}

VaultSession CredentialBroker::session(const Principal& principal) {
  if (auto cached = cached_session(principal.subject)) return *cached;
  // Calls with the same token share one login; another token of the same user logs in itself
  // (Vault might refuse one token and not the other).
  return share(logins_in_flight_, principal.subject + '\n' + principal.token, [&] {
    if (auto cached = cached_session(principal.subject)) return *cached;  // a login that just ended
    return log_in(principal);
  });
}

VaultSession CredentialBroker::log_in(const Principal& principal) {
  const std::string jwt = token_for_vault(principal);
  VaultSession session = with_vault(principal, [&](vault::Client& vault) {
    vault::Login login;
    try {
      login = vault.login_jwt(config_.role, jwt, config_.jwt_mount);
    } catch (const vault::VaultError& e) {
      throw BrokerError(BrokerErrorCode::login_rejected, std::string("Vault refused the login: ") + e.what());
    }
    VaultSession s;
    s.token = login.client_token;
    try {
      // The entity comes from Vault's own records of this token, never from a claim.
      s.entity_id = vault.lookup_self(s.token).entity_id;
      if (s.entity_id.empty()) throw BrokerError(BrokerErrorCode::vault_error, "Vault token has no entity");
      s.entity_name = vault.entity_name(s.entity_id, s.token);
    } catch (const vault::VaultError& e) {
      throw BrokerError(BrokerErrorCode::vault_error, std::string("cannot resolve the Vault entity: ") + e.what());
    }
    const std::int64_t start = now();
    std::int64_t until = principal.expires_at > 0 ? principal.expires_at : start + login.lease_duration;
    if (login.lease_duration > 0) until = std::min(until, start + login.lease_duration);
    s.valid_until = until - config_.expiry_margin.count();
    return s;
  });
  std::lock_guard lock(mutex_);
  ++stats_.logins;
  sessions_[principal.subject] = session;
  return session;
}

void CredentialBroker::forget(const std::string& subject) {
  std::lock_guard lock(mutex_);
  sessions_.erase(subject);
  leases_.erase(subject);
}

std::optional<Secret> CredentialBroker::user_secret(const Principal& principal, const std::string& name) {
  const VaultSession s = session(principal);
  Secret secret;
  secret.path = config_.kv_mount + "/data/users/" + s.entity_name + "/" + name;
  auto data = with_vault(principal, [&](vault::Client& vault) {
    try {
      return vault.read_kv("users/" + s.entity_name + "/" + name, s.token, config_.kv_mount);
    } catch (const vault::VaultError& e) {
      if (e.status() == 403) {
        forget(principal.subject);  // the token may have been revoked: log in again next time
        throw BrokerError(BrokerErrorCode::access_denied, "Vault denied reading " + secret.path);
      }
      throw BrokerError(BrokerErrorCode::vault_error, std::string("reading ") + secret.path + ": " + e.what());
    }
  });
  if (!data) return std::nullopt;
  secret.data = std::move(*data);
  return secret;
}

std::optional<vault::DatabaseCredentials> CredentialBroker::cached_lease(const Principal& principal) {
  std::lock_guard lock(mutex_);
  const auto it = leases_.find(principal.subject);
  const std::int64_t at = now();
  if (it == leases_.end() || it->second.valid_until <= at) return std::nullopt;
  Lease& lease = it->second;
  if (at >= lease.renew_from && !lease.renewing) {
    lease.renewing = true;
    // A failure here is not the caller's: the current lease still serves, and at its end the
    // call that finds none fetches one itself (and gets the error, if any).
    // The fetch is not the call's work (the call does not wait for it): a trace of its own.
    Principal renewal = principal;
    renewal.trace = http::TraceContext{http::new_trace(), {}};
    lease_renewals_.post([this, renewal, current = lease.credentials] {
      try {
        // Renewed in place, or a new role: that one shared with the calls that need a lease now.
        if (!renew_lease(renewal, current)) share(leases_in_flight_, renewal.subject, [&] { return new_lease(renewal); });
      } catch (const BrokerError& e) {
        // An operator's only sign of it before the lease ends. The subject is an id, not a secret.
        log("renewing the database lease of " + renewal.subject + " failed (the current one serves until it ends): " +
            secrets::scrub(e.what()));
      }
    });
  }
  return lease.credentials;
}

vault::DatabaseCredentials CredentialBroker::database_credentials(const Principal& principal) {
  if (auto cached = cached_lease(principal)) return *cached;
  return share(leases_in_flight_, principal.subject, [&] {
    if (auto cached = cached_lease(principal)) return *cached;  // a lease that just came
    return new_lease(principal);
  });
}

vault::DatabaseCredentials CredentialBroker::new_lease(const Principal& principal) {
  const VaultSession s = session(principal);
  if (!role_creations_.acquire_for(config_.role_creation_wait)) {
    throw BrokerError(BrokerErrorCode::vault_unavailable,
                      "database credentials: waited " + std::to_string(config_.role_creation_wait.count()) +
                          " ms for a turn to ask Vault for a new role (this server asks for " +
                          std::to_string(config_.role_creations_at_once) +
                          " at a time: Vault creates them one at a time)");
  }
  struct Release {
    sync::Turns& turns;
    ~Release() { turns.release(); }
  } release{role_creations_};
  auto credentials = with_vault(principal, [&](vault::Client& vault) {
    try {
      return vault.database_credentials(s.entity_name, s.token, config_.database_mount);
    } catch (const vault::VaultError& e) {
      if (e.status() == 403) {
        forget(principal.subject);
        throw BrokerError(BrokerErrorCode::access_denied,
                          "Vault denied " + config_.database_mount + "/creds/" + s.entity_name);
      }
      throw BrokerError(BrokerErrorCode::vault_error, std::string("database credentials: ") + e.what());
    }
  });
  std::lock_guard lock(mutex_);
  ++stats_.database_leases;
  leases_[principal.subject] = lease_from(credentials, credentials.lease_duration);
  return credentials;
}

// Renewing keeps the role, so the user's pooled PostgreSQL connections stay good: a new role
// costs Vault a CREATE ROLE (one at a time) and the server new logins. A thousand users' new
// roles outlasted the last third of a 90-second lease (docs/family-10-load.md, "The full size, run by run").
bool CredentialBroker::renew_lease(const Principal& principal, const vault::DatabaseCredentials& current) {
  if (current.lease_id.empty()) return false;
  const VaultSession s = session(principal);
  const auto granted = with_vault(principal, [&](vault::Client& vault) -> std::optional<long> {
    try {
      return vault.renew_lease(current.lease_id, current.lease_duration, s.token);
    } catch (const vault::VaultError&) {
      return std::nullopt;  // not renewable, revoked, refused: a new role instead
    }
  });
  // Near the role's max_ttl Vault grants less and less: then a new role, while there is time.
  if (!granted || *granted * 3 < current.lease_duration) return false;
  std::lock_guard lock(mutex_);
  ++stats_.database_lease_renewals;
  // Only over the lease it renewed: one forgotten meanwhile (the database refused the role) or
  // replaced stays so.
  const auto cached = leases_.find(principal.subject);
  if (cached != leases_.end() && cached->second.credentials.lease_id == current.lease_id) {
    cached->second = lease_from(current, *granted);
  }
  return true;
}

CredentialBroker::Lease CredentialBroker::lease_from(const vault::DatabaseCredentials& credentials,
                                                     long ttl_seconds) const {
  const std::int64_t from = now();
  return Lease{credentials, from + ttl_seconds - config_.expiry_margin.count(), from + ttl_seconds * 2 / 3, false};
}

BrokerStats CredentialBroker::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace mcph::broker
