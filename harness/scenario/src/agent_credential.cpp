#include "agent_credential.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string_view>

#include "mcph/codec/base64.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"
#include "mcph/openssl/crypto.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/sync/unix_time.h"
#include "mcph/text/choice.h"
#include "mcph/text/line_end.h"
#include "mcph/tls/test_ca.h"
#include "oauth_checks.h"
#include "token_forge.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

std::string read_file(const std::string& path, const std::string& what) {
  const auto text = fixtures::read_text_file(path);
  if (!text) throw std::runtime_error("cannot read " + what + " " + path);
  return *text;
}

// One agent's entry of a JSON file of agent → value (the API keys, the OAuth clients).
Json agent_entry(const std::string& path, const std::string& what, const std::string& agent) {
  const Json all = Json::parse(read_file(path, what), nullptr, false);
  if (!all.is_object()) throw std::runtime_error(what + " " + path + " is not a JSON object of agent → value");
  if (!all.contains(agent)) throw std::runtime_error(what + " " + path + " has nothing for agent \"" + agent + "\"");
  return all[agent];
}

// How an agent's static JWT is signed: as its profile says, or bent by the step's credential —
// the signings a `sign:` names first, then hmac_secret (a key of its own, with the secret).
enum class JwtSigning { none, attacker, wrong_secret, public_key_as_secret, profile, hmac_secret };
constexpr std::array<std::string_view, 4> kWrittenJwtSignings = {"none", "attacker", "wrong_secret", "public_key_as_secret"};

JwtSigning jwt_signing(const Json& shape) {
  if (shape.contains("hmac_secret")) return JwtSigning::hmac_secret;
  if (!shape.contains("sign")) return JwtSigning::profile;
  return *text::choice_of<JwtSigning>(shape["sign"].get<std::string>(), kWrittenJwtSignings);  // checked when loaded
}


// The agent's scopes where the server reads them: under the profile's claim, as a string or as
// an array of its words. A scope the step bent to another type, or removed, stays as the step left it.
void place_scope(Json& claims, const stack::StaticJwtAuth& jwt) {
  const auto scope = claims.find("scope");
  if (scope == claims.end()) return;
  Json value = *scope;
  claims.erase(scope);
  if (value.is_string() && jwt.scope_form == "array") {
    Json words = Json::array();
    for (const auto& word : scope_words(value.get<std::string>())) words.push_back(word);
    value = std::move(words);
  }
  claims[jwt.scope_claim.empty() ? "scope" : jwt.scope_claim] = std::move(value);
}

