#include "mcph/servers/modern_era.h"

#include <nlohmann/json.hpp>

#include "mcph/broker/authenticator.h"
#include "mcph/servers/protocol_flag.h"

namespace mcph::servers {

void declare_modern_era_flags(cli::Flags& flags) {
  declare_protocol_flag(flags);
  flags.toggle("unsafe-public-cache-scope", "UNSAFE, for the harness's sabotage tests: per-user results of protocol "
                                            "2026-07-28 (resources/list, resources/read) say cacheScope public")
      .toggle("unsafe-authorize-on-header", "UNSAFE, for the harness's sabotage tests: a 2026-07-28 tools/call's "
                                            "Mcp-Name header is not compared with the body; the scope check reads "
                                            "the header's tool, the call runs the body's")
      .toggle("unsafe-version-from-header", "UNSAFE, for the harness's sabotage tests: MCP-Protocol-Version is not "
                                            "compared with the request's _meta version; the header's is taken")
      .toggle("unsafe-param-headers-unchecked", "UNSAFE, for the harness's sabotage tests: a 2026-07-28 tools/call's "
                                                "Mcp-Param-* headers are not compared with its arguments")
      .toggle("unsafe-cache-reads-across-users",
              "UNSAFE, for the harness's sabotage tests: resources/read answers are cached by URI alone, so that a "
              "URI another caller read is served to anyone who asks for it")
      .toggle("unsafe-remember-caller-by-address",
              "UNSAFE, for the harness's sabotage tests: a 2026-07-28 request without a token is served as the last "
              "caller authenticated from the same address")
      .option("request-state-ttl-ms", "5000",
              "how long a 2026-07-28 call awaiting its confirmation keeps its requestState (short, so that the "
              "harness sees an expired one refused)")
      .option("request-state-key-file", "",
              "the HMAC-SHA256 key sealing 2026-07-28 requestStates (32 bytes or more), from this file: replicas behind one "
              "address need the same key (a state taken is remembered by the replica that took it only); "
              "without it, a random key of this process")
      .toggle("unsafe-request-state-unsealed", "UNSAFE, for the harness's sabotage tests: a requestState is taken "
                                               "without verifying its MAC (one the client altered runs)")
      .toggle("unsafe-request-state-any-caller", "UNSAFE, for the harness's sabotage tests: a requestState is taken "
                                                 "from a caller it was not issued to")
      .toggle("unsafe-request-state-no-expiry", "UNSAFE, for the harness's sabotage tests: an expired requestState "
                                                "is taken")
      .toggle("unsafe-request-state-any-request", "UNSAFE, for the harness's sabotage tests: a requestState is taken "
                                                  "on a request other than the one it was issued for")
      .toggle("unsafe-request-state-reusable", "UNSAFE, for the harness's sabotage tests: a requestState is taken "
                                               "again after it was used (a confirmation sent twice runs twice)")
      .toggle("unsafe-confirmation-any-answer", "UNSAFE, for the harness's sabotage tests: a call awaiting its "
                                                "confirmation runs on any answer (a no runs it)")
      .toggle("unsafe-bare-scope-challenge", "UNSAFE, for the harness's sabotage tests: a call lacking a scope is "
                                             "refused 403 insufficient_scope without resource_metadata in its challenge")
      .toggle("unsafe-offline-access-in-challenge", "UNSAFE, for the harness's sabotage tests: a call lacking a scope "
                                                    "is told to ask for offline_access too")
      .toggle("unsafe-offline-access-in-metadata", "UNSAFE, for the harness's sabotage tests: the protected resource "
                                                   "metadata lists offline_access among its scopes_supported");
}

void apply_modern_era_flags(const cli::Flags& flags, mcp::ServerOptions& options) {
  apply_protocol_flag(flags, options);
  options.unsafe_public_cache_scope = flags.on("unsafe-public-cache-scope");
  options.unsafe_authorize_on_header = flags.on("unsafe-authorize-on-header");
  options.unsafe_version_from_header = flags.on("unsafe-version-from-header");
  options.unsafe_param_headers_unchecked = flags.on("unsafe-param-headers-unchecked");
  options.request_state_ttl = std::chrono::milliseconds(flags.get_int("request-state-ttl-ms"));
  options.request_state_key = flags.secret_file("request-state-key-file", "requestState key", 32);
  options.unsafe_request_state_unsealed = flags.on("unsafe-request-state-unsealed");
  options.unsafe_request_state_any_caller = flags.on("unsafe-request-state-any-caller");
  options.unsafe_request_state_no_expiry = flags.on("unsafe-request-state-no-expiry");
  options.unsafe_request_state_any_request = flags.on("unsafe-request-state-any-request");
  options.unsafe_request_state_reusable = flags.on("unsafe-request-state-reusable");
  options.unsafe_confirmation_any_answer = flags.on("unsafe-confirmation-any-answer");
  if (flags.on("unsafe-offline-access-in-challenge") && options.insufficient_scope_challenge) {
    options.insufficient_scope_challenge = [challenge = options.insufficient_scope_challenge](const std::string& needed) {
      return challenge(needed + " offline_access");
    };
  }
  if (flags.on("unsafe-bare-scope-challenge")) options.insufficient_scope_challenge = nullptr;
}

namespace {
std::string identity_uri(const mcp::Principal& caller) {
  const auto* who = caller.context_as<broker::Principal>();
  return "user://" + (who != nullptr ? who->username : caller.subject) + "/identity";
}
}  // namespace

mcp::ResourceSource identity_resource(std::string server_name) {
  mcp::ResourceSource source;
  source.list = [](const mcp::Principal& caller) {
    return std::vector<mcp::ResourceInfo>{
        {identity_uri(caller), "identity", "who this server takes the caller to be", "application/json"}};
  };
  source.read = [server_name](const std::string& uri, const mcp::Principal& caller) -> std::optional<mcp::ResourceText> {
    if (uri != identity_uri(caller)) return std::nullopt;
    const auto* who = caller.context_as<broker::Principal>();
    const nlohmann::json body{{"subject", caller.subject},
                              {"preferred_username", who != nullptr ? who->username : ""},
                              {"server", server_name}};
    return mcp::ResourceText{uri, "application/json", body.dump()};
  };
  return source;
}

mcp::ResourceSource cached_by_uri(mcp::ResourceSource source) {
  struct Cache {
    std::mutex mutex;
    std::map<std::string, mcp::ResourceText> by_uri;
  };
  auto cache = std::make_shared<Cache>();
  source.read = [cache, read = std::move(source.read)](const std::string& uri,
                                                       const mcp::Principal& caller) -> std::optional<mcp::ResourceText> {
    {
      std::lock_guard lock(cache->mutex);
      if (const auto hit = cache->by_uri.find(uri); hit != cache->by_uri.end()) return hit->second;
    }
    auto text = read(uri, caller);
    if (text) {
      std::lock_guard lock(cache->mutex);
      cache->by_uri.emplace(uri, *text);
    }
    return text;
  };
  return source;
}

std::optional<mcp::Principal> CallerByAddress::recall(const http::Request& request) const {
  std::lock_guard lock(mutex_);
  const auto it = by_address_.find(request.remote_addr);
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

void CallerByAddress::remember(const http::Request& request, const mcp::Principal& principal) {
  std::lock_guard lock(mutex_);
  by_address_[request.remote_addr] = principal;
}

}  // namespace mcph::servers
