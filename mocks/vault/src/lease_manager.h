#pragma once
// Leases of dynamic secrets: registration, lookup, renewal within the maximum TTL, revocation
// (by id, prefix, or the token that created them) and expiry. Revocation runs the secrets
// engine's revoker outside the lock; a failed expiry is retried with backoff (six attempts, as
// Vault's expiration manager does) and then left as irrevocable.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace mcph::mock_vault {

struct Lease;

class LeaseHandler {
 public:
  virtual ~LeaseHandler() = default;
  // Throws on failure (the lease stays and is retried).
  virtual void revoke(const Lease& lease) = 0;
  // The lease's new expiry; may throw to refuse.
  virtual void renew(const Lease& lease, TimePoint new_expire) = 0;
};

struct Lease {
  std::string id;
  std::string token_id;  // the token that created it
  TimePoint issue_time{};
  TimePoint expire_time{};
  TimePoint max_expire{};
  std::optional<TimePoint> last_renewal;
  bool renewable = true;
  Json internal = Json::object();  // what the handler needs to revoke (never returned to clients)
  std::shared_ptr<LeaseHandler> handler;
  int failed_revocations = 0;
  bool revoking = false;  // a revocation is running (the reaper and a request may race)
  bool irrevocable = false;
  std::string last_error;
};

class LeaseManager {
 public:
  // `prefix` is "database/creds/<role>"; the id gets "/<24 base62>".
  std::string add(const std::string& prefix, Lease lease);
  std::optional<Lease> lookup(const std::string& id) const;
  // Returns the renewed lease; increment 0 = the lease's original TTL.
  Lease renew(const std::string& id, std::int64_t increment_seconds);
  // Revokes now; throws std::runtime_error (the handler's) when revocation fails.
  void revoke(const std::string& id);
  // Revokes every lease under the prefix; returns how many.
  std::size_t revoke_prefix(const std::string& prefix);
  void revoke_by_token(const std::string& token_id);
  // Revokes what is due; retries failures with backoff.
  void expire_due(TimePoint now);
  std::vector<std::string> list(const std::string& prefix) const;
  std::size_t size() const;

 private:
  bool revoke_one(const std::string& id, bool throw_on_failure);

  mutable std::mutex mutex_;
  std::map<std::string, Lease> leases_;
};

}  // namespace mcph::mock_vault