// A JWT signed as the profile says, or bent: claims and header changed, `sign` none (alg none,
// no signature), attacker (ES256 with a key of the harness's own), wrong_secret (HS256 with
// another secret) or public_key_as_secret (HS256 keyed with the PEM public key of an RS256 or
// ES256 profile's key: key confusion); `hmac_secret` HS256 with the secret given (a published
// default).
std::string static_jwt(const stack::AuthProfile& auth, const std::string& agent, const Json& shape) {
  const stack::StaticJwtAuth& jwt = *auth.static_jwt;
  Json claims = {{"iss", jwt.iss}, {"aud", jwt.aud}, {"sub", auth.name_of(agent)}, {"scope", agent_scopes(agent)},
                 {"iat", sync::unix_seconds()}, {"exp", sync::unix_seconds() + 300}};
  if (const auto changes = shape.find("claims"); changes != shape.end()) {
    Json given = *changes;
    if (given.contains("exp_in")) {
      given["exp"] = sync::unix_seconds() + given["exp_in"].get<long long>();
      given.erase("exp_in");
    }
    set_fields(claims, given);
  }
  place_scope(claims, jwt);
  const JwtSigning sign = jwt_signing(shape);
  const bool hmac = sign == JwtSigning::wrong_secret || sign == JwtSigning::public_key_as_secret || sign == JwtSigning::hmac_secret;
  std::string alg = sign == JwtSigning::none ? "none" : sign == JwtSigning::attacker ? "ES256" : hmac ? "HS256" : jwt.alg;
  Json header = {{"alg", alg}, {"typ", "JWT"}};
  if (!jwt.kid.empty()) header["kid"] = jwt.kid;
  if (const auto changes = shape.find("header"); changes != shape.end()) set_fields(header, *changes);
  const std::string input = codec::base64url_encode(header.dump()) + "." + codec::base64url_encode(claims.dump());
  if (sign == JwtSigning::none) return input + ".";
  std::string signature;
  if (sign == JwtSigning::attacker) {
    signature = jose::sign_bytes(jose::Key::generate_ec_p256(), jose::Alg::ES256, input);
  } else if (sign == JwtSigning::wrong_secret) {
    signature = jose::sign_bytes(jose::Key::hmac("not-the-shared-secret-but-as-long-as-one!"), jose::Alg::HS256, input);
  } else if (sign == JwtSigning::hmac_secret) {
    // Published secrets are short: signed as a careless server would check, below jose's minimum.
    signature = openssl::hmac_sha256(shape["hmac_secret"].get<std::string>(), input);
  } else if (sign == JwtSigning::profile && jwt.alg == "HS256") {
    // The target's own secret, however short: the server under test decides whether it is enough,
    // and one that takes a secret below RFC 7518's 32 bytes must still be testable.
    const std::string secret = text::without_line_end(read_file(jwt.key_file, "the JWT key file"));
    if (secret.empty()) throw std::runtime_error("static_jwt: the JWT key file " + jwt.key_file + " holds no secret");
    signature = openssl::hmac_sha256(secret, input);
  } else if (sign == JwtSigning::public_key_as_secret) {
    if (jwt.alg == "HS256") throw std::runtime_error("sign: public_key_as_secret needs an RS256 or ES256 static_jwt, not HS256");
    const std::string public_pem = jose::Key::from_pem(read_file(jwt.key_file, "the JWT key file")).public_pem();
    signature = jose::sign_bytes(jose::Key::hmac(public_pem), jose::Alg::HS256, input);
  } else {
    const std::string key_text = read_file(jwt.key_file, "the JWT key file");
    const auto parsed_alg = jose::alg_from_string(jwt.alg);
    if (!parsed_alg) throw std::runtime_error("static_jwt.alg " + jwt.alg + " is not one the harness signs with");
    signature = jose::sign_bytes(jose::Key::from_pem(key_text), *parsed_alg, input);
  }
  return input + "." + codec::base64url_encode(signature);
}

// A client certificate for the step: the agent's CN, or the subject the step writes (the agents in
// it by the server's names), from the profile's client CA or a foreign one, valid now or expired.
void mint_certificate(const stack::AuthProfile& auth, const std::string& agent, const Json& shape, AgentCredential& out) {
  const stack::MtlsAuth& mtls = *auth.mtls;
  out.files = std::make_shared<proc::TempDir>("mcph-agent-cert");
  const bool foreign = shape.value("ca", "") == "foreign";
  const tls::TestCa ca = foreign ? tls::TestCa(out.files->path(), "a CA nobody trusts")
                                 : tls::TestCa::load(out.files->path(), {mtls.client_ca_cert, mtls.client_ca_key});
  tls::CertificateSpec spec;
  spec.subject = {{"CN", auth.name_of(agent)}};
  if (const auto subject = shape.find("subject"); subject != shape.end()) {
    spec.subject.clear();
    for (const auto& entry : *subject) {
      for (const auto& [field, value] : entry.items()) {
        // "+CN": another attribute of the previous entry's RDN (a multi-valued RDN).
        const bool joins = field.starts_with("+");
        spec.subject.push_back({joins ? field.substr(1) : field, auth.with_server_names(value.get<std::string>()), joins});
      }
    }
  }
  for (const auto& uri : shape.value("uris", Json::array())) spec.uris.push_back(auth.with_server_names(uri.get<std::string>()));
  if (shape.value("expired", false)) {
    spec.not_before = -std::chrono::hours(48);
    spec.not_after = -std::chrono::hours(24);
  }
  const tls::CertificateFiles files = ca.issue("agent", spec);
  out.certificate_file = files.certificate.string();
  out.key_file = files.private_key.string();
  std::string subject;
  for (const auto& entry : spec.subject) {
    subject += (subject.empty() ? "" : entry.joins_previous ? "+" : ",") + entry.field + "=" + entry.value;
  }
  out.described = "a certificate " + (subject.empty() ? std::string("with an empty subject") : subject) +
                  (foreign ? " from a foreign CA" : " from the agents' CA") + (shape.value("expired", false) ? ", expired" : "");
}

