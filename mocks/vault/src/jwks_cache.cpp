#include "jwks_cache.h"

#include <nlohmann/json.hpp>

#include "common.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/jose/error.h"

namespace mcph::mock_vault {
namespace {

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string shorten(std::string text) {
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return text;
}

}  // namespace

std::string fetch_document(const std::string& url, const char* what) {
  http::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = std::chrono::milliseconds(5000);
  options.keep_alive = false;
  try {
    http::Client client(url, options);
    const auto response = client.get("");
    if (response.status != 200) {
      throw KeyFetchError(std::string("oidc: get ") + what + " failed: " + std::to_string(response.status) + " " +
                          reason_phrase(response.status) + " " + shorten(response.body));
    }
    return response.body;
  } catch (const http::TransportError& e) {
    // Go: Get "http://127.0.0.1:1/certs": dial tcp 127.0.0.1:1: connect: connection refused
    std::string cause = e.what();  // "GET <url>: <cause>"
    if (const auto colon = cause.find(": "); colon != std::string::npos) cause = cause.substr(colon + 2);
    throw KeyFetchError(std::string("oidc: get ") + what + " failed Get \"" + url + "\": " + cause);
  } catch (const std::invalid_argument& e) {
    throw KeyFetchError(std::string("oidc: can't create request: ") + e.what());
  }
}

std::shared_ptr<RemoteKeySet> RemoteKeySet::from_jwks_url(std::string url) {
  std::shared_ptr<RemoteKeySet> set(new RemoteKeySet());
  set->jwks_url_ = std::move(url);
  return set;
}

std::shared_ptr<RemoteKeySet> RemoteKeySet::from_discovery(std::string issuer) {
  std::shared_ptr<RemoteKeySet> set(new RemoteKeySet());
  set->discovery_issuer_ = std::move(issuer);
  return set;
}

std::string RemoteKeySet::resolve_jwks_url_locked() {
  if (!jwks_url_.empty()) return jwks_url_;
  std::string base = discovery_issuer_;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string body = fetch_document(base + "/.well-known/openid-configuration", "discovery document");
  if (json_too_deep(body, 64)) throw KeyFetchError("failed to decode OIDC discovery document: nested too deeply");
  const auto document = nlohmann::json::parse(body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw KeyFetchError("failed to decode OIDC discovery document: invalid JSON");
  }
  const std::string issuer = document.value("issuer", "");
  if (issuer != discovery_issuer_) {
    throw KeyFetchError("issuer did not match the returned issuer, expected \"" + discovery_issuer_ + "\" got \"" +
                        issuer + "\"");
  }
  jwks_url_ = document.value("jwks_uri", "");
  if (jwks_url_.empty()) throw KeyFetchError("failed to decode OIDC discovery document: no jwks_uri");
  return jwks_url_;
}

std::shared_ptr<const jose::JwkSet> RemoteKeySet::fetch_locked() {
  const std::string url = resolve_jwks_url_locked();
  const std::string body = fetch_document(url, "keys");
  if (json_too_deep(body, 64)) throw KeyFetchError("oidc: failed to decode keys: nested too deeply");
  try {
    cached_ = std::make_shared<const jose::JwkSet>(jose::JwkSet::from_json(body));
  } catch (const jose::JoseError& e) {
    throw KeyFetchError(std::string("oidc: failed to decode keys: ") + e.what());
  } catch (const std::exception& e) {
    throw KeyFetchError(std::string("oidc: failed to decode keys: ") + e.what());
  }
  return cached_;
}

std::shared_ptr<const jose::JwkSet> RemoteKeySet::keys() {
  std::lock_guard lock(mutex_);
  if (cached_) return cached_;
  return fetch_locked();
}

std::shared_ptr<const jose::JwkSet> RemoteKeySet::refresh(const std::shared_ptr<const jose::JwkSet>& seen) {
  std::lock_guard lock(mutex_);
  // Someone refreshed while we waited for the lock: use theirs instead of fetching again.
  if (cached_ && cached_ != seen) return cached_;
  return fetch_locked();
}

}  // namespace mcph::mock_vault
