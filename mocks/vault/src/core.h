#pragma once
// The request path of Vault's core, in the order Vault runs it: quota, routing to a mount, token
// and ACL check (with identity templating), audit, the backend, token issuing for logins, audit
// again, and the response envelope. Owns every store; backends reach them through it.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit_log.h"
#include "identity_store.h"
#include "lease_manager.h"
#include "mcph/mock_vault/acl.h"
#include "mount_table.h"
#include "policy_store.h"
#include "rate_limit_quota.h"
#include "request.h"
#include "token_store.h"

namespace mcph::mock_vault {

struct CoreOptions {
  std::string root_token_id = "root";
  std::string audit_log_path;  // enables a file audit device at "file/" when set
};

class Core {
 public:
  explicit Core(CoreOptions options);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Runs one request end to end; never throws.
  VaultResponse handle(VaultRequest& request);
  // Expires tokens and leases in the background until shutdown().
  void start_reaper();
  // Stops the reaper and revokes every outstanding lease (database roles included).
  void shutdown();

  // --- for backends
  MountTable& mounts() { return mounts_; }
  PolicyStore& policies() { return policies_; }
  TokenStore& tokens() { return tokens_; }
  IdentityStore& identity() { return identity_; }
  LeaseManager& leases() { return leases_; }
  AuditBroker& audit() { return audit_; }
  QuotaManager& quotas() { return quotas_; }

  // A new backend for sys/mounts or sys/auth; throws VaultError 400 for unknown types.
  std::shared_ptr<Backend> make_backend(const std::string& type, const Json& options, bool is_auth);
  // The ACL of a token (token + identity policies, templated for its entity).
  Acl acl_for(const TokenEntry& token, const CallerIdentity& caller) const;
  CallerIdentity caller_of(const TokenEntry& token) const;
  // The "auth" block of a login/create/renew response.
  Json auth_json(const TokenEntry& token, const std::vector<std::string>& identity_policies) const;
  // auth/token/lookup* data.
  Json lookup_json(const TokenEntry& token) const;
  // Issues the token of a successful login on `mount` and fills response.auth.
  void complete_login(VaultRequest& request, const MountEntry& mount, VaultResponse& response);
  // auth/token/renew*: renews per the issuing auth method's rules; returns the auth block.
  Json renew_token(const TokenEntry& token, std::int64_t increment, std::vector<std::string>& warnings);

 private:
  VaultResponse handle_unchecked(VaultRequest& request, AuditRecord& audit_record, bool& audited_request);
  void mount_builtins();

  CoreOptions options_;
  MountTable mounts_;
  PolicyStore policies_;
  TokenStore tokens_;
  IdentityStore identity_;
  LeaseManager leases_;
  AuditBroker audit_;
  QuotaManager quotas_;

  std::mutex reaper_mutex_;
  std::condition_variable reaper_wakeup_;
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace mcph::mock_vault
