// auth/jwt (vault-plugin-auth-jwt): config, roles and login. The signature is checked with
// mcph::jose against a JWKS URL, an OIDC discovery document's keys or static PEM keys; the claims
// are then checked in the plugin's order with hashicorp/cap's time rules and leeways, and every
// failure carries the plugin's message.
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "jwks_cache.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwt.h"
#include "mcph/text/ascii_case.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

const std::vector<std::string> kAllAlgs{"RS256", "RS384", "RS512", "ES256", "ES384",
                                        "ES512", "PS256", "PS384", "PS512", "EdDSA"};
constexpr std::int64_t kDefaultClaimLeeway = 150;  // cap DefaultLeewaySeconds
constexpr std::int64_t kDefaultClockSkew = 60;     // go-jose jwt.DefaultLeeway

struct JwtConfig {
  std::string oidc_discovery_url;
  std::string oidc_discovery_ca_pem;
  std::string oidc_client_id;
  std::string oidc_client_secret;
  std::string oidc_response_mode;
  std::vector<std::string> oidc_response_types;
  std::string jwks_url;
  std::string jwks_ca_pem;
  std::vector<std::string> jwt_validation_pubkeys;
  std::vector<std::string> jwt_supported_algs;
  std::string bound_issuer;
  std::string default_role;
  Json provider_config = Json::object();
  bool namespace_in_state = true;
  // The keys: remote (JWKS or discovery) or static.
  std::shared_ptr<RemoteKeySet> remote;
  std::shared_ptr<const jose::JwkSet> static_keys;
};

struct JwtRole {
  std::string role_type = "jwt";
  std::vector<std::string> bound_audiences;
  std::string bound_subject;
  std::string bound_claims_type = "string";
  Json bound_claims = nullptr;
  std::map<std::string, std::string> claim_mappings;
  std::string user_claim;
  bool user_claim_json_pointer = false;
  std::string groups_claim;
  std::vector<std::string> oidc_scopes;
  std::vector<std::string> allowed_redirect_uris;
  bool verbose_oidc_logging = false;
  std::int64_t max_age = 0;
  std::int64_t expiration_leeway = 0;
  std::int64_t not_before_leeway = 0;
  std::int64_t clock_skew_leeway = 0;
  std::vector<std::string> token_policies;
  std::vector<std::string> token_bound_cidrs;
  std::int64_t token_ttl = 0;
  std::int64_t token_max_ttl = 0;
  std::int64_t token_explicit_max_ttl = 0;
  std::int64_t token_period = 0;
  std::int64_t token_num_uses = 0;
  bool token_no_default_policy = false;
  std::string token_type = "default";
  // Which deprecated names were used (the read shows them too).
  bool legacy_policies = false;
  bool legacy_ttl = false;
  bool legacy_max_ttl = false;
};

[[noreturn]] void login_error(const std::string& message) { throw VaultError::bad_request(message); }

// cap's leeway rule: 0 = the default, negative = none.
std::int64_t effective_leeway(std::int64_t configured, std::int64_t fallback) {
  if (configured < 0) return 0;
  return configured == 0 ? fallback : configured;
}

// A NumericDate claim (go-jose truncates fractions); absent or null = 0.
std::int64_t numeric_date(const Json& claims, const char* name) {
  const auto found = claims.find(name);
  if (found == claims.end() || found->is_null()) return 0;
  if (!found->is_number()) {
    login_error(std::string("error validating token: json: cannot unmarshal ") +
                (found->is_string() ? "string" : "value") + " into Go struct field Claims." + name +
                " of type jwt.NumericDate");
  }
  return static_cast<std::int64_t>(std::trunc(found->get<double>()));
}

