#include "recorder.h"

#include <algorithm>
#include <cctype>

#include "mcph/secrets/mask.h"
#include "mcph/secrets/scrub.h"
#include "mcph/text/ascii_case.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// A header that carries a credential: Authorization and Proxy-Authorization, X-API-Key,
// X-Vault-Token, Cookie, a DPoP proof (replayable while it is fresh), and any other whose name
// says key, token, secret, password or credential. Its value is masked in a trace, whatever the scheme.
bool carries_credential(std::string_view name) {
  const std::string lowered = text::ascii_lower(name);
  if (lowered == "cookie" || lowered == "set-cookie" || lowered == "dpop" || lowered.ends_with("authorization")) return true;
  for (const char* word : {"key", "token", "secret", "password", "credential"}) {
    if (lowered.find(word) != std::string::npos) return true;
  }
  return false;
}

// The identity headers a TLS-terminating proxy passes on (X-SSL-Client-S-DN, …): what a step
// about them shows, and no secret.
bool identity_header(std::string_view name) { return text::ascii_lower(name).rfind("x-ssl-client-", 0) == 0; }

}  // namespace

Json trace_headers(const http::Fields& headers) {
  Json out = Json::object();
  for (const auto& [name, value] : headers) {
    if (carries_credential(name)) {
      const auto space = value.find(' ');
      out[name] = space == std::string::npos ? secrets::mask(value) : value.substr(0, space + 1) + secrets::mask(value.substr(space + 1));
    } else if (http::iequals(name, "Content-Type") || http::iequals(name, "WWW-Authenticate") ||
               http::iequals(name, "Retry-After") || http::iequals(name, "traceparent") ||
               http::iequals(name, "Mcp-Session-Id") || http::iequals(name, "MCP-Protocol-Version") || identity_header(name)) {
      out[name] = value;  // the whole trace is scrubbed when it is written
    }
  }
  return out;
}

namespace {

std::string trace_body(const std::string& body) {
  constexpr std::size_t limit = 4096;
  // Scrubbed before it is cut: a token cut in half would no longer look like one.
  std::string out = secrets::scrub(body);
  if (out.size() > limit) out = out.substr(0, limit) + "… (" + std::to_string(body.size()) + " bytes)";
  return out;
}

}  // namespace

Json& Recorder::exchange(const std::string& method, const std::string& url, const http::Fields& request_headers,
                         const std::string& request_body, int status, const http::Fields& response_headers,
                         const std::string& response_body, double ms) {
  out_.exchanges.push_back(
      {{"request", {{"method", method}, {"url", url}, {"headers", trace_headers(request_headers)}, {"body", trace_body(request_body)}}},
       {"response", {{"status", status}, {"headers", trace_headers(response_headers)}, {"body", trace_body(response_body)}}},
       {"ms", ms}});
  return out_.exchanges.back();
}

void Recorder::note(Json record) { out_.exchanges.push_back(std::move(record)); }

void Recorder::flow(const std::string& user, std::string stage, std::string detail) {
  auto it = std::find_if(flows_.begin(), flows_.end(), [&](const reports::UserFlow& f) { return f.user == user; });
  if (it == flows_.end()) {
    flows_.push_back({user, {}});
    it = std::prev(flows_.end());
  }
  std::string shown = secrets::scrub(detail);
  if (!it->steps.empty() && it->steps.back().stage == stage && it->steps.back().detail == shown) return;
  it->steps.push_back({std::move(stage), std::move(shown)});
}

std::string Recorder::masked(const std::string& secret) { return secrets::mask(secret); }

void scrub_strings(Json& json) {
  if (json.is_string()) {
    json = secrets::scrub(json.get<std::string>());
  } else if (json.is_array()) {
    for (auto& item : json) scrub_strings(item);
  } else if (json.is_object()) {
    Json out = Json::object();
    for (auto& [key, value] : json.items()) {
      scrub_strings(value);
      out[secrets::scrub(key)] = std::move(value);
    }
    json = std::move(out);
  }
}

}  // namespace mcph::harness::scenario
