#include "oauth_checks.h"

#include "jwk_exposure.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>

#include "mcph/http/message.h"
#include "mcph/text/ascii_case.h"
#include "mcph/text/join.h"
#include "mcph/text/words.h"
#include "oauth_metadata_urls.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// The longest lifetime an access token of the client credentials grant is allowed here: an
// hour (Keycloak's default is five minutes; the bridge's too).
constexpr long long kMaxLifetimeSeconds = 3600;
// Clock skew tolerated between the harness and the server.
constexpr long long kSkewSeconds = 60;

std::string header_of(const StepOutcome& outcome, std::string_view name) {
  return http::find_field(outcome.http.headers, name).value_or("");
}

reports::Check verdict(const std::vector<std::string>& problems, const std::string& fine, const Json& want) {
  const bool holds = problems.empty();
  return judged(holds == (want.is_boolean() ? want.get<bool>() : true), holds ? fine : text::join(problems, "; "));
}

const OAuthObservation* observation(const StepOutcome& outcome) { return outcome.oauth ? &*outcome.oauth : nullptr; }

// The scope words of a token answer: its `scope`, else the token's claim.
std::optional<std::vector<std::string>> granted_scope(const StepOutcome& outcome) {
  if (outcome.result.is_object() && outcome.result.contains("scope") && outcome.result["scope"].is_string()) {
    return scope_words(outcome.result["scope"].get<std::string>());
  }
  const Json& claims = outcome.oauth->claims;
  if (claims.is_object() && claims.contains("scope") && claims["scope"].is_string()) return scope_words(claims["scope"].get<std::string>());
  return std::nullopt;
}

std::vector<std::string> beyond(const std::vector<std::string>& granted, const std::vector<std::string>& own) {
  std::vector<std::string> extra;
  for (const auto& word : granted) {
    if (std::find(own.begin(), own.end(), word) == own.end()) extra.push_back(word);
  }
  return extra;
}

bool is_number(const Json& claims, const char* name) { return claims.contains(name) && claims[name].is_number(); }

}  // namespace

std::vector<std::string> scope_words(const std::string& scope) { return text::words(scope); }

reports::Check check_token_error(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  std::vector<std::string> codes;
  for (const auto& item : want.is_array() ? want : Json::array({want})) codes.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  std::vector<std::string> problems;
  const std::string error = outcome.result.is_object() ? outcome.result.value("error", "") : "";
  const bool named = std::find(codes.begin(), codes.end(), error) != codes.end();
  const std::string code = named ? error : codes.front();  // the one whose status rules apply
  if (!named) {
    problems.push_back("error " + (error.empty() ? std::string("none") : "\"" + error + "\"") + ", not " + text::join(codes, " or "));
  }
  if (text::ascii_lower(header_of(outcome, "Cache-Control")).find("no-store") == std::string::npos) {
    problems.push_back("no Cache-Control: no-store");
  }
  const std::string challenge = header_of(outcome, "WWW-Authenticate");
  const bool basic = seen && (seen->client_auth == "client_secret_basic" || seen->client_auth == "both");
  if (code == "invalid_client") {
    if (basic && outcome.http.status != 401) {
      problems.push_back("HTTP " + std::to_string(outcome.http.status) + " to a client that used Basic, not 401");
    } else if (outcome.http.status != 400 && outcome.http.status != 401) {
      problems.push_back("HTTP " + std::to_string(outcome.http.status) + ", not 400 or 401");
    }
    if ((basic || outcome.http.status == 401) && text::ascii_lower(challenge).rfind("basic", 0) != 0) {
      problems.push_back(challenge.empty() ? "no WWW-Authenticate challenge" : "the challenge is not Basic: " + challenge);
    }
  } else if (outcome.http.status != 400) {
    problems.push_back("HTTP " + std::to_string(outcome.http.status) + ", not 400");
  }
  return verdict(problems, "HTTP " + std::to_string(outcome.http.status) + " " + code +
                               (challenge.empty() ? "" : ", WWW-Authenticate: " + challenge) + ", no-store", Json(true));
}