void present(const stack::AuthProfile& auth, const std::string& target_url, const std::string& agent, const std::string& mode,
             const Json& shape, AgentCredential& out) {
  if (!auth.accepts(mode)) {
    throw std::runtime_error("via: the target does not take " + mode + " (it takes " + [&] {
      std::string modes;
      for (const auto& m : auth.modes()) modes += (modes.empty() ? "" : ", ") + m;
      return modes;
    }() + ")");
  }
  const bool direct = shape.value("to", "") == "direct";
  const std::string name = auth.name_of(agent);  // as the server and its files know the agent
  if (mode == "api_key") {
    const std::string key = shape.contains("key") ? shape["key"].get<std::string>()
                                                  : agent_entry(auth.api_key->keys_file, "the API keys file", name).get<std::string>();
    out.headers.emplace_back(auth.api_key->header, key);
    out.secret = key;
    out.described = shape.contains("key") ? "an API key of the step's" : name + "'s API key";
  } else if (mode == "static_jwt") {
    out.secret = static_jwt(auth, agent, shape);
    out.headers.emplace_back("Authorization", "Bearer " + out.secret);
    out.described = "a " + auth.static_jwt->alg + " JWT for " + name + (shape.empty() ? "" : ", bent: " + shape.dump());
  } else if (mode == "client_credentials") {
    out.secret = stack::agent_access_token(*auth.client_credentials, name);
    out.headers.emplace_back("Authorization", "Bearer " + out.secret);
    out.described = name + "'s client credentials token";
  } else if (mode == "mtls") {
    const stack::MtlsAuth& mtls = *auth.mtls;
    if (direct && mtls.direct_url.empty()) throw std::runtime_error("to: direct, but the target's mtls has no direct_url");
    out.url = direct ? mtls.direct_url : mtls.proxy_url;
    if (!direct) out.ca_file = mtls.server_ca_file;
    if (shape.value("certificate", "") == "none" || direct) {
      out.described = direct ? "the server behind the proxy, no TLS" : "no client certificate";
    } else {
      mint_certificate(auth, agent, shape, out);
    }
  } else if (mode == "proxy_headers") {
    const stack::ProxyHeadersAuth& names = *auth.proxy_headers;
    const bool through_proxy = shape.value("to", "") == "proxy";
    if (through_proxy && !auth.mtls) throw std::runtime_error("to: proxy, but the target's auth has no mtls proxy_url");
    if (through_proxy) {
      out.url = auth.mtls->proxy_url;
      out.ca_file = auth.mtls->server_ca_file;
    } else if (auth.mtls && !auth.mtls->direct_url.empty()) {
      out.url = auth.mtls->direct_url;  // straight to the server, as the proxy would
    }
    const std::string dn = auth.with_server_names(shape.value("dn", "CN=" + agent));
    out.headers.emplace_back(names.dn_header, dn);
    // verify: "" sends the DN without the verify header.
    if (const std::string verify = shape.value("verify", "SUCCESS"); !verify.empty()) out.headers.emplace_back(names.verify_header, verify);
    out.described = "identity headers " + dn + (through_proxy ? " through the proxy" : " straight to the server");
  } else {
    throw std::runtime_error("via: " + mode + " is a user's, not an agent's");
  }
  if (out.url.empty()) out.url = target_url;
}

const std::set<std::string>& shape_keys() {
  static const std::set<std::string> keys = {"also", "key", "claims", "header", "sign", "hmac_secret", "subject", "uris",
                                             "ca", "expired", "certificate", "to", "dn", "verify"};
  return keys;
}

}  // namespace

