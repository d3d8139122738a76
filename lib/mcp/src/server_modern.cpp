// The modern era (2026-07-28): each POST one self-contained request, its version, capabilities,
// method and name checked against its headers, answered with resultType and caching hints.
#include "server_impl.h"

#include <cstdio>

#include "modern_request.h"

namespace mcph::mcp {

void Server::Impl::handle_modern(const http::Request& req, http::Response& res, const Principal& principal,
                                 const detail::AcceptedTypes& accepted, const Message& message) {
  const detail::ModernLeniency leniency{options.unsafe_authorize_on_header, options.unsafe_version_from_header};
  if (auto refusal = detail::check_modern_request(req, message, detail::protocol_versions_of(options.era), leniency)) {
    refuse(res, refusal->status, refusal->code, refusal->message, message.id, std::move(refusal->data));
    return;
  }
  if (message.kind != MessageKind::request) {
    res.status = 202;
    return;
  }
  if (!is_modern_method(message.method)) {
    refuse(res, 404, jsonrpc::kMethodNotFound, "Method not found: " + message.method, message.id);
    return;
  }
  if (message.method == "tools/call") {
    if (!options.unsafe_param_headers_unchecked) {
      if (auto refusal = detail::check_param_headers(req, message.params, tools.param_headers(message.params))) {
        refuse(res, refusal->status, refusal->code, refusal->message, message.id, std::move(refusal->data));
        return;
      }
    }
    json checked = message.params;
    // The defect the switch stands for: authorization decided on the header, execution on the body.
    if (options.unsafe_authorize_on_header && req.has_header(kNameHeader)) checked["name"] = req.header(kNameHeader);
    if (const std::string missing = tools.missing_scopes(checked, principal); !missing.empty()) {
      refuse_insufficient_scope(res, missing, message.id);
      return;
    }
    if (auto refusal = confirmation_capability_refusal(message)) {
      refuse(res, refusal->status, refusal->code, refusal->message, message.id, std::move(refusal->data));
      return;
    }
  }
  std::vector<json> notifications;
  respond(res, accepted, notifications, dispatch_modern(message, principal, req, notifications));
}

bool Server::Impl::is_modern_method(const std::string& method) const {
  if (method == "server/discover" || method == "tools/list" || method == "tools/call") return true;
  return resources && (method == "resources/list" || method == "resources/read");
}

json Server::Impl::dispatch_modern(const Message& message, const Principal& principal, const http::Request& req,
                                   std::vector<json>& notifications) const {
  static const std::string kNoSession;
  static const std::string kVersion(kModernProtocolVersion);
  const json& params = message.params;
  const json& meta = params["_meta"];
  try {
    json result;
    std::string cache_scope;  // empty: not a cacheable result
    if (message.method == "server/discover") {
      result = {{"supportedVersions", detail::protocol_versions_of(options.era)}, {"capabilities", capabilities()}};
      if (!options.instructions.empty()) result["instructions"] = options.instructions;
      cache_scope = "public";
    } else if (message.method == "tools/list") {
      result = tools.list_result();
      cache_scope = "public";  // every caller is listed the same tools
    } else if (message.method == "tools/call") {
      const auto level = meta.find("io.modelcontextprotocol/logLevel");
      const auto threshold = level != meta.end() && level->is_string() ? parse_log_level(level->get<std::string>())
                                                                       : std::nullopt;
      const bool needs_confirmation = !tools.confirmation(params).empty();
      if (needs_confirmation) {
        if (auto answer = confirmation_round(message, principal)) {
          (*answer)["_meta"][std::string(kMetaServerInfo)] = {{"name", options.name}, {"version", options.version}};
          return detail::result_response(message.id, std::move(*answer));
        }
      }
      detail::CallScope scope{principal, kNoSession, kVersion, req, threshold.value_or(LogLevel::debug),
                              /*refusal_answers_request=*/false, /*log_enabled=*/threshold.has_value(),
                              /*confirmed=*/needs_confirmation};
      result = tools.call(params, scope, notifications);
    } else {
      result = *resource_result(message.method, params, principal);
      cache_scope = resources->per_user && !options.unsafe_public_cache_scope ? "private" : "public";
    }
    result["resultType"] = "complete";
    result["_meta"][std::string(kMetaServerInfo)] = {{"name", options.name}, {"version", options.version}};
    if (!cache_scope.empty()) {
      result["ttlMs"] = options.cache_ttl.count();
      result["cacheScope"] = cache_scope;
    }
    return detail::result_response(message.id, std::move(result));
  } catch (const RpcFailure& failure) {
    return detail::error_response(message.id, failure.code(), failure.what(), failure.data());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "[%s] %s failed: %s\n", options.name.c_str(), message.method.c_str(), e.what());
    return detail::error_response(message.id, jsonrpc::kInternalError, "Internal error");
  }
}

}  // namespace mcph::mcp
