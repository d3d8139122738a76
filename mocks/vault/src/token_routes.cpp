// auth/token/: lookup-self, lookup, lookup-accessor, renew-self, renew, revoke-self, revoke,
// revoke-accessor, create (and create-orphan).
#include <algorithm>
#include <regex>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

class TokenBackend final : public Backend {
 public:
  explicit TokenBackend(Core& core) : core_(core) {
    table_.add("lookup-self", PathOperations()
                                  .read([this](VaultRequest& r, const Captures&) { return lookup(*r.token); })
                                  .update([this](VaultRequest& r, const Captures&) { return lookup(*r.token); }));
    table_.add("lookup", PathOperations().update([this](VaultRequest& r, const Captures&) {
      const std::string id = fields::string_or(r.data, "token");
      if (id.empty()) return lookup(*r.token);
      const auto token = core_.tokens().lookup(id);
      if (!token) throw VaultError(403, {"bad token"});
      return lookup(*token);
    }));
    table_.add("lookup-accessor", PathOperations().update([this](VaultRequest& r, const Captures&) {
      const auto token = core_.tokens().lookup_accessor(fields::string_or(r.data, "accessor"));
      if (!token) throw VaultError::bad_request("invalid accessor");
      Json data = core_.lookup_json(*token);
      data["id"] = "";  // an accessor never reveals the token
      return VaultResponse::with_data(data);
    }));
    table_.add("renew-self", PathOperations().update([this](VaultRequest& r, const Captures&) {
      return renew(*r.token, r);
    }));
    table_.add("renew", PathOperations().update([this](VaultRequest& r, const Captures&) {
      const auto token = core_.tokens().lookup(fields::string_or(r.data, "token"));
      if (!token) throw VaultError::bad_request("invalid token");
      return renew(*token, r);
    }));
    table_.add("revoke-self", PathOperations().update([this](VaultRequest& r, const Captures&) {
      core_.tokens().revoke(r.token->id);
      return VaultResponse::no_content();
    }));
    table_.add("revoke", PathOperations().update([this](VaultRequest& r, const Captures&) {
      const std::string id = fields::string_or(r.data, "token");
      if (id.empty()) throw VaultError::bad_request("missing token");
      core_.tokens().revoke(id);
      return VaultResponse::no_content();
    }));
    table_.add("revoke-accessor", PathOperations().update([this](VaultRequest& r, const Captures&) {
      const auto token = core_.tokens().lookup_accessor(fields::string_or(r.data, "accessor"));
      if (!token) throw VaultError::bad_request("invalid accessor");
      core_.tokens().revoke(token->id);
      return VaultResponse::no_content();
    }));
    table_.add("create(-orphan)?", PathOperations().update([this](VaultRequest& r, const Captures& c) {
      return create(r, !c[0].empty());
    }));
  }

  VaultResponse handle(VaultRequest& request) override { return table_.dispatch(request); }

 private:
  VaultResponse lookup(const TokenEntry& token) { return VaultResponse::with_data(core_.lookup_json(token)); }

  VaultResponse renew(const TokenEntry& token, VaultRequest& request) {
    VaultResponse response;
    const std::int64_t increment = fields::get_duration(request.data, "increment").value_or(0);
    response.auth = core_.renew_token(token, increment, response.warnings);
    return response;
  }

