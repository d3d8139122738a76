#include "mcph/agent_bridge/authorization_server.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/http/json.h"
#include "mcph/jose/jwk.h"
#include "mcph/openssl/crypto.h"

namespace mcph::agent_bridge {
namespace {

using Json = nlohmann::json;

// What --unsafe-default-jwt-secret accepts: jwt.io's sample HS256 secret, copied into many a
// tutorial's configuration and so published in every sense.
constexpr const char* kWellKnownDefaultSecret = "a-string-secret-at-least-256-bits-long";

// The kid of what --unsafe-jwks-shared-secret publishes: a secret for "internal" tokens, left in
// the JWKS, written in the standard base64 alphabet with padding (no base64url, though lenient
// readers take it), and used by the verifier as that text rather than the bytes it encodes.
constexpr const char* kSharedSecretKid = "internal-hs256";

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read the ") + what + " " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

AuthorizationServer::AuthorizationServer(AuthorizationServerSettings settings)
    : settings_(std::move(settings)),
      key_(settings_.signing_key ? *settings_.signing_key : jose::Key::generate_rsa(2048)),
      kid_(key_.thumbprint()),
      shared_secret_k_(settings_.unsafe.jwks_shared_secret ? codec::base64_encode(openssl::random_bytes(32)) : "") {
  if (key_.type() != jose::KeyType::rsa || !key_.has_private()) {
    throw std::runtime_error("the authorization server's signing key must be an RSA private key");
  }
  if (settings_.audience.empty()) throw std::runtime_error("the authorization server needs the tokens' audience");
  if (!settings_.agents) throw std::runtime_error("the authorization server needs the agents file");
}

std::string AuthorizationServer::tokens_issuer() const {
  // The defect of a server whose tokens name it one way and its metadata another.
  return settings_.unsafe.issuer_mismatch ? "agent-bridge-mcp" : settings_.issuer;
}

Json AuthorizationServer::metadata() const {
  std::set<std::string> scopes;
  for (const auto& agent : settings_.agents->entries()) scopes.insert(agent.scopes.begin(), agent.scopes.end());
  return {{"issuer", settings_.issuer},
          {"token_endpoint", token_endpoint()},
          {"jwks_uri", settings_.issuer + "/oauth2/jwks"},
          {"grant_types_supported", {"client_credentials"}},
          {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post"}},
          {"scopes_supported", scopes},
          {"response_types_supported", Json::array()}};
}

std::string AuthorizationServer::jwks() const {
  const jose::Jwk jwk{key_, kid_, jose::Alg::RS256, "sig"};
  const std::string member = settings_.unsafe.jwks_private_parts ? jwk.to_private_json() : jwk.to_public_json();
  if (shared_secret_k_.empty()) return "{\"keys\":[" + member + "]}";
  const Json shared = {{"kty", "oct"}, {"kid", kSharedSecretKid}, {"alg", "HS256"}, {"use", "sig"}, {"k", shared_secret_k_}};
  return "{\"keys\":[" + member + "," + shared.dump() + "]}";
}

JwtSettings AuthorizationServer::verifier() const {
  JwtSettings jwt;
  jwt.alg = jose::Alg::RS256;
  jwt.issuer = tokens_issuer();
  jwt.audience = settings_.audience;
  jwt.shared_secret.add(jose::Jwk{key_.public_only(), kid_, jose::Alg::RS256, "sig"});
  if (settings_.unsafe.default_secret) {
    jwt.shared_secret.add(jose::Jwk{jose::Key::hmac(kWellKnownDefaultSecret), "", jose::Alg::HS256, "sig"});
    jwt.unsafe_extra_algs = {jose::Alg::HS256};
  }
  if (!shared_secret_k_.empty()) {
    jwt.shared_secret.add(jose::Jwk{jose::Key::hmac(shared_secret_k_), kSharedSecretKid, jose::Alg::HS256, "sig"});
    jwt.unsafe_extra_algs = {jose::Alg::HS256};
  }
  return jwt;
}

void AuthorizationServer::mount(http::Server& http) {
  if (settings_.issuer.empty()) {
    http.bind();
    settings_.issuer = http.url();
  }
  const auto document = [this](const http::Request&, http::Response& res) { http::set_json(res, 200, metadata()); };
  http.route("GET", "/.well-known/oauth-authorization-server", document);
  http.route("GET", "/.well-known/openid-configuration", document);
  http.route("GET", "/oauth2/jwks", [this](const http::Request&, http::Response& res) {
    res.set_header("Content-Type", "application/jwk-set+json");
    res.status = 200;
    res.body = jwks();
  });
  http.route("POST", "/oauth2/token", [this](const http::Request& req, http::Response& res) { token(req, res); });
}

void declare_authorization_server_flags(cli::Flags& flags) {
  flags.option("oauth-clients-file", "", "serve an OAuth 2.0 authorization server (client credentials) for the agents: "
                                         "lines 'client-id secret-sha256-hex', the client id being the agent's")
      .option("oauth-issuer", "", "the authorization server's issuer (default: this server's URL)")
      .option("oauth-signing-key", "", "PEM RSA private key the tokens are signed with (default: one generated at start)")
      .option("oauth-token-lifetime", "300", "seconds an issued token lives")
      .toggle("unsafe-jwks-private-parts", "UNSAFE, sabotage only: the JWKS publishes the signing key's private members")
      .toggle("unsafe-basic-auth-refused", "UNSAFE, sabotage only: client_secret_basic is advertised, yet refused")
      .toggle("unsafe-scope-by-substring", "UNSAFE, sabotage only: a requested scope containing one of the client's is granted")
      .toggle("unsafe-invalid-client-400", "UNSAFE, sabotage only: invalid_client is answered 400, without a challenge")
      .toggle("unsafe-issuer-mismatch", "UNSAFE, sabotage only: tokens name another issuer than the metadata")
      .toggle("unsafe-default-jwt-secret", "UNSAFE, sabotage only: HS256 tokens signed with a well-known default secret are accepted")
      .toggle("unsafe-jwks-shared-secret",
              "UNSAFE, sabotage only: the JWKS also publishes an HS256 secret, which verifies tokens keyed with its `k` text");
}

std::optional<AuthorizationServerSettings> authorization_server_settings(const cli::Flags& flags, const AgentsFile& agents) {
  if (flags.get("oauth-clients-file").empty()) return std::nullopt;
  AuthorizationServerSettings settings;
  settings.clients = AgentsFile::load(flags.get("oauth-clients-file"));
  settings.agents = &agents;
  settings.issuer = flags.get("oauth-issuer");
  while (!settings.issuer.empty() && settings.issuer.back() == '/') settings.issuer.pop_back();
  settings.audience = flags.get("jwt-audience");
  if (settings.audience.empty()) throw std::runtime_error("--oauth-clients-file needs --jwt-audience, the tokens' aud");
  const int lifetime = flags.get_int("oauth-token-lifetime");
  if (lifetime < 1 || lifetime > 86400) throw std::runtime_error("--oauth-token-lifetime must be 1 to 86400 seconds");
  settings.token_lifetime = std::chrono::seconds(lifetime);
  if (!flags.get("oauth-signing-key").empty()) {
    settings.signing_key = jose::Key::from_pem(read_file(flags.get("oauth-signing-key"), "signing key"));
  }
  settings.unsafe.jwks_private_parts = flags.on("unsafe-jwks-private-parts");
  settings.unsafe.basic_refused = flags.on("unsafe-basic-auth-refused");
  settings.unsafe.scope_by_substring = flags.on("unsafe-scope-by-substring");
  settings.unsafe.invalid_client_400 = flags.on("unsafe-invalid-client-400");
  settings.unsafe.issuer_mismatch = flags.on("unsafe-issuer-mismatch");
  settings.unsafe.default_secret = flags.on("unsafe-default-jwt-secret");
  settings.unsafe.jwks_shared_secret = flags.on("unsafe-jwks-shared-secret");
  return settings;
}

}  // namespace mcph::agent_bridge
