#pragma once
// Steps 4–7 of a tool call (docs/design.md): get a Vault identity for the verified user — by default without passing
// on the token issued to this server (MCP authorization spec: no token passthrough): the server
// trades it at the identity provider for a token whose audience is Vault (OAuth 2.0 token
// exchange, RFC 8693) and logs in to Vault with that — learn the entity from Vault (never from a
// claim), read that entity's own secrets, and cache the Vault session per verified subject —
// never past the JWT's exp or the Vault token's TTL.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "mcph/broker/authenticator.h"
#include "mcph/broker/background_jobs.h"
#include "mcph/broker/single_flight.h"
#include "mcph/sync/turns.h"
#include "mcph/vault/client.h"

namespace mcph::broker {

// How the server logs in to Vault for a user.
enum class VaultLogin {
  exchange,     // trade the user's token for a Vault-audience one at the IdP, log in with that
  passthrough,  // log in with the user's own token (the original demo's design; a finding)
};

struct BrokerConfig {
  VaultLogin vault_login = VaultLogin::exchange;
  // exchange: the realm's token endpoint is <realm_url>/protocol/openid-connect/token; the server
  // authenticates as its own confidential client.
  std::string realm_url;
  std::string client_id;
  std::string client_secret;
  std::string vault_audience = "vault";
  std::string vault_url;
  std::string role = "user";
  std::string jwt_mount = "jwt";
  std::string kv_mount = "secret";
  std::string database_mount = "database";
  std::chrono::milliseconds timeout{3000};     // every Vault call
  std::chrono::seconds expiry_margin{5};       // stop using a session or lease this early
  // New database roles asked of Vault at once (database/creds reads). Vault creates them one at
  // a time per connection config, so more in flight only queue there: under a burst of first
  // calls, requests at the back of that queue outlasted `timeout`, and Vault still created
  // their roles, which no call then used. A call waits here for its turn, up to
  // `role_creation_wait`, and the Vault timeout measures Vault's answer, not a queue of ours.
  std::size_t role_creations_at_once = 16;
  std::chrono::milliseconds role_creation_wait{10000};
  // Seconds since the epoch; empty: the system clock (tests set their own).
  std::function<std::int64_t()> clock;
  // What no call hears of (a lease renewal that failed), a line at a time; empty: standard error.
  std::function<void(const std::string&)> log;
};

// Stable error codes: MCP servers map them to tool errors or JSON-RPC errors.
enum class BrokerErrorCode {
  vault_unavailable,  // Vault did not answer (down, timeout, reset)
  login_rejected,     // Vault refused the JWT login
  exchange_refused,   // the identity provider refused to exchange the user's token
  idp_unavailable,    // the identity provider did not answer the exchange
  access_denied,      // Vault refused a read with this user's token
  vault_error,        // any other Vault failure
};

class BrokerError : public std::runtime_error {
 public:
  BrokerError(BrokerErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  BrokerErrorCode code() const { return code_; }

 private:
  BrokerErrorCode code_;
};

struct VaultSession {
  std::string token;
  std::string entity_id;
  std::string entity_name;
  std::int64_t valid_until = 0;  // seconds since the epoch, margin already taken off
};

struct Secret {
  std::string path;  // the Vault path it was read from (for traces)
  std::map<std::string, std::string> data;
};

struct BrokerStats {
  int logins = 0;
  int session_cache_hits = 0;
  int database_leases = 0;          // new roles fetched
  int database_lease_renewals = 0;  // leases renewed at Vault (the role kept)
};

class CredentialBroker {
 public:
  explicit CredentialBroker(BrokerConfig config);
  ~CredentialBroker();

  // The caller's Vault session, from the cache or a fresh login. Throws BrokerError.
  VaultSession session(const Principal& principal);
  // KV v2 secret users/<entity name>/<name>, or nullopt when none is stored for this user.
  std::optional<Secret> user_secret(const Principal& principal, const std::string& name);
  // Dynamic database credentials of the role named after the entity; reused until near lease
  // expiry. Once two thirds of a lease's time have passed, the next call starts fetching its
  // successor in the background and goes on with the current one, so that no call waits for
  // a new role (Vault creates them one at a time) while the user's lease is still good.
  vault::DatabaseCredentials database_credentials(const Principal& principal);
  // Drops the subject's cached session (after Vault says its token is no longer valid).
  void forget(const std::string& subject);

  BrokerStats stats() const;
  const BrokerConfig& config() const { return config_; }

 private:
  template <typename Fn>
  auto with_vault(const Principal& principal, Fn&& fn);
  // The JWT the Vault login uses: the exchanged one, or the user's own (passthrough).
  std::string token_for_vault(const Principal& principal);
  std::optional<VaultSession> cached_session(const std::string& subject);
  VaultSession log_in(const Principal& principal);  // and caches the session
  // The subject's lease, when still valid; starts its successor's fetch when it is due.
  std::optional<vault::DatabaseCredentials> cached_lease(const Principal& principal);
  vault::DatabaseCredentials new_lease(const Principal& principal);  // and caches the lease
  // Renews `current` at Vault: true when Vault grants it a third of a lease more or longer (then
  // cached, if it still is the user's lease), false when a new role is due instead.
  bool renew_lease(const Principal& principal, const vault::DatabaseCredentials& current);
  std::int64_t now() const;
  void log(const std::string& line) const;

  BrokerConfig config_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, VaultSession> sessions_;
  struct Lease {
    vault::DatabaseCredentials credentials;
    std::int64_t valid_until = 0;
    std::int64_t renew_from = 0;  // from then on, a call starts renewing it (or fetching the next)
    bool renewing = false;        // that has started (once per lease, success or not)
  };
  std::unordered_map<std::string, Lease> leases_;
  Lease lease_from(const vault::DatabaseCredentials& credentials, long ttl_seconds) const;  // from now
  // A login's or a lease's outcome as every call that waited for it gets it. A failure is kept
  // as its code and message, and each call throws a BrokerError of its own: one exception object
  // rethrown in several threads would be read by one while another destroys it.
  template <typename Value>
  struct Shared {
    std::optional<Value> value;
    BrokerErrorCode code = BrokerErrorCode::vault_error;
    std::string error;
  };
  template <typename Value, typename Fetch>
  static Value share(SingleFlight<Shared<Value>>& flights, const std::string& key, Fetch&& fetch);
  // A user's concurrent calls that find no session (or lease) share one login (or lease).
  SingleFlight<Shared<VaultSession>> logins_in_flight_;
  SingleFlight<Shared<vault::DatabaseCredentials>> leases_in_flight_;
  sync::Turns role_creations_;  // places for database/creds reads, in the calls' order of arrival
  // As many as the server handles requests at once (http::ServerOptions::threads): with fewer,
  // calls at full concurrency each opened a connection to Vault and closed it after one request.
  static constexpr std::size_t kMaxIdleVaultClients = 64;
  std::vector<std::unique_ptr<vault::Client>> idle_clients_;
  BrokerStats stats_;
  // Next leases fetched ahead of time. Last: destroyed first, so a running fetch ends before the
  // members it uses go.
  BackgroundJobs lease_renewals_;
};

}  // namespace mcph::broker
