// auth/token/: lookup-self, lookup, lookup-accessor, renew-self, renew, revoke-self, revoke,
// revoke-accessor, create (and create-orphan, and create/<role> against a token role), roles.
#include <algorithm>
#include <map>
#include <mutex>
#include <regex>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "vault_error.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_vault {
namespace {

// A token role (auth/token/roles/<name>, vault/token_store.go tsRoleEntry): the fields a role
// may set on the tokens created against it.
struct TokenRole {
  std::string name;
  std::vector<std::string> allowed_policies, disallowed_policies;
  std::vector<std::string> allowed_policies_glob, disallowed_policies_glob;
  bool orphan = false;
  bool renewable = true;
  std::string path_suffix;
  std::int64_t token_explicit_max_ttl = 0;
  std::int64_t token_period = 0;
  std::int64_t token_num_uses = 0;
  bool token_no_default_policy = false;
  // Only service tokens: "default-service" (the default) or "service".
  std::string token_type = "default-service";

  bool restricts_policies() const {
    return !allowed_policies.empty() || !disallowed_policies.empty() || !allowed_policies_glob.empty() ||
           !disallowed_policies_glob.empty();
  }
};

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool contains_glob(const std::vector<std::string>& patterns, const std::string& value) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return glob_match(p, value); });
}