reports::Check check_token_claims(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  if (!seen || !outcome.grant.ok) return failed("no token came back: " + outcome.describe());
  const Json& claims = seen->claims;
  if (!claims.is_object()) return failed("the access token is not a JWT whose claims can be read");
  std::vector<std::string> checks;
  for (const auto& item : want.is_array() ? want : Json::array({want})) checks.push_back(item.get<std::string>());
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> problems;
  for (const auto& check : checks) {
    if (check == "iss") {
      const std::string issuer = seen->metadata.is_object() ? seen->metadata.value("issuer", "") : "";
      const std::string iss = claims.value("iss", "");
      if (iss.empty()) {
        problems.push_back("the token has no iss");
      } else if (issuer.empty()) {
        problems.push_back("no metadata issuer to compare the token's iss \"" + iss + "\" with");
      } else if (iss != issuer) {
        problems.push_back("iss \"" + iss + "\" is not the metadata's issuer \"" + issuer + "\"");
      }
    } else if (check == "client") {
      const std::string sub = claims.value("sub", "");
      const bool named = claims.value("client_id", "") == seen->client_id || claims.value("azp", "") == seen->client_id ||
                         sub == seen->client_id;
      if (sub.empty()) problems.push_back("the token has no sub");
      if (!named) problems.push_back("neither client_id, azp nor sub names the client " + seen->client_id);
    } else if (check == "aud") {
      if (seen->audience.empty()) return inconclusive("the profile's client_credentials names no audience to check aud against");
      const Json aud = claims.value("aud", Json());
      const bool has = (aud.is_string() && aud == seen->audience) ||
                       (aud.is_array() && std::find(aud.begin(), aud.end(), Json(seen->audience)) != aud.end());
      if (!has) problems.push_back("aud " + (aud.is_null() ? std::string("missing") : aud.dump()) + " does not hold " + seen->audience);
    } else if (check == "exp") {
      if (!is_number(claims, "exp")) {
        problems.push_back("the token has no exp");
      } else if (claims["exp"].get<long long>() <= now) {
        problems.push_back("the token came back expired");
      }
    } else if (check == "iat") {
      if (!is_number(claims, "iat")) {
        problems.push_back("the token has no iat");
      } else if (claims["iat"].get<long long>() > now + kSkewSeconds) {
        problems.push_back("iat is in the future");
      }
    } else if (check == "jti") {
      if (!claims.contains("jti") || !claims["jti"].is_string() || claims["jti"].get<std::string>().empty()) {
        problems.push_back("the token has no jti");
      }
    } else if (check == "lifetime") {
      if (!is_number(claims, "exp")) {
        problems.push_back("no exp, so no lifetime");
      } else {
        const long long exp = claims["exp"].get<long long>();
        const long long from = is_number(claims, "iat") ? claims["iat"].get<long long>() : seen->requested_at;
        if (exp - from > kMaxLifetimeSeconds) {
          problems.push_back("lives " + std::to_string(exp - from) + " s, more than " + std::to_string(kMaxLifetimeSeconds));
        }
        if (outcome.result.is_object() && outcome.result.contains("expires_in") && outcome.result["expires_in"].is_number()) {
          const long long said = outcome.result["expires_in"].get<long long>();
          if (std::llabs(seen->requested_at + said - exp) > kSkewSeconds) {
            problems.push_back("expires_in " + std::to_string(said) + " s does not match exp");
          }
        }
      }
    } else if (check == "scope") {
      const auto granted = granted_scope(outcome);
      if (!granted) {
        problems.push_back("neither the answer nor the token says the scope granted");
      } else if (const auto extra = beyond(*granted, seen->client_scopes); !extra.empty()) {
        problems.push_back("scope beyond the client's: " + text::join(extra, " "));
      }
    } else {
      return failed("token_claims: unknown check " + check + " (iss, client, aud, exp, iat, jti, lifetime, scope)");
    }
  }
  return verdict(problems, text::join(checks, ", ") + " as they should be", Json(true));
}

reports::Check check_scope_within_client(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  if (!seen) return failed("no oauth step");
  std::vector<std::string> problems;
  std::string fine;
  if (outcome.http.status == 400 && outcome.grant.oauth_error == "invalid_scope") {
    fine = "refused: invalid_scope";
  } else if (outcome.grant.ok) {
    const auto granted = granted_scope(outcome);
    if (!granted) {
      problems.push_back("a token came back that does not say its scope");
    } else if (const auto extra = beyond(*granted, seen->client_scopes); !extra.empty()) {
      problems.push_back("granted beyond the client's scopes (" + text::join(seen->client_scopes, " ") + "): " + text::join(extra, " "));
    }
    fine = "granted within the client's scopes";
  } else {
    problems.push_back("neither invalid_scope nor a token: " + outcome.describe());
  }
  return verdict(problems, fine, want);
}

