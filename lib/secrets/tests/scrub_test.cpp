#include "mcph/secrets/scrub.h"

#include <gtest/gtest.h>

#include <string>

namespace mcph::secrets {
namespace {

// A real RS256 token's shape (header.payload.signature), not a real token.
const std::string kJwt =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0"
    ".eyJzdWIiOiI1ZjBjMmE2NCIsInByZWZlcnJlZF91c2VybmFtZSI6ImFsaWNlIn0"
    ".MEUCIQDx3k9v_Wq-2sT7y8zZpLmNoPqRsTuVwXyZ1234abcd";
const std::string kVaultToken = "hvs.CAESIJ3k9vWq2sT7y8zZpLmNoPqRsTuVwXyZGh4KHGh2cy5vd1Q";

TEST(Scrub, LeavesOrdinaryTextAlone) {
  for (const std::string text :
       {"", "alice calls jira.get_issue DEMO-1", "expected status 401; got 200",
        "WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\"",
        "Bearer realm=\"mcp\", resource_metadata=\"http://127.0.0.1:41006/.well-known/oauth-protected-resource\"",
        "grant_type=password&username=alice", "read secret/data/users/alice/jira", "expired token: the next call fails",
        "token_type=Bearer", "the password grant of client mcp-client", "Bearer authentication is required",
        "https://127.0.0.1:41001/realms/mcp-demo/protocol/openid-connect/token", "sub 5f0c2a64-3b7e-4d8a-9a51",
        "policies default, user-secrets", "s.short", "ghp_short", "hmac-sha256:0a1b2c", "users.abcdefghijklmnopqrstuvwxyz"}) {
    EXPECT_EQ(scrub(text), text);
  }
}

TEST(Scrub, MasksJwtsKeepingAtMostTheLastFourCharacters) {
  EXPECT_EQ(scrub(kJwt), "****abcd");
  EXPECT_EQ(scrub("token " + kJwt + " was rejected"), "token ****abcd was rejected");
  EXPECT_EQ(scrub("\"" + kJwt + "\""), "\"****abcd\"");
}

TEST(Scrub, MasksUnsignedAndEncryptedTokens) {
  // alg: none has an empty signature.
  EXPECT_EQ(scrub("jwt eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ. end"), "jwt ****ifQ. end");
  // A JWE has five segments; the encrypted key is empty with direct encryption.
  EXPECT_EQ(scrub("eyJhbGciOiJkaXIifQ..aXZpdg.Y2lwaGVydGV4dA.dGFnMTIz"), "****MTIz");
}

TEST(Scrub, DoesNotTakeOtherDottedWordsForJwts) {
  EXPECT_EQ(scrub("eyJhbGciOiJSUzI1NiJ9 alone"), "eyJhbGciOiJSUzI1NiJ9 alone");
  EXPECT_EQ(scrub("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ");
  EXPECT_EQ(scrub("key.eyJa.b.c"), "key.eyJa.b.c");
}

TEST(Scrub, MasksVaultTokens) {
  EXPECT_EQ(scrub(kVaultToken), "****vd1Q");
  EXPECT_EQ(scrub("X-Vault-Token: " + kVaultToken), "X-Vault-Token: ****vd1Q");
  EXPECT_EQ(scrub("legacy s.Ab3dEf6hIj9kLm2nOp5qRs8t"), "legacy ****Rs8t");
  EXPECT_EQ(scrub("batch hvb.AAAAAQKx9vWq2sT7y8zZpLmNoPqRsTu"), "batch ****RsTu");
  // A namespace's suffix belongs to the token.
  EXPECT_EQ(scrub("s.Ab3dEf6hIj9kLm2nOp5qRs8t.Xy7Zq done"), "****y7Zq done");
}

TEST(Scrub, MasksGithubAndAtlassianTokens) {
  EXPECT_EQ(scrub("token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 used"), "token ****Q7r8 used");
  EXPECT_EQ(scrub("github_pat_11ABCDEFG0abcdefghij_klmnopqrstuvwxyz0123"), "****0123");
  EXPECT_EQ(scrub("ATATT3xFfGF0T4jZl8nTbW2mLq9rZx1c=AB12CD34"), "****CD34");
}

TEST(Scrub, MasksAuthorizationCredentials) {
  EXPECT_EQ(scrub("Authorization: Bearer " + kJwt), "Authorization: Bearer ****abcd");
  EXPECT_EQ(scrub("authorization: bearer opaque-Token-1234567890wxyz"), "authorization: bearer ****wxyz");
  EXPECT_EQ(scrub("Authorization: Basic YWxpY2U6YWxpY2UxMjM="), "Authorization: Basic ****MjM=");
  EXPECT_EQ(scrub("{\"Authorization\":\"Basic YWxpY2U6YWxpY2UxMjM=\"}"), "{\"Authorization\":\"Basic ****MjM=\"}");
}

TEST(Scrub, MasksPasswordsInUrls) {
  EXPECT_EQ(scrub("postgresql://v-jwt-alice-x1:A1a-Zx9QwErTyUiOp@127.0.0.1:41003/mcp_demo"),
            "postgresql://v-jwt-alice-x1:****UiOp@127.0.0.1:41003/mcp_demo");
  EXPECT_EQ(scrub("postgresql://postgres:postgres@127.0.0.1:5432/db"), "postgresql://postgres:****@127.0.0.1:5432/db");
  EXPECT_EQ(scrub("http://127.0.0.1:8200/v1/sys/health"), "http://127.0.0.1:8200/v1/sys/health");
  EXPECT_EQ(scrub("http://user@host/"), "http://user@host/");
}

TEST(Scrub, MasksPasswordValuesInEveryCommonForm) {
  EXPECT_EQ(scrub("password=alice123"), "password=****");
  EXPECT_EQ(scrub("username=alice&password=correct-horse-battery&grant_type=password"),
            "username=alice&password=****tery&grant_type=password");
  EXPECT_EQ(scrub("{\"password\":\"correct-horse-battery\",\"user\":\"alice\"}"),
            "{\"password\":\"****tery\",\"user\":\"alice\"}");
  EXPECT_EQ(scrub("{\"password\" : \"with \\\"quote\\\" inside!\"}"), "{\"password\" : \"****ide!\"}");
  EXPECT_EQ(scrub("{\\\"password\\\":\\\"correct-horse-battery\\\"}"), "{\\\"password\\\":\\\"****tery\\\"}");
  EXPECT_EQ(scrub("password: hunter2hunter2"), "password: ****ter2");
  EXPECT_EQ(scrub("host=127.0.0.1 user=bob PASSWORD=Xy9-abcdefgh dbname=mcp_demo"),
            "host=127.0.0.1 user=bob PASSWORD=****efgh dbname=mcp_demo");
  EXPECT_EQ(scrub("CREATE ROLE \"v-bob\" WITH LOGIN PASSWORD 'A1a-sEcReTvAlUe' VALID UNTIL"),
            "CREATE ROLE \"v-bob\" WITH LOGIN PASSWORD '****AlUe' VALID UNTIL");
  EXPECT_EQ(scrub("admin_password='s3cret-admin-pw'"), "admin_password='****n-pw'");
  EXPECT_EQ(scrub("PGPASSWORD=postgres"), "PGPASSWORD=****");
}

TEST(Scrub, MasksSecretAndTokenKeysOnlyInKeyValueForms) {
  EXPECT_EQ(scrub("client_secret=mcp-client-secret"), "client_secret=****cret");
  EXPECT_EQ(scrub("client_secret: mcp-client-secret"), "client_secret: ****cret");
  EXPECT_EQ(scrub("{\"token\": \"root-token-value\"}"), "{\"token\": \"****alue\"}");
  EXPECT_EQ(scrub("{\"api_token\":\"jira-0123456789abcdefghijklmn\"}"), "{\"api_token\":\"****klmn\"}");
  EXPECT_EQ(scrub("vault_token=root-token-value"), "vault_token=****alue");
  EXPECT_EQ(scrub("api_key: sk-live-0123456789"), "api_key: ****6789");
  // Prose with a colon stays readable.
  EXPECT_EQ(scrub("bad token: signature flipped"), "bad token: signature flipped");
  // A quoted path that ends in a secret-named segment is evidence, not a key: what follows it stays.
  EXPECT_EQ(scrub("GET \"secret/data/mcp/agent-a/secret\": HTTP 405"), "GET \"secret/data/mcp/agent-a/secret\": HTTP 405");
  EXPECT_EQ(scrub("vault: \"kv/app/password\": HTTP 403, \"kv/app/api_token\"= 1"),
            "vault: \"kv/app/password\": HTTP 403, \"kv/app/api_token\"= 1");
  // … while a quoted key keeps its value masked beside such evidence.
  EXPECT_EQ(scrub("\"kv/app/secret\": HTTP 405, {\"secret\": \"s3cr3t-value-123\"}"),
            "\"kv/app/secret\": HTTP 405, {\"secret\": \"****-123\"}");
  EXPECT_EQ(scrub("the secret: it is per user"), "the secret: it is per user");
}

TEST(Scrub, LeavesAlreadyMaskedValuesAsTheyAre) {
  for (const std::string text : {"password=****", "password=****abcd", "\"password\":\"****abcd\"",
                                 "postgresql://bob:****@127.0.0.1/db", "Bearer ****abcd", "api_token ****a1b2"}) {
    EXPECT_EQ(scrub(text), text);
  }
}

TEST(Scrub, IsIdempotent) {
  const std::string text = "login " + kJwt + " then " + kVaultToken +
                           " with password=alice123 and {\"client_secret\":\"mcp-client-secret\"} at "
                           "postgresql://u:p4ssw0rd-long@h/db; Authorization: Bearer abcdefgh12345678";
  const std::string once = scrub(text);
  EXPECT_EQ(scrub(once), once);
  EXPECT_EQ(once.find("alice123"), std::string::npos);
  EXPECT_EQ(once.find("p4ssw0rd"), std::string::npos);
  EXPECT_EQ(once.find("mcp-client-secret"), std::string::npos);
}

TEST(Scrub, NeverLeavesMoreThanFourCharactersOfASecret) {
  const std::string secret = "Zq8vN3mX1pL6kR9tW2yB5";
  for (const std::string& form : {"password=" + secret, "\"password\":\"" + secret + "\"", "Bearer " + secret,
                                  "postgresql://u:" + secret + "@h/db", "PASSWORD '" + secret + "'"}) {
    const std::string out = scrub(form);
    for (std::size_t start = 0; start + 5 <= secret.size(); ++start) {
      EXPECT_EQ(out.find(secret.substr(start, 5)), std::string::npos) << form << " → " << out;
    }
  }
}

TEST(Scrub, HidesNonAsciiSecretsCompletely) {
  // Keeping the last 4 bytes could cut a character in half.
  EXPECT_EQ(scrub("password=pässwörd-für-alle"), "password=****");
}

TEST(Scrub, HandlesHugeAndBinaryInputInLinearTime) {
  // An oversized token from the JWT-attack family: one megabyte, one mask.
  const std::string huge = "eyJ" + std::string(1 << 20, 'A') + ".eyJ" + std::string(1000, 'B') + ".sigXYZW";
  EXPECT_EQ(scrub(huge), "****XYZW");
  // Thousands of already masked values: each is recognised without scanning the rest of the
  // text (a quadratic scan would take minutes here).
  std::string many;
  for (int i = 0; i < 50000; ++i) many += "\"password\":\"****\", ";
  EXPECT_EQ(scrub(many), many);
  // An unterminated quoted value is masked up to the end of its line.
  EXPECT_EQ(scrub("{\"password\":\"abcdefghijkl\nnext"), "{\"password\":\"****ijkl\nnext");
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>(i % 256);
  EXPECT_EQ(scrub(binary), binary);
}

}  // namespace
}  // namespace mcph::secrets