// strutil.RemoveDuplicates(list, lowercase=true): trimmed, lower-cased, unique, sorted.
std::vector<std::string> unique_lower(std::vector<std::string> list) {
  std::vector<std::string> out;
  for (auto& item : list) {
    std::string value = text::ascii_lower(item);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    if (!value.empty() && !contains(out, value)) out.push_back(value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Go's %q of a []string: ["a" "b"].
std::string quoted_list(const std::vector<std::string>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? " \"" : "\"") + list[i] + "\"";
  return out + "]";
}

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
      return create(r, !c[0].empty(), nullptr);
    }));
    table_.add("create/([\\w-]+)", PathOperations().update([this](VaultRequest& r, const Captures& c) {
      const auto role = find_role(c[0]);
      if (!role) throw VaultError::bad_request("unknown role " + c[0]);
      return create(r, false, &*role);
    }));
    table_.add("roles/?", PathOperations().list([this](VaultRequest&, const Captures&) {
      std::lock_guard lock(roles_mutex_);
      std::vector<std::string> names;
      for (const auto& [name, role] : roles_) names.push_back(name);
      return VaultResponse::list(names);
    }));
    table_.add("roles/([\\w-]+)",  // framework.GenericNameRegex("role_name")
               PathOperations()
                   .read([this](VaultRequest&, const Captures& c) {
                     const auto role = find_role(c[0]);
                     if (!role) throw VaultError::not_found();
                     return VaultResponse::with_data(role_json(*role));
                   })
                   .update([this](VaultRequest& r, const Captures& c) { return write_role(r, c[0]); })
                   .remove([this](VaultRequest&, const Captures& c) {
                     std::lock_guard lock(roles_mutex_);
                     roles_.erase(c[0]);
                     return VaultResponse::no_content();
                   })
                   .exists([this](const VaultRequest&, const Captures& c) { return find_role(c[0]).has_value(); }));
  }

  VaultResponse handle(VaultRequest& request) override { return table_.dispatch(request); }
  std::optional<bool> exists(const VaultRequest& request) override { return table_.exists(request); }

 private:
  VaultResponse lookup(const TokenEntry& token) { return VaultResponse::with_data(core_.lookup_json(token)); }

  VaultResponse renew(const TokenEntry& token, VaultRequest& request) {
    VaultResponse response;
    const std::int64_t increment = fields::get_duration(request.data, "increment").value_or(0);
    response.auth = core_.renew_token(token, increment, response.warnings);
    return response;
  }

  std::optional<TokenRole> find_role(const std::string& name) {
    std::lock_guard lock(roles_mutex_);
    const auto found = roles_.find(name);
    if (found == roles_.end()) return std::nullopt;
    return found->second;
  }

  static Json role_json(const TokenRole& role) {
    Json data = {{"name", role.name},
                 {"allowed_policies", role.allowed_policies},
                 {"disallowed_policies", role.disallowed_policies},
                 {"allowed_policies_glob", role.allowed_policies_glob},
                 {"disallowed_policies_glob", role.disallowed_policies_glob},
                 {"orphan", role.orphan},
                 {"renewable", role.renewable},
                 {"path_suffix", role.path_suffix},
                 {"explicit_max_ttl", 0},
                 {"token_explicit_max_ttl", role.token_explicit_max_ttl},
                 {"period", 0},
                 {"token_period", role.token_period},
                 {"token_type", role.token_type},
                 {"token_no_default_policy", role.token_no_default_policy},
                 {"allowed_entity_aliases", nullptr}};
    if (role.token_num_uses > 0) data["token_num_uses"] = role.token_num_uses;
    return data;
  }

  // tokenStoreRoleCreateUpdate: a field the request leaves out keeps its value on an update and
  // takes its default on a create.
  VaultResponse write_role(VaultRequest& request, const std::string& name) {
    const Json& data = request.data;
    TokenRole role = find_role(name).value_or(TokenRole{});
    role.name = name;
    if (auto v = fields::get_bool(data, "orphan")) role.orphan = *v;
    if (auto v = fields::get_bool(data, "renewable")) role.renewable = *v;
    if (auto v = fields::get_string(data, "path_suffix")) {
      if (!v->empty() && !std::regex_search(*v, std::regex(R"(\w[\w-.]+\w)"))) {
        throw VaultError::bad_request("given role path suffix contains invalid characters; must match \\w[\\w-.]+\\w");
      }
      if (v->find("..") != std::string::npos) {
        throw VaultError::bad_request("error registering path suffix: path cannot contain parent references");
      }
      role.path_suffix = *v;
    }
    if (auto v = fields::get_string_list(data, "allowed_policies")) role.allowed_policies = fields::sanitize_policies(*v, false);
    if (auto v = fields::get_string_list(data, "disallowed_policies")) role.disallowed_policies = unique_lower(*v);
    if (auto v = fields::get_string_list(data, "allowed_policies_glob")) {
      role.allowed_policies_glob = fields::sanitize_policies(*v, false);
    }
    if (auto v = fields::get_string_list(data, "disallowed_policies_glob")) role.disallowed_policies_glob = unique_lower(*v);
    if (auto v = fields::get_string(data, "token_type")) {
      if (*v == "batch" || *v == "default-batch") {
        throw VaultError::bad_request("'token_type' cannot be 'batch' when role is set to generate non-orphan tokens");
      }
      if (*v != "service" && *v != "default-service") throw VaultError::bad_request("invalid 'token_type' value \"" + *v + "\"");
      role.token_type = *v;
    }
    const auto duration = [&](const char* current, const char* legacy) {
      auto value = fields::get_duration(data, current);
      if (!value) value = fields::get_duration(data, legacy);
      if (value && *value < 0) throw VaultError::bad_request(std::string("error parsing role fields: ") + current + " must be positive");
      return value;
    };
    if (auto v = duration("token_explicit_max_ttl", "explicit_max_ttl")) role.token_explicit_max_ttl = *v;
    if (auto v = duration("token_period", "period")) role.token_period = *v;
    if (auto v = fields::get_int(data, "token_num_uses")) {
      if (*v < 0) throw VaultError::bad_request("error parsing role fields: token_num_uses cannot be negative");
      role.token_num_uses = *v;
    }
    if (auto v = fields::get_bool(data, "token_no_default_policy")) role.token_no_default_policy = *v;
    std::lock_guard lock(roles_mutex_);
    roles_[name] = std::move(role);
    return VaultResponse::no_content();
  }

  // The policies of a token created against a role that restricts them (handleCreateCommon):
  // the requested ones, each allowed by name or glob, or else the role's allowed list; none of
  // them disallowed. Unlike a plain create, they need not be a subset of the parent's.
  static std::vector<std::string> role_policies(const TokenRole& role, const Json& data, bool no_default) {
    const bool add_default = !no_default && !role.token_no_default_policy && !contains(role.disallowed_policies, "default") &&
                             !contains_glob(role.disallowed_policies_glob, "default");
    std::vector<std::string> requested = fields::get_string_list(data, "policies").value_or(std::vector<std::string>{});
    std::vector<std::string> policies;
    if (!requested.empty()) policies = fields::sanitize_policies(requested, add_default);
    if (!role.allowed_policies.empty() || !role.allowed_policies_glob.empty()) {
      const std::vector<std::string> allowed = fields::sanitize_policies(role.allowed_policies, add_default);
      if (policies.empty()) {
        policies = allowed;
      } else {
        const std::vector<std::string> globs = fields::sanitize_policies(role.allowed_policies_glob, false);
        for (const auto& policy : policies) {
          if (!contains(allowed, policy) && !contains_glob(globs, policy)) {
            throw VaultError::bad_request("token policies (" + quoted_list(policies) +
                                          ") must be subset of the role's allowed policies (" + quoted_list(allowed) +
                                          ") or glob policies (" + quoted_list(globs) + ")");
          }
        }
      }
    }
    for (const auto& policy : policies) {
      if (contains(role.disallowed_policies, policy) || contains_glob(role.disallowed_policies_glob, policy)) {
        throw VaultError::bad_request("token policy \"" + policy + "\" is disallowed by this role");
      }
    }
    return policies;
  }

  VaultResponse create(VaultRequest& request, bool orphan_path, const TokenRole* role) {
    const TokenEntry& parent = *request.token;
    // A token with limited uses could escape its count through children.
    if (parent.num_uses > 0) throw VaultError::bad_request("restricted use token cannot generate child tokens");
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
    // A role decides whether its tokens have a parent; no_parent is not read then.
    const bool no_parent = role ? role->orphan : orphan_path || fields::get_bool(data, "no_parent").value_or(false);
    if (no_parent && !role && !orphan_path && !sudo) {
      throw VaultError::bad_request("root or sudo privileges required to create orphan token");
    }
    const bool no_default = fields::get_bool(data, "no_default_policy").value_or(false);
    std::vector<std::string> policies =
        fields::get_string_list(data, "policies").value_or(std::vector<std::string>{});
    if (role && role->restricts_policies()) {
      policies = role_policies(*role, data, no_default);
      if (no_default) policies.erase(std::remove(policies.begin(), policies.end(), "default"), policies.end());
    } else if (policies.empty()) {
      policies = parent.policies;
      if (no_default) policies.erase(std::remove(policies.begin(), policies.end(), "default"), policies.end());
    }
    if (!(role && role->restricts_policies())) policies = fields::sanitize_policies(policies, !no_default);
    if (!parent_is_root && !(role && role->restricts_policies())) {
      // A child may only hold its parent's policies (token and identity ones).
      std::vector<std::string> allowed = parent.policies;
      allowed.insert(allowed.end(), caller.identity_policies.begin(), caller.identity_policies.end());
      for (const auto& policy : policies) {
        if (policy != "default" && std::find(allowed.begin(), allowed.end(), policy) == allowed.end()) {
          throw VaultError::bad_request("child policies must be subset of parent");
        }
      }
    }
    // Whatever a role allows: a root token has a root parent (no escalation through a role).
    if (!parent_is_root && std::find(policies.begin(), policies.end(), "root") != policies.end()) {
      throw VaultError::bad_request("root tokens may not be created without parent token being root");
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
    std::vector<std::string> warnings;
    if (role) {
      // The role's limits win when they are tighter (0 uses means unlimited).
      token.role = role->name;
      if (!role->renewable) token.renewable = false;
      if (role->token_num_uses > 0 && (token.num_uses == 0 || role->token_num_uses < token.num_uses)) {
        token.num_uses = role->token_num_uses;
      }
      if (!role->path_suffix.empty()) token.path += "/" + role->path_suffix;
      if (role->token_explicit_max_ttl > 0) {
        if (token.explicit_max_ttl == 0) {
          token.explicit_max_ttl = role->token_explicit_max_ttl;
        } else {
          token.explicit_max_ttl = std::min(token.explicit_max_ttl, role->token_explicit_max_ttl);
          warnings.push_back("Explicit max TTL specified both during creation call and in role; using the lesser value of " +
                             std::to_string(token.explicit_max_ttl) + " seconds");
        }
      }
      if (role->token_period > 0) token.period = token.period == 0 ? role->token_period : std::min(token.period, role->token_period);
    }
    const auto mount = core_.mounts().by_path("auth/token/");
    if (mount) {
      token.mount_accessor = mount->accessor;
      token.mount_path = mount->path;
    }
    std::int64_t ttl = fields::get_duration(data, "ttl").value_or(0);
    if (ttl < 0) throw VaultError::bad_request("ttl must be positive");
    const bool root_policy = std::find(policies.begin(), policies.end(), "root") != policies.end();
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
  std::mutex roles_mutex_;
  std::map<std::string, TokenRole> roles_;
};

}  // namespace

std::shared_ptr<Backend> make_token_backend(Core& core) { return std::make_shared<TokenBackend>(core); }

}  // namespace mcph::mock_vault
