#pragma once
// Who signs in at a provider the harness does not administer, and how: each identity's name, kind
// (a user, or an agent of its own client), client and way to get a token. Read from a file of
// its owner's alone (JSON or YAML) or from the environment, never from the stack file, which
// reports and logs quote.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mcph::harness::idp {

enum class TokenGrant { password, client_credentials, refresh_token, token_command };

struct OidcIdentity {
  std::string name;               // as the scenarios call it: alice
  std::string kind = "user";      // user or agent
  std::string client_id;
  std::string client_secret;      // empty for a public client
  TokenGrant grant = TokenGrant::password;
  std::string username;           // password grant; empty: name
  std::string password;           // password grant
  std::string refresh_token;      // refresh_token grant: a long-lived one
  std::vector<std::string> command;  // token_command: argv, run without a shell
  std::string scope;              // asked with every grant; empty: what the scenario asks
  const std::string& login() const { return username.empty() ? name : username; }
};

// The environment as the identities read it: nullopt for a variable not set.
using Environment = std::function<std::optional<std::string>(const std::string&)>;
Environment process_environment();

// MCPH_IDENTITY_<NAME>_<FIELD>: the name upper-cased, what is not a letter or digit as '_'.
std::string identity_variable(const std::string& name, const std::string& field);

// The identities of `file` (empty: those the environment names in MCPH_IDENTITIES, a comma-
// separated list), each secret the environment gives (…_PASSWORD, …_CLIENT_SECRET,
// …_REFRESH_TOKEN) over the file's. Throws std::runtime_error naming the file and the identity
// and what is wrong (never a secret's value): a file others may read or another user owns, a
// field missing or unknown, a name twice.
std::vector<OidcIdentity> load_identities(const std::string& file, const Environment& environment);

// Throws std::runtime_error unless `file` is its owner's alone (mode 0600 or stricter) and owned
// by the user the harness runs as.
void require_private_file(const std::string& file);

}  // namespace mcph::harness::idp