reports::Check check_jwks_public_only(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  if (!seen || seen->jwks_status != 200) {
    return failed("no JWKS: " + (seen && seen->jwks_status ? "HTTP " + std::to_string(seen->jwks_status) : std::string("jwks_uri not fetched")));
  }
  const Json keys = seen->jwks.is_object() ? seen->jwks.value("keys", Json()) : Json();
  if (!keys.is_array() || keys.empty()) return failed("the JWKS has no keys");
  std::vector<std::string> problems;
  for (const auto& key : keys) {
    const std::string kid = key.is_object() ? key.value("kid", "(no kid)") : "(not an object)";
    if (const auto found = unpublishable_members(key); !found.empty()) problems.push_back("kid " + kid + " publishes " + text::join(found, ", "));
  }
  return verdict(problems, std::to_string(keys.size()) + " public key(s)", want);
}

reports::Check check_metadata_consistent(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  if (!seen) return failed("no oauth step");
  if (!seen->metadata.is_object()) {
    return failed("no metadata at " + oauth_metadata_url(seen->issuer) + " nor " + openid_configuration_url(seen->issuer) +
                  " (HTTP " + std::to_string(seen->metadata_status) + ")");
  }
  const Json& metadata = seen->metadata;
  std::vector<std::string> problems;
  const std::string issuer = metadata.value("issuer", "");
  if (issuer != seen->issuer) problems.push_back("issuer \"" + issuer + "\" is not the one it was fetched under, " + seen->issuer);
  const std::string token_endpoint = metadata.value("token_endpoint", "");
  if (token_endpoint != seen->token_url) {
    problems.push_back("token_endpoint \"" + token_endpoint + "\" is not the profile's token_url " + seen->token_url);
  }
  if (seen->jwks_status != 200 || !seen->jwks.is_object() || !seen->jwks.contains("keys")) {
    problems.push_back("jwks_uri \"" + metadata.value("jwks_uri", "") + "\" does not resolve to a JWKS (HTTP " +
                       std::to_string(seen->jwks_status) + ")");
  }
  const Json grants = metadata.value("grant_types_supported", Json());
  if (grants.is_array() && std::find(grants.begin(), grants.end(), Json("client_credentials")) == grants.end()) {
    problems.push_back("grant_types_supported does not list client_credentials");
  }
  if (seen->openid_configuration.is_object()) {
    for (const char* key : {"issuer", "token_endpoint", "jwks_uri"}) {
      if (seen->openid_configuration.value(key, Json()) != metadata.value(key, Json())) {
        problems.push_back(std::string("the OpenID configuration's ") + key + " differs from the OAuth metadata's");
      }
    }
  }
  return verdict(problems, "issuer, token_endpoint and jwks_uri agree", want);
}

reports::Check check_auth_methods_work(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  if (!seen || seen->methods.empty()) return failed("no advertised client authentication method");
  std::vector<std::string> problems, worked, untried;
  for (const auto& method : seen->methods) {
    if (!method.tried) {
      untried.push_back(method.method);
    } else if (method.token) {
      worked.push_back(method.method);
    } else {
      problems.push_back(method.method + " is advertised, yet refused: HTTP " + std::to_string(method.status) +
                         (method.error.empty() ? "" : " " + method.error));
    }
  }
  if (worked.empty() && problems.empty()) return inconclusive("no advertised method is one the harness presents: " + text::join(untried, ", "));
  return verdict(problems, text::join(worked, ", ") + " gave tokens" + (untried.empty() ? "" : "; not tried: " + text::join(untried, ", ")), want);
}

reports::Check check_forged_tokens_refused(const Json& want, const StepOutcome& outcome) {
  const OAuthObservation* seen = observation(outcome);
  if (!seen || seen->forgeries.empty()) return failed("no token was forged");
  std::vector<std::string> problems;
  bool limited = false;
  for (const auto& forgery : seen->forgeries) {
    if (forgery.status == 429) limited = true;
    if (forgery.status != 401 && forgery.status != 403 && forgery.status != 429) {
      problems.push_back(forgery.made + ": HTTP " + std::to_string(forgery.status));
    }
  }
  if (problems.empty() && limited) return inconclusive("some forged tokens met the rate limit (429), not the verifier");
  return verdict(problems, std::to_string(seen->forgeries.size()) + " forged tokens refused", want);
}

}  // namespace mcph::harness::scenario