std::optional<std::string> credential_shape_problem(const Json& shape) {
  if (!shape.is_object()) return "expected a mapping";
  for (const auto& [key, value] : shape.items()) {
    if (!shape_keys().contains(key)) {
      std::string keys;
      for (const auto& known : shape_keys()) keys += (keys.empty() ? "" : ", ") + known;
      return key + ": no such key (" + keys + ")";
    }
    const bool text = value.is_string();
    if ((key == "key" || key == "dn" || key == "verify") && !text) return key + ": expected text";
    if (key == "hmac_secret" && (!text || value.get<std::string>().empty())) return "hmac_secret: expected the secret's text";
    if (key == "hmac_secret" && shape.contains("sign")) return "hmac_secret: it is the signing, give no sign";
    if ((key == "claims" || key == "header") && !value.is_object()) return key + ": expected a mapping";
    if (key == "claims" && value.contains("exp_in") && !value["exp_in"].is_number_integer()) return "claims.exp_in: expected whole seconds";
    if (key == "sign" && (!text || !text::choice_of<JwtSigning>(value.get<std::string>(), kWrittenJwtSignings))) {
      return "sign: " + text::choices(kWrittenJwtSignings);
    }
    if (key == "ca" && value != "foreign") return "ca: the only other CA is foreign";
    if (key == "certificate" && value != "none") return "certificate: the only choice is none";
    if (key == "to" && value != "proxy" && value != "direct") return "to: proxy or direct";
    if (key == "expired" && !value.is_boolean()) return "expired: true or false";
    if (key == "uris" && (!value.is_array() || std::any_of(value.begin(), value.end(), [](const Json& u) { return !u.is_string(); }))) {
      return "uris: a list of URIs";
    }
    if (key == "subject") {
      const std::string form = "subject: a list of {FIELD: value}, e.g. [{CN: agent-a}, {OU: agents}], "
                               "{+FIELD: value} joining the previous RDN";
      if (!value.is_array()) return form;
      for (std::size_t i = 0; i < value.size(); ++i) {
        const Json& entry = value[i];
        if (!entry.is_object() || entry.size() != 1 || !entry.begin()->is_string()) return form;
        if (entry.begin().key().starts_with("+") && i == 0) return "subject: the first entry has no RDN to join";
      }
    }
    if (key == "also" && (!value.is_object() || !value.contains("agent") || !value["agent"].is_string() ||
                          (value.contains("via") && !value["via"].is_string()))) {
      return "also: {agent: NAME, via: MODE}: another agent's credential in the same request";
    }
  }
  return std::nullopt;
}

AgentCredential agent_credential(const stack::AuthProfile& auth, const std::string& target_url, const std::string& agent,
                                 const std::string& via, const Json& shape) {
  if (!auth.has_agent(agent)) throw std::runtime_error("as: " + agent + " is not one of the target's agents (auth.agents)");
  AgentCredential out;
  out.mode = via.empty() ? auth.default_mode : via;
  Json own = shape;
  own.erase("also");
  present(auth, target_url, agent, out.mode, own, out);
  if (const auto also = shape.find("also"); also != shape.end()) {
    // A second agent's credential in the same request: its headers beside the first's.
    AgentCredential other;
    const std::string other_agent = (*also)["agent"].get<std::string>();
    if (!auth.has_agent(other_agent)) throw std::runtime_error("credential.also: " + other_agent + " is not one of the target's agents");
    present(auth, target_url, other_agent, also->value("via", auth.default_mode), Json::object(), other);
    out.headers.insert(out.headers.end(), other.headers.begin(), other.headers.end());
    out.described += ", and " + other.described;
  }
  return out;
}

std::string agent_scopes(const std::string& agent) {
  const auto text = fixtures::read_text_file(fixtures::default_fixtures_dir() / "agents" / "agents.json");
  const Json fixture = text ? Json::parse(*text, nullptr, false) : Json();
  if (fixture.is_object() && fixture["agents"].is_array()) {
    for (const auto& entry : fixture["agents"]) {
      if (entry.value("name", "") != agent || !entry["scopes"].is_array()) continue;
      std::string scopes;
      for (const auto& scope : entry["scopes"]) scopes += (scopes.empty() ? "" : " ") + scope.get<std::string>();
      return scopes;
    }
  }
  return "read write list delete";
}

}  // namespace mcph::harness::scenario