  VaultResponse create(VaultRequest& request, bool orphan_path) {
    const TokenEntry& parent = *request.token;
    const bool parent_is_root =
        std::find(parent.policies.begin(), parent.policies.end(), "root") != parent.policies.end();
    const Json& data = request.data;
    const CallerIdentity caller = core_.caller_of(parent);
    const bool sudo = parent_is_root || core_.acl_for(parent, caller).allows(request.path, kSudo, false);

    TokenEntry token;
    if (auto id = fields::get_string(data, "id"); id && !id->empty()) {
      if (!parent_is_root) throw VaultError::bad_request("root or sudo privileges required to specify token id");
      if (core_.tokens().lookup(*id)) throw VaultError::bad_request("token already exists");
      token.id = *id;
    }
    const bool no_parent = orphan_path || fields::get_bool(data, "no_parent").value_or(false);
    if (no_parent && !orphan_path && !sudo) {
      throw VaultError::bad_request("root or sudo privileges required to create orphan token");
    }
    const bool no_default = fields::get_bool(data, "no_default_policy").value_or(false);
    std::vector<std::string> policies =
        fields::get_string_list(data, "policies").value_or(std::vector<std::string>{});
    if (policies.empty()) {
      policies = parent.policies;
      if (no_default) policies.erase(std::remove(policies.begin(), policies.end(), "default"), policies.end());
    }
    policies = fields::sanitize_policies(policies, !no_default);
    if (!parent_is_root) {
      // A child may only hold its parent's policies (token and identity ones).
      std::vector<std::string> allowed = parent.policies;
      allowed.insert(allowed.end(), caller.identity_policies.begin(), caller.identity_policies.end());
      for (const auto& policy : policies) {
        if (policy != "default" && std::find(allowed.begin(), allowed.end(), policy) == allowed.end()) {
          throw VaultError::bad_request("child policies must be subset of parent");
        }
      }
    }
    token.policies = policies;
    token.meta = fields::get_string_map(data, "meta").value_or(std::map<std::string, std::string>{});
    token.display_name = "token";
    if (auto display = fields::get_string(data, "display_name"); display && !display->empty()) {
      std::string full = std::regex_replace("token-" + *display, std::regex("[^a-zA-Z0-9-]+"), "-");
      while (!full.empty() && full.back() == '-') full.pop_back();
      token.display_name = full;
    }
    token.parent_id = no_parent ? "" : parent.id;
    token.orphan = no_parent;
    token.entity_id = parent.entity_id;
    token.renewable = fields::get_bool(data, "renewable").value_or(true);
    token.num_uses = fields::get_int(data, "num_uses").value_or(0);
    if (token.num_uses < 0) throw VaultError::bad_request("number of uses cannot be negative");
    token.explicit_max_ttl = fields::get_duration(data, "explicit_max_ttl").value_or(0);
    token.period = fields::get_duration(data, "period").value_or(0);
    token.issue_time = Clock::now();
    token.path = request.path;
    const auto mount = core_.mounts().by_path("auth/token/");
    if (mount) {
      token.mount_accessor = mount->accessor;
      token.mount_path = mount->path;
    }
    std::int64_t ttl = fields::get_duration(data, "ttl").value_or(0);
    if (ttl < 0) throw VaultError::bad_request("ttl must be positive");
    const bool root_policy = std::find(policies.begin(), policies.end(), "root") != policies.end();
    std::vector<std::string> warnings;
    if (token.period > 0) ttl = token.period;
    if (ttl == 0 && !root_policy) ttl = mount ? mount->effective_default_ttl() : kDefaultLeaseTtl;
    if (ttl == 0 && root_policy && parent.expire_time) {
      ttl = std::max<std::int64_t>(1, parent.ttl_left(Clock::now()));
    }
    std::int64_t max_ttl = mount ? mount->effective_max_ttl() : kMaxLeaseTtl;
    if (token.explicit_max_ttl > 0 && token.explicit_max_ttl < max_ttl) max_ttl = token.explicit_max_ttl;
    if (ttl > max_ttl) {
      warnings.push_back("TTL of \"" + std::to_string(ttl) + "s\" exceeded the effective max_ttl of \"" +
                         std::to_string(max_ttl) + "s\"; TTL value is capped accordingly");
      ttl = max_ttl;
    }
    if (ttl > 0) {
      token.creation_ttl = ttl;
      token.expire_time = token.issue_time + std::chrono::seconds(ttl);
      if (token.period == 0) token.max_expire = token.issue_time + std::chrono::seconds(max_ttl);
    }
    const auto stored = core_.tokens().create(std::move(token));
    VaultResponse response;
    response.auth = core_.auth_json(*stored, caller.identity_policies);
    response.warnings = warnings;
    return response;
  }

  Core& core_;
  PathTable table_;
};

}  // namespace

std::shared_ptr<Backend> make_token_backend(Core& core) { return std::make_shared<TokenBackend>(core); }

}  // namespace mcph::mock_vault