// Claims as the plugin's getClaim reads them: a leading '/' is a JSON pointer when enabled.
const Json* claim_at(const Json& claims, const std::string& name, bool json_pointer) {
  if (json_pointer && !name.empty() && name.front() == '/') {
    try {
      const Json::json_pointer pointer(name);
      if (!claims.contains(pointer)) return nullptr;
      return &claims.at(pointer);
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  const auto found = claims.find(name);
  if (found == claims.end() || found->is_null()) return nullptr;
  return &*found;
}

// normalizeList: a list as is, a string/bool/number as a one-element list, else nothing.
std::optional<std::vector<Json>> normalize_list(const Json& value) {
  if (value.is_array()) return std::vector<Json>(value.begin(), value.end());
  if (value.is_string() || value.is_boolean() || value.is_number()) return std::vector<Json>{value};
  return std::nullopt;
}

bool same_claim_value(const Json& expected, const Json& actual) {
  if (expected.is_string() && actual.is_string()) return expected == actual;
  if (expected.is_boolean() && actual.is_boolean()) return expected == actual;
  if (expected.is_number() && actual.is_number()) {
    return static_cast<std::int64_t>(expected.get<double>()) == static_cast<std::int64_t>(actual.get<double>());
  }
  return false;
}

void validate_bound_claims(const JwtRole& role, const Json& claims) {
  if (!role.bound_claims.is_object()) return;
  const bool globs = role.bound_claims_type == "glob";
  for (const auto& [name, expected_raw] : role.bound_claims.items()) {
    const Json* actual_raw = claim_at(claims, name, true);
    if (actual_raw == nullptr) login_error("error validating claims: claim \"" + name + "\" is missing");
    const auto actual = normalize_list(*actual_raw);
    if (!actual) login_error("error validating claims: received claim is not a string, bool, int or list: " + actual_raw->dump());
    const auto expected = normalize_list(expected_raw);
    if (!expected) login_error("error validating claims: bound claim is not a string, bool, int or list: " + expected_raw.dump());
    bool found = false;
    for (const auto& want : *expected) {
      for (const auto& have : *actual) {
        if (globs) {
          if (want.is_string() && have.is_string() && glob_match(want.get<std::string>(), have.get<std::string>())) {
            found = true;
          }
        } else if (same_claim_value(want, have)) {
          found = true;
        }
      }
    }
    if (!found) {
      login_error("error validating claims: claim \"" + name + "\" does not match any associated bound claim values");
    }
  }
}

std::string claim_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

class JwtBackend final : public Backend {
 public:
  explicit JwtBackend(Core&) {
    table_.add("config", PathOperations()
                             .read([this](VaultRequest&, const Captures&) { return read_config(); })
                             .update([this](VaultRequest& r, const Captures&) { return write_config(r); }));
    table_.add("role/?", PathOperations().list([this](VaultRequest&, const Captures&) { return list_roles(); }));
    table_.add("role/([\\w-]+)",  // framework.GenericNameRegex
               PathOperations()
                   .read([this](VaultRequest&, const Captures& c) { return read_role(text::ascii_lower(c[0])); })
                   .update([this](VaultRequest& r, const Captures& c) { return write_role(r, text::ascii_lower(c[0])); })
                   .remove([this](VaultRequest&, const Captures& c) {
                     std::lock_guard lock(mutex_);
                     roles_.erase(text::ascii_lower(c[0]));
                     return VaultResponse::no_content();
                   })
                   .exists([this](const VaultRequest&, const Captures& c) {
                     std::lock_guard lock(mutex_);
                     return roles_.count(text::ascii_lower(c[0])) != 0;
                   }));
    table_.add("login", PathOperations().update([this](VaultRequest& r, const Captures&) { return login(r); }));
  }

  VaultResponse handle(VaultRequest& request) override { return table_.dispatch(request); }
  std::optional<bool> exists(const VaultRequest& request) override { return table_.exists(request); }
  bool unauthenticated(const VaultRequest& request) const override {
    return request.relative == "login" || starts_with(request.relative, "oidc/");
  }

  std::pair<std::int64_t, std::int64_t> renew_login(const std::string& role_name) override {
    std::lock_guard lock(mutex_);
    const auto found = roles_.find(role_name);
    if (found == roles_.end()) {
      throw VaultError::internal("role " + role_name + " does not exist during renewal");
    }
    return {found->second.token_ttl, found->second.token_max_ttl};
  }

 private:
  // --- config ---------------------------------------------------------------------------------

  VaultResponse read_config() {
    std::lock_guard lock(mutex_);
    if (!config_) throw VaultError::not_found();
    const JwtConfig& c = *config_;
    return VaultResponse::with_data(Json{
        {"oidc_discovery_url", c.oidc_discovery_url},
        {"oidc_discovery_ca_pem", c.oidc_discovery_ca_pem},
        {"oidc_client_id", c.oidc_client_id},
        {"oidc_response_mode", c.oidc_response_mode},
        {"oidc_response_types", c.oidc_response_types},
        {"default_role", c.default_role},
        {"jwt_validation_pubkeys", c.jwt_validation_pubkeys},
        {"jwt_supported_algs", c.jwt_supported_algs},
        {"jwks_url", c.jwks_url},
        {"jwks_pairs", Json::array()},
        {"jwks_ca_pem", c.jwks_ca_pem},
        {"bound_issuer", c.bound_issuer},
        {"provider_config", c.provider_config},
        {"namespace_in_state", c.namespace_in_state},
        {"unsupported_critical_cert_extensions", Json::array()},
    });
  }

  VaultResponse write_config(VaultRequest& request) {
    const Json& data = request.data;
    auto config = std::make_shared<JwtConfig>();
    config->oidc_discovery_url = fields::string_or(data, "oidc_discovery_url");
    config->oidc_discovery_ca_pem = fields::string_or(data, "oidc_discovery_ca_pem");
    config->oidc_client_id = fields::string_or(data, "oidc_client_id");
    config->oidc_client_secret = fields::string_or(data, "oidc_client_secret");
    config->oidc_response_mode = fields::string_or(data, "oidc_response_mode");
    config->oidc_response_types = fields::get_string_list(data, "oidc_response_types").value_or(std::vector<std::string>{});
    config->jwks_url = fields::string_or(data, "jwks_url");
    config->jwks_ca_pem = fields::string_or(data, "jwks_ca_pem");
    config->jwt_validation_pubkeys =
        fields::get_string_list(data, "jwt_validation_pubkeys").value_or(std::vector<std::string>{});
    config->jwt_supported_algs = fields::get_string_list(data, "jwt_supported_algs").value_or(std::vector<std::string>{});
    config->bound_issuer = fields::string_or(data, "bound_issuer");
    config->default_role = text::ascii_lower(fields::string_or(data, "default_role"));
    if (data.contains("provider_config") && data["provider_config"].is_object()) {
      config->provider_config = data["provider_config"];
    }
    config->namespace_in_state = fields::get_bool(data, "namespace_in_state").value_or(true);
    const bool has_pairs = data.contains("jwks_pairs") && data["jwks_pairs"].is_array() && !data["jwks_pairs"].empty();

    const int methods = (config->oidc_discovery_url.empty() ? 0 : 1) + (config->jwt_validation_pubkeys.empty() ? 0 : 1) +
                        (config->jwks_url.empty() ? 0 : 1) + (has_pairs ? 1 : 0);
    if (methods != 1) {
      throw VaultError::bad_request(
          "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set");
    }
    if (config->oidc_client_id.empty() != config->oidc_client_secret.empty()) {
      throw VaultError::bad_request("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC");
    }
    if (has_pairs) throw VaultError::bad_request("invalid jwks_pairs: not supported by mock-vault");
    if (!config->oidc_discovery_url.empty()) {
      config->remote = RemoteKeySet::from_discovery(config->oidc_discovery_url);
      try {
        config->remote->keys();
      } catch (const KeyFetchError& e) {
        std::fprintf(stderr, "[mock-vault] error checking oidc discovery URL: %s\n", e.what());
        throw VaultError::bad_request("error checking oidc discovery URL");
      }
    } else if (!config->jwks_url.empty()) {
      config->remote = RemoteKeySet::from_jwks_url(config->jwks_url);
      try {
        config->remote->keys();
      } catch (const KeyFetchError& e) {
        std::fprintf(stderr, "[mock-vault] error checking jwks URL %s: %s\n", config->jwks_url.c_str(), e.what());
        throw VaultError::bad_request("error checking jwks URL " + config->jwks_url);
      }
    } else {
      std::vector<jose::Jwk> keys;
      for (const auto& pem : config->jwt_validation_pubkeys) {
        try {
          jose::Key key = jose::Key::from_pem(pem);
          if (key.has_private()) throw jose::JoseError(jose::ErrorKind::malformed, "private key");
          keys.push_back(jose::Jwk{key, "", std::nullopt, ""});
        } catch (const jose::JoseError&) {
          throw VaultError::bad_request(
              "error parsing public key: data does not contain any valid RSA or ECDSA public keys");
        }
      }
      config->static_keys = std::make_shared<const jose::JwkSet>(std::move(keys));
    }
    for (const auto& alg : config->jwt_supported_algs) {
      if (std::find(kAllAlgs.begin(), kAllAlgs.end(), alg) == kAllAlgs.end()) {
        throw VaultError::bad_request("invalid jwt_supported_algs: unsupported signing algorithm \"" + alg + "\"");
      }
    }
    for (const auto& type : config->oidc_response_types) {
      if (type != "code" && type != "id_token") {
        throw VaultError::bad_request("invalid response_types [" + type + "]. 'code' and 'id_token' are allowed");
      }
    }
    std::lock_guard lock(mutex_);
    config_ = config;
    return VaultResponse::no_content();
  }

  // --- roles ----------------------------------------------------------------------------------

  VaultResponse list_roles() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [name, role] : roles_) names.push_back(name);
    return VaultResponse::list(names);
  }

  VaultResponse read_role(const std::string& name) {
    std::lock_guard lock(mutex_);
    const auto found = roles_.find(name);
    if (found == roles_.end()) throw VaultError::not_found();
    const JwtRole& r = found->second;
    Json data{
        {"role_type", r.role_type},
        {"expiration_leeway", r.expiration_leeway},
        {"not_before_leeway", r.not_before_leeway},
        {"clock_skew_leeway", r.clock_skew_leeway},
        {"bound_audiences", r.bound_audiences},
        {"bound_subject", r.bound_subject},
        {"bound_claims_type", r.bound_claims_type},
        {"bound_claims", r.bound_claims},
        {"claim_mappings", r.claim_mappings.empty() ? Json(nullptr) : Json(r.claim_mappings)},
        {"user_claim", r.user_claim},
        {"user_claim_json_pointer", r.user_claim_json_pointer},
        {"groups_claim", r.groups_claim},
        {"allowed_redirect_uris", r.allowed_redirect_uris},
        {"oidc_scopes", r.oidc_scopes},
        {"verbose_oidc_logging", r.verbose_oidc_logging},
        {"max_age", r.max_age},
        {"token_bound_cidrs", r.token_bound_cidrs},
        {"token_explicit_max_ttl", r.token_explicit_max_ttl},
        {"token_max_ttl", r.token_max_ttl},
        {"token_no_default_policy", r.token_no_default_policy},
        {"token_num_uses", r.token_num_uses},
        {"token_period", r.token_period},
        {"token_policies", r.token_policies},
        {"token_ttl", r.token_ttl},
        {"token_type", r.token_type},
    };
    if (r.legacy_policies) data["policies"] = r.token_policies;
    if (r.legacy_ttl) data["ttl"] = r.token_ttl;
    if (r.legacy_max_ttl) data["max_ttl"] = r.token_max_ttl;
    return VaultResponse::with_data(data);
  }

  VaultResponse write_role(VaultRequest& request, const std::string& name) {
    const Json& data = request.data;
    JwtRole role;
    {
      std::lock_guard lock(mutex_);
      if (const auto found = roles_.find(name); found != roles_.end()) role = found->second;
    }
    // role_type defaults to "oidc" on every write that omits it (path_role.go).
    const std::string role_type = fields::string_or(data, "role_type", "oidc");
    if (role_type != "jwt" && role_type != "oidc") throw VaultError::bad_request("invalid 'role_type': " + role_type);
    role.role_type = role_type;

    // Token fields; the new names win over the deprecated ones.
    if (auto policies = fields::get_string_list(data, "token_policies")) {
      role.token_policies = *policies;
      role.legacy_policies = false;
    } else if (auto legacy = fields::get_string_list(data, "policies")) {
      role.token_policies = *legacy;
      role.legacy_policies = true;
    }
    if (auto ttl = fields::get_duration(data, "token_ttl")) {
      role.token_ttl = *ttl;
      role.legacy_ttl = false;
    } else if (auto legacy = fields::get_duration(data, "ttl")) {
      role.token_ttl = *legacy;
      role.legacy_ttl = true;
    }
    if (auto max = fields::get_duration(data, "token_max_ttl")) {
      role.token_max_ttl = *max;
      role.legacy_max_ttl = false;
    } else if (auto legacy = fields::get_duration(data, "max_ttl")) {
      role.token_max_ttl = *legacy;
      role.legacy_max_ttl = true;
    }
    if (auto value = fields::get_duration(data, "token_explicit_max_ttl")) role.token_explicit_max_ttl = *value;
    if (auto value = fields::get_duration(data, "token_period")) role.token_period = *value;
    else if (auto legacy = fields::get_duration(data, "period")) role.token_period = *legacy;
    if (auto value = fields::get_int(data, "token_num_uses")) role.token_num_uses = *value;
    else if (auto legacy = fields::get_int(data, "num_uses")) role.token_num_uses = *legacy;
    if (auto value = fields::get_bool(data, "token_no_default_policy")) role.token_no_default_policy = *value;
    if (auto value = fields::get_string_list(data, "token_bound_cidrs")) role.token_bound_cidrs = *value;
    else if (auto legacy = fields::get_string_list(data, "bound_cidrs")) role.token_bound_cidrs = *legacy;
    if (auto value = fields::get_string(data, "token_type")) role.token_type = *value;
    if (role.token_ttl < 0 || role.token_max_ttl < 0) throw VaultError::bad_request("ttl must not be negative");

    if (auto value = fields::get_duration(data, "expiration_leeway")) role.expiration_leeway = *value;
    if (auto value = fields::get_duration(data, "not_before_leeway")) role.not_before_leeway = *value;
    if (auto value = fields::get_duration(data, "clock_skew_leeway")) role.clock_skew_leeway = *value;
    if (auto value = fields::get_string_list(data, "bound_audiences")) role.bound_audiences = *value;
    if (auto value = fields::get_string(data, "bound_subject")) role.bound_subject = *value;
    if (auto value = fields::get_bool(data, "verbose_oidc_logging")) role.verbose_oidc_logging = *value;
    if (auto value = fields::get_duration(data, "max_age")) role.max_age = *value;
    const std::string claims_type = fields::string_or(data, "bound_claims_type", "string");
    if (claims_type != "string" && claims_type != "glob") {
      throw VaultError::bad_request("invalid 'bound_claims_type': " + claims_type);
    }
    role.bound_claims_type = claims_type;
    if (fields::has(data, "bound_claims")) {
      if (!data["bound_claims"].is_object()) throw VaultError::bad_request("error converting input for field \"bound_claims\"");
      role.bound_claims = data["bound_claims"];
      if (claims_type == "glob") {
        for (const auto& [claim, values] : role.bound_claims.items()) {
          const auto list = normalize_list(values);
          if (!list) throw VaultError::bad_request("claim is not a string or list: " + values.dump());
          for (const auto& value : *list) {
            if (!value.is_string()) throw VaultError::bad_request("claim is not a string: " + value.dump());
          }
        }
      }
    }
    if (auto mappings = fields::get_string_map(data, "claim_mappings")) {
      std::map<std::string, bool> targets;
      for (const auto& [claim, key] : *mappings) {
        if (key == "role") {
          throw VaultError::bad_request("metadata key \"role\" is reserved and may not be a mapping destination");
        }
        if (targets[key]) throw VaultError::bad_request("multiple keys are mapped to metadata key \"" + key + "\"");
        targets[key] = true;
      }
      role.claim_mappings = *mappings;
    }
    if (auto value = fields::get_string(data, "user_claim")) role.user_claim = *value;
    if (role.user_claim.empty()) throw VaultError::bad_request("a user claim must be defined on the role");
    if (auto value = fields::get_bool(data, "user_claim_json_pointer")) role.user_claim_json_pointer = *value;
    if (auto value = fields::get_string(data, "groups_claim")) role.groups_claim = *value;
    if (auto value = fields::get_string_list(data, "oidc_scopes")) role.oidc_scopes = *value;
    if (auto value = fields::get_string_list(data, "allowed_redirect_uris")) role.allowed_redirect_uris = *value;
    if (role.role_type == "oidc" && role.allowed_redirect_uris.empty()) {
      throw VaultError::bad_request("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
    }
    if (role.role_type != "oidc" && role.bound_audiences.empty() && role.token_bound_cidrs.empty() &&
        role.bound_subject.empty() && (!role.bound_claims.is_object() || role.bound_claims.empty())) {
      throw VaultError::bad_request("must have at least one bound constraint when creating/updating a role");
    }
    if (role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) {
      throw VaultError::bad_request("'token_ttl' cannot be greater than 'token_max_ttl'");
    }
    std::vector<std::string> warnings;
    if (role.token_max_ttl > kMaxLeaseTtl) {
      warnings.push_back(
          "token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL "
          "value will be truncated");
    }
    {
      std::lock_guard lock(mutex_);
      roles_[name] = role;
    }
    if (warnings.empty()) return VaultResponse::no_content();
    VaultResponse response = VaultResponse::with_data(nullptr);
    response.warnings = warnings;
    return response;
  }

  // --- login ----------------------------------------------------------------------------------

  // Verifies the signature and returns the claims (as the plugin's KeySet.VerifySignature).
  Json verify_signature(const JwtConfig& config, const std::string& token) {
    jose::VerifyOptions options;
    options.allowed_algs = {jose::Alg::RS256, jose::Alg::ES256};
    options.require_exp = false;
    // Time claims are checked afterwards with cap's rules and the role's leeways.
    options.leeway = std::chrono::seconds(std::int64_t{1} << 40);
    // jose's default size limit (16 KiB); the header and claims are also depth-checked before
    // any JSON parser sees them.

    const bool remote = static_cast<bool>(config.remote);
    const std::string prefix = "error validating token: error verifying token signature: ";
    try {
      const jose::CompactJws parts = jose::split_compact(token);
      if (json_too_deep(parts.header_json, 64) || json_too_deep(parts.payload_json, 64)) {
        login_error(prefix + (remote ? "oidc: malformed jwt: " : "") + "JSON nested too deeply");
      }
    } catch (const jose::JoseError& e) {
      login_error(prefix + (remote ? "oidc: malformed jwt: " : "") + e.what());
    }
    // go-jose refuses an algorithm it does not implement before any key is tried.
    std::string alg;
    try {
      const auto header = Json::parse(jose::split_compact(token).header_json, nullptr, false);
      if (header.is_object() && header.contains("alg") && header["alg"].is_string()) alg = header["alg"];
    } catch (const jose::JoseError& e) {
      login_error(prefix + (remote ? "oidc: malformed jwt: " : "") + e.what());
    }
    if (std::find(kAllAlgs.begin(), kAllAlgs.end(), alg) == kAllAlgs.end()) {
      std::string expected;
      for (const auto& name : kAllAlgs) expected += (expected.empty() ? "\"" : " \"") + name + "\"";
      login_error(prefix + (remote ? "oidc: malformed jwt: " : "") +
                  "go-jose/go-jose: unexpected signature algorithm \"" + alg + "\"; expected [" + expected + "]");
    }

    auto attempt = [&](const jose::JwkSet& keys) -> std::optional<Json> {
      try {
        const jose::VerifiedJwt verified = jose::verify_jwt(token, keys, options);
        Json claims = Json::parse(verified.payload_json, nullptr, false);
        if (!claims.is_object()) login_error(prefix + "oidc: malformed jwt: payload is not a JSON object");
        return claims;
      } catch (const jose::JoseError& e) {
        if (e.kind() == jose::ErrorKind::malformed) {
          login_error(prefix + (remote ? "oidc: malformed jwt: " : "") + e.what());
        }
        return std::nullopt;  // unknown kid, bad signature, key type not fitting the alg
      }
    };

    if (!remote) {
      // Static keys have no kid; go-jose tries each whatever the header's kid says.
      const auto header = Json::parse(jose::split_compact(token).header_json, nullptr, false);
      jose::JwkSet keys = *config.static_keys;
      if (header.is_object() && header.contains("kid") && header["kid"].is_string()) {
        std::vector<jose::Jwk> relabelled;
        for (auto jwk : keys.keys()) {
          jwk.kid = header["kid"].get<std::string>();
          relabelled.push_back(std::move(jwk));
        }
        keys = jose::JwkSet(std::move(relabelled));
      }
      if (auto claims = attempt(keys)) return *claims;
      login_error(prefix + "no known key successfully validated the token signature");
    }
    try {
      auto keys = config.remote->keys();
      if (auto claims = attempt(*keys)) return *claims;
      // Not verified with the cached keys: fetch them again once (key rotation, new kid).
      keys = config.remote->refresh(keys);
      if (auto claims = attempt(*keys)) return *claims;
    } catch (const KeyFetchError& e) {
      login_error(prefix + "fetching keys " + e.what());
    }
    login_error(prefix + "failed to verify id token signature");
  }

  void validate_claims(const JwtConfig& config, const JwtRole& role, const std::string& alg, const Json& claims) {
    const std::vector<std::string>& supported = config.jwt_supported_algs.empty() ? kAllAlgs : config.jwt_supported_algs;
    if (std::find(supported.begin(), supported.end(), alg) == supported.end()) {
      login_error("error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm");
    }
    auto string_claim = [&](const char* name) -> std::string {
      const auto found = claims.find(name);
      if (found == claims.end() || found->is_null()) return "";
      if (!found->is_string()) {
        login_error(std::string("error validating token: json: cannot unmarshal ") + found->type_name() +
                    " into Go struct field Claims." + name + " of type string");
      }
      return found->get<std::string>();
    };
    if (!config.bound_issuer.empty() && config.bound_issuer != string_claim("iss")) {
      login_error("error validating token: invalid issuer (iss) claim");
    }
    if (!role.bound_subject.empty() && role.bound_subject != string_claim("sub")) {
      login_error("error validating token: invalid subject (sub) claim");
    }
    std::vector<std::string> audiences;
    if (const auto aud = claims.find("aud"); aud != claims.end()) {
      if (aud->is_string()) {
        audiences.push_back(aud->get<std::string>());
      } else if (aud->is_array()) {
        for (const auto& item : *aud) {
          if (item.is_string()) audiences.push_back(item.get<std::string>());
        }
      }
    }
    if (!role.bound_audiences.empty()) {
      bool matched = false;
      for (const auto& bound : role.bound_audiences) {
        matched = matched || std::find(audiences.begin(), audiences.end(), bound) != audiences.end();
      }
      if (!matched) {
        login_error("error validating token: invalid audience (aud) claim: audience claim does not match any expected audience");
      }
    }

    // Time claims, as cap's Validator.Validate.
    std::int64_t iat = numeric_date(claims, "iat");
    std::int64_t exp = numeric_date(claims, "exp");
    std::int64_t nbf = numeric_date(claims, "nbf");
    if (iat == 0 && exp == 0 && nbf == 0) {
      login_error("error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token");
    }
    if (exp == 0) exp = std::max(iat, nbf) + effective_leeway(role.expiration_leeway, kDefaultClaimLeeway);
    if (nbf == 0) nbf = iat != 0 ? iat : exp - effective_leeway(role.not_before_leeway, kDefaultClaimLeeway);
    const double skew = static_cast<double>(effective_leeway(role.clock_skew_leeway, kDefaultClockSkew));
    const double now = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
    if (now + skew < static_cast<double>(nbf)) login_error("error validating token: invalid not before (nbf) claim: token not yet valid");
    if (now - skew > static_cast<double>(exp)) login_error("error validating token: invalid expiration time (exp) claim: token is expired");
    if (iat != 0 && now + skew < static_cast<double>(iat)) {
      login_error("error validating token: invalid issued at (iat) claim: token issued in the future");
    }

    if (role.bound_audiences.empty()) {
      const auto aud = claims.find("aud");
      if (aud != claims.end() && ((aud->is_array() && !aud->empty()) || (aud->is_string() && !aud->get<std::string>().empty()))) {
        login_error("audience claim found in JWT but no audiences bound to the role");
      }
    }
  }

  VaultResponse login(VaultRequest& request) {
    std::shared_ptr<const JwtConfig> config;
    JwtRole role;
    std::string role_name = text::ascii_lower(fields::string_or(request.data, "role"));
    {
      std::lock_guard lock(mutex_);
      config = config_;
      if (!config) login_error("could not load configuration");
      if (role_name.empty()) role_name = config->default_role;
      if (role_name.empty()) login_error("missing role");
      const auto found = roles_.find(role_name);
      if (found == roles_.end()) login_error("role \"" + role_name + "\" could not be found");
      role = found->second;
    }
    if (role.role_type == "oidc") login_error("role with oidc role_type is not allowed");
    const std::string token = fields::string_or(request.data, "jwt");
    if (token.empty()) login_error("missing token");
    if (!role.token_bound_cidrs.empty() && !cidr_allows(role.token_bound_cidrs, request.remote_address)) {
      throw VaultError::missing_token();  // logical.ErrPermissionDenied
    }

    const Json claims = verify_signature(*config, token);
    std::string alg;
    {
      const auto header = Json::parse(jose::split_compact(token).header_json, nullptr, false);
      alg = header.value("alg", "");
    }
    validate_claims(*config, role, alg, claims);

    // createIdentity
    const Json* user = claim_at(claims, role.user_claim, role.user_claim_json_pointer);
    if (user == nullptr) login_error("claim \"" + role.user_claim + "\" not found in token");
    if (!user->is_string()) login_error("claim \"" + role.user_claim + "\" could not be converted to string");
    LoginResult result;
    result.alias_name = user->get<std::string>();
    for (const auto& [claim, key] : role.claim_mappings) {
      const Json* value = claim_at(claims, claim, true);
      if (value == nullptr) continue;
      if (!value->is_string()) login_error("error converting claim '" + claim + "' to string");
      result.alias_metadata.emplace_back(key, value->get<std::string>());
    }
    result.alias_metadata.emplace_back("role", role_name);
    if (!role.groups_claim.empty()) {
      const Json* groups = claim_at(claims, role.groups_claim, true);
      if (groups == nullptr) login_error("failed to fetch groups: \"" + role.groups_claim + "\" claim not found in token");
      const auto list = normalize_list(*groups);
      if (!list) login_error("\"" + role.groups_claim + "\" claim could not be converted to string list");
      for (const auto& group : *list) {
        if (!group.is_string()) login_error("value " + claim_text(group) + " in groups claim could not be parsed as string");
        if (!group.get<std::string>().empty()) result.group_alias_names.push_back(group.get<std::string>());
      }
    }
    validate_bound_claims(role, claims);

    result.metadata = result.alias_metadata;
    result.role = role_name;
    result.policies = role.token_policies;
    result.ttl = role.token_ttl;
    result.max_ttl = role.token_max_ttl;
    result.explicit_max_ttl = role.token_explicit_max_ttl;
    result.period = role.token_period;
    result.num_uses = static_cast<int>(role.token_num_uses);
    result.no_default_policy = role.token_no_default_policy;
    VaultResponse response;
    response.login = std::move(result);
    return response;
  }

  static bool cidr_allows(const std::vector<std::string>& cidrs, const std::string& address) {
    for (const auto& cidr : cidrs) {
      const auto slash = cidr.find('/');
      const std::string base = cidr.substr(0, slash);
      if (slash == std::string::npos) {
        if (base == address) return true;
        continue;
      }
      const int bits = std::stoi(cidr.substr(slash + 1));
      auto parse = [](const std::string& text) -> std::optional<std::uint32_t> {
        unsigned a = 0, b = 0, c = 0, d = 0;
        if (std::sscanf(text.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return std::nullopt;
        return (a << 24) | (b << 16) | (c << 8) | d;
      };
      const auto net = parse(base);
      const auto ip = parse(address);
      if (!net || !ip || bits < 0 || bits > 32) continue;
      const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
      if ((*net & mask) == (*ip & mask)) return true;
    }
    return false;
  }

  PathTable table_;
  std::mutex mutex_;
  std::shared_ptr<const JwtConfig> config_;
  std::map<std::string, JwtRole> roles_;
};

}  // namespace

std::shared_ptr<Backend> make_jwt_backend(Core& core) { return std::make_shared<JwtBackend>(core); }

}  // namespace mcph::mock_vault
