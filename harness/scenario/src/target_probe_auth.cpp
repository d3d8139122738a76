// The authorization side of a probe: the challenge, RFC 9728's protected-resource metadata, the
// authorization servers it names (RFC 8414, else OpenID Connect discovery) and their JWKS.
#include <algorithm>
#include <cctype>

#include "answer_class.h"
#include "jwk_exposure.h"
#include "mcph/http/url.h"
#include "mcph/text/ascii_case.h"
#include "mcph/text/join.h"
#include "oauth_metadata_urls.h"
#include "target_probe_parts.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

std::vector<std::string> strings_at(const Json& object, const char* key) {
  std::vector<std::string> out;
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
  for (const auto& item : object[key]) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

void add_once(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The JSON object a GET answers with 200; null otherwise (`status` says what came, 0: nothing).
Json get_json(const std::string& url, const ProbeOptions& options, int& status) {
  std::string error;
  const auto response = probe_get(url, options, error);
  status = response ? response->status : 0;
  if (!response || response->status != 200) return Json();
  Json body = Json::parse(response->body, nullptr, false);
  return body.is_object() ? body : Json();
}

ProbedJwks probe_jwks(const std::string& url, const ProbeOptions& options) {
  ProbedJwks jwks;
  jwks.url = url;
  const Json set = get_json(url, options, jwks.status);
  const Json keys = set.is_object() ? set.value("keys", Json()) : Json();
  if (!keys.is_array()) return jwks;
  for (const auto& key : keys) {
    if (!key.is_object()) continue;
    add_once(jwks.key_types, key.value("kty", "?"));
    add_once(jwks.algs, key.value("alg", ""));
    if (const auto members = unpublishable_members(key); !members.empty()) {
      jwks.exposed.push_back("kid " + key.value("kid", "(none)") + " publishes " + text::join(members, ", "));
    }
  }
  return jwks;
}

ProbedAuthorizationServer probe_authorization_server(const std::string& issuer, ProbeFacts& facts, const ProbeOptions& options) {
  ProbedAuthorizationServer server;
  server.issuer = issuer;
  for (const std::string& url : {oauth_metadata_url(issuer), openid_configuration_url(issuer)}) {
    if (!probe_may_ask(facts.url, url)) {
      server.skipped = "its metadata (" + url + ") is neither on the probed origin nor on loopback";
      continue;
    }
    int status = 0;
    const Json metadata = get_json(url, options, status);
    if (metadata.is_null()) continue;
    server.skipped.clear();
    server.metadata_url = url;
    server.token_endpoint = metadata.value("token_endpoint", "");
    server.grant_types = strings_at(metadata, "grant_types_supported");
    server.auth_methods = strings_at(metadata, "token_endpoint_auth_methods_supported");
    server.dpop_algs = strings_at(metadata, "dpop_signing_alg_values_supported");
    if (const std::string jwks_uri = metadata.value("jwks_uri", ""); !jwks_uri.empty() && probe_may_ask(facts.url, jwks_uri)) {
      server.jwks = probe_jwks(jwks_uri, options);
    } else if (!jwks_uri.empty()) {
      facts.unknowns.push_back("the keys of " + issuer + ": its jwks_uri " + jwks_uri + " is neither on the probed origin nor on loopback");
    }
    break;
  }
  return server;
}

}  // namespace

ProbedChallenge read_challenge(std::string_view header) {
  ProbedChallenge challenge;
  challenge.header = std::string(header);
  challenge.well_formed = well_formed_challenge(header);
  const std::string_view trimmed = http::trim_ows(header);
  challenge.scheme = std::string(trimmed.substr(0, trimmed.find_first_of(" ,")));
  // Several challenges in one value ("Bearer …, DPoP …"): a scheme follows a comma, before any '='.
  const std::string lowered = text::ascii_lower(header);
  challenge.dpop = text::ascii_iequals(challenge.scheme, "dpop") || lowered.find(", dpop") != std::string::npos ||
                   lowered.find(",dpop") != std::string::npos;
  challenge.realm = challenge_param(header, "realm");
  challenge.resource_metadata = challenge_param(header, "resource_metadata");
  challenge.scope = challenge_param(header, "scope");
  challenge.error = challenge_param(header, "error");
  return challenge;
}

void probe_authorization(ProbeFacts& facts, const ProbeOptions& options) {
  const std::string header = facts.challenge ? facts.challenge->header : "";
  for (const std::string& url : protected_resource_metadata_urls(facts.url, header)) {
    if (!probe_may_ask(facts.url, url)) {
      facts.unknowns.push_back("protected-resource metadata at " + url + ": neither on the probed origin nor on loopback, not asked");
      continue;
    }
    int status = 0;
    Json metadata = get_json(url, options, status);
    if (metadata.is_null()) continue;
    facts.resource_metadata_url = url;
    facts.resource_metadata = std::move(metadata);
    break;
  }
  std::vector<std::string> issuers;
  if (facts.resource_metadata.is_object()) {
    facts.found.push_back("protected-resource metadata (RFC 9728) at " + facts.resource_metadata_url + ": resource " +
                          facts.resource_metadata.value("resource", "(none)"));
    issuers = strings_at(facts.resource_metadata, "authorization_servers");
  } else {
    facts.unknowns.push_back("protected-resource metadata (RFC 9728): none at " +
                             text::join(protected_resource_metadata_urls(facts.url, header), ", "));
  }
  // None named: a server that issues its agents' tokens itself publishes its metadata on its own origin.
  const bool own_origin_only = issuers.empty();
  if (own_origin_only) issuers.push_back(http::parse_url(facts.url).origin());
  for (const std::string& issuer : issuers) {
    ProbedAuthorizationServer server = probe_authorization_server(issuer, facts, options);
    if (!server.skipped.empty()) {
      facts.unknowns.push_back("authorization server " + issuer + ": " + server.skipped + ", not asked");
      continue;
    }
    if (server.metadata_url.empty()) {
      if (own_origin_only) {
        facts.unknowns.push_back("authorization server: none named, and no metadata on the server's own origin");
      } else {
        facts.unknowns.push_back("authorization server " + issuer + ": no metadata at " + oauth_metadata_url(issuer) + " nor " +
                                 openid_configuration_url(issuer));
      }
      continue;
    }
    std::string line = "authorization server " + issuer + " (metadata at " + server.metadata_url + "): token endpoint " +
                       (server.token_endpoint.empty() ? "(none)" : server.token_endpoint);
    if (!server.grant_types.empty()) line += "; grants " + text::join(server.grant_types, ", ");
    if (!server.dpop_algs.empty()) line += "; DPoP algs " + text::join(server.dpop_algs, ", ");
    facts.found.push_back(line);
    if (server.jwks) {
      const ProbedJwks& jwks = *server.jwks;
      if (jwks.status != 200) {
        facts.unknowns.push_back("the keys of " + issuer + ": " + jwks.url + " answered HTTP " + std::to_string(jwks.status));
      } else {
        facts.found.push_back("JWKS at " + jwks.url + ": key types " + text::join(jwks.key_types, ", ") +
                              (jwks.algs.empty() ? "" : "; algs " + text::join(jwks.algs, ", ")));
      }
      for (const auto& exposed : jwks.exposed) facts.found.push_back("WARNING: the JWKS at " + jwks.url + " " + exposed);
    }
    facts.authorization_servers.push_back(std::move(server));
  }
}

}  // namespace mcph::harness::scenario
