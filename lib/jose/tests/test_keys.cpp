#include "test_keys.h"

namespace mcph::jose::testing {

const Key& rsa_key() {
  static const Key key = Key::generate_rsa();
  return key;
}

const Key& other_rsa_key() {
  static const Key key = Key::generate_rsa();
  return key;
}

const Key& ec_key() {
  static const Key key = Key::generate_ec_p256();
  return key;
}

const Key& hmac_key() {
  static const Key key = Key::hmac("0123456789abcdef0123456789abcdef");
  return key;
}

nlohmann::json keycloak_claims() {
  return {
      {"exp", kNow + 290},
      {"iat", kNow - 10},
      {"auth_time", kNow - 10},
      {"jti", "onrtro:3f6c2a4e-8b1d-4c55-9e7a-1a2b3c4d5e6f"},
      {"iss", kIssuer},
      {"aud", {kAudience, "account"}},
      {"sub", "8c1e6c2a-4c77-4f43-9d2e-2d5f8a0b7e11"},
      {"typ", "Bearer"},
      {"azp", "mcp-client"},
      {"sid", "5f0d8b8e-2f6a-4d3c-8a51-0c9e3b7a6d21"},
      {"acr", "1"},
      {"allowed-origins", {"http://localhost:3000"}},
      {"realm_access",
       {{"roles", {"offline_access", "uma_authorization", "default-roles-mcp-demo"}}}},
      {"resource_access",
       {{"account", {{"roles", {"manage-account", "manage-account-links", "view-profile"}}}}}},
      {"scope", "openid email profile"},
      {"email_verified", true},
      {"name", "Alice Example"},
      {"preferred_username", "alice"},
      {"given_name", "Alice"},
      {"family_name", "Example"},
      {"email", "alice@example.com"},
  };
}

VerifyOptions keycloak_options() {
  VerifyOptions options;
  options.allowed_algs = {Alg::RS256};
  options.issuer = std::string(kIssuer);
  options.audience = std::string(kAudience);
  options.now = kNow;
  return options;
}

JwkSet rsa_key_set() {
  JwkSet keys;
  keys.add(Jwk{rsa_key().public_only(), "rsa-1", Alg::RS256, "sig"});
  return keys;
}

std::string rsa_token(const nlohmann::json& claims, std::string_view kid) {
  return sign_jwt(rsa_key(), Alg::RS256, claims.dump(), kid);
}

void expect_rejected(std::string_view token, const JwkSet& keys, const VerifyOptions& options,
                     ErrorKind kind, std::string_view message_part) {
  try {
    verify_jwt(token, keys, options);
    ADD_FAILURE() << "token was accepted; expected " << to_string(kind);
  } catch (const JoseError& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.kind(), kind) << "message: " << message;
    if (!message_part.empty()) {
      EXPECT_NE(message.find(message_part), std::string::npos)
          << "message '" << message << "' lacks '" << message_part << "'";
    }
    // Never echo the token: not whole, and not any of its parts (long enough to be unique).
    std::size_t start = 0;
    while (start <= token.size()) {
      std::size_t end = token.find('.', start);
      if (end == std::string_view::npos) {
        end = token.size();
      }
      const std::string_view part = token.substr(start, end - start);
      if (part.size() >= 8) {
        EXPECT_EQ(message.find(part), std::string::npos) << "message leaks a token part";
      }
      start = end + 1;
    }
  }
}

}  // namespace mcph::jose::testing
