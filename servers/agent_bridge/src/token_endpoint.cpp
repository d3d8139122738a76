// POST /oauth2/token: the client credentials grant (RFC 6749 §4.4). The client authenticates
// with client_secret_basic (its id and secret form-urlencoded, then Basic: §2.3.1) or
// client_secret_post, never both; errors are §5.2's, a JSON body with Cache-Control: no-store.
// No error names a secret, and the answer to an unknown client is the answer to a wrong secret.
#include <chrono>
#include <set>

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/authorization_server.h"
#include "mcph/agent_bridge/scopes.h"
#include "mcph/http/basic_auth.h"
#include "mcph/http/json.h"
#include "mcph/http/url.h"
#include "mcph/jose/jws.h"
#include "mcph/openssl/crypto.h"

namespace mcph::agent_bridge {
namespace {

using Json = nlohmann::json;

void no_store(http::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("Pragma", "no-cache");
}

void oauth_error(http::Response& res, int status, const std::string& error, const std::string& description) {
  no_store(res);
  http::set_json(res, status, {{"error", error}, {"error_description", description}});
}

struct ClientCredentials {
  std::string id, secret;
  bool basic = false;  // presented in the Authorization header
};

// The form's single value of `name`; nullopt when absent. Throws for a repeated one (§3.2).
std::optional<std::string> single(const http::Fields& form, const std::string& name) {
  std::optional<std::string> value;
  for (const auto& [key, text] : form) {
    if (key != name) continue;
    if (value) throw std::invalid_argument("the parameter " + name + " is repeated");
    value = text;
  }
  return value;
}

bool form_encoded(const http::Request& req) {
  std::string type = req.header("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return http::iequals(type, "application/x-www-form-urlencoded");
}

}  // namespace

void AuthorizationServer::token(const http::Request& req, http::Response& res) const {
  const AuthorizationServerDefects& unsafe = settings_.unsafe;
  if (!form_encoded(req)) {
    oauth_error(res, 400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    return;
  }
  http::Fields form;
  std::optional<std::string> grant_type, scope, body_id, body_secret;
  try {
    form = http::parse_form(req.body);
    grant_type = single(form, "grant_type");
    scope = single(form, "scope");
    body_id = single(form, "client_id");
    body_secret = single(form, "client_secret");
  } catch (const std::exception& e) {
    oauth_error(res, 400, "invalid_request", e.what());
    return;
  }

  // Client authentication: one method, and a failure the same whatever was wrong.
  ClientCredentials client;
  const std::string authorization = req.header("Authorization");
  if (!authorization.empty()) {
    const auto basic = http::parse_basic_authorization(authorization);
    const auto id = basic ? http::percent_decode(basic->first, true) : std::nullopt;
    const auto secret = basic ? http::percent_decode(basic->second, true) : std::nullopt;
    client = {id.value_or(""), secret.value_or(""), true};
    if (body_secret) {
      oauth_error(res, 400, "invalid_request", "the client authenticated twice: Basic and client_secret in the body");
      return;
    }
    if (body_id && *body_id != client.id) {
      oauth_error(res, 400, "invalid_request", "client_id in the body is not the client of the Authorization header");
      return;
    }
  } else if (body_id || body_secret) {
    client = {body_id.value_or(""), body_secret.value_or(""), false};
  }
  const auto refuse_client = [&](const std::string& description) {
    const bool challenge = !unsafe.invalid_client_400;
    if (challenge) res.set_header("WWW-Authenticate", "Basic realm=\"" + settings_.issuer + "\", charset=\"UTF-8\"");
    oauth_error(res, challenge ? 401 : 400, "invalid_client", description);
  };
  if (client.id.empty() && client.secret.empty()) {
    refuse_client("no client authentication: send client_secret_basic or client_secret_post");
    return;
  }
  const auto registered = settings_.clients.by_id(client.id);
  const std::string digest = sha256_hex(client.secret);
  const bool secret_ok = openssl::constant_time_equals(registered ? registered->key_sha256 : std::string(64, '0'), digest);
  const auto agent = settings_.agents->by_id(client.id);
  if (!registered || registered->key_sha256.empty() || !secret_ok || !agent || (client.basic && unsafe.basic_refused)) {
    refuse_client("client authentication failed");
    return;
  }

  if (!grant_type) {
    oauth_error(res, 400, "invalid_request", "grant_type is missing");
    return;
  }
  if (*grant_type != "client_credentials") {
    oauth_error(res, 400, "unsupported_grant_type", "this server grants client_credentials only");
    return;
  }

  // The scope granted: the requested one when the client has every word of it (whole words),
  // else invalid_scope; all of the client's when none is requested (§3.3).
  std::vector<std::string> granted = agent->scopes;
  if (scope) {
    granted = split_scopes(*scope);
    if (granted.empty()) {
      oauth_error(res, 400, "invalid_scope", "the requested scope is empty");
      return;
    }
    for (const auto& word : granted) {
      bool held = has_scope(agent->scopes, word);
      for (const auto& own : agent->scopes) held = held || (unsafe.scope_by_substring && word.find(own) != std::string::npos);
      if (!held) {
        oauth_error(res, 400, "invalid_scope", "the client may not have the scope " + word);
        return;
      }
    }
  }
  std::string scope_claim;
  for (const auto& word : std::set<std::string>(granted.begin(), granted.end())) scope_claim += (scope_claim.empty() ? "" : " ") + word;

  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const Json claims = {{"iss", tokens_issuer()}, {"sub", agent->id}, {"aud", settings_.audience},
                       {"client_id", client.id}, {"scope", scope_claim}, {"iat", now}, {"nbf", now},
                       {"exp", now + settings_.token_lifetime.count()}, {"jti", openssl::random_uuid()}};
  const Json header = {{"alg", "RS256"}, {"typ", "at+jwt"}, {"kid", kid_}};
  const std::string token = jose::sign_compact(key_, jose::Alg::RS256, header.dump(), claims.dump());
  no_store(res);
  http::set_json(res, 200, {{"access_token", token}, {"token_type", "Bearer"},
                            {"expires_in", settings_.token_lifetime.count()}, {"scope", scope_claim}});
}

}  // namespace mcph::agent_bridge
