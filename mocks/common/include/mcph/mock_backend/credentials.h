#pragma once
// The credentials a mock backend (Jira, GitHub) accepts, loaded from fixtures/secrets.json,
// and the identification of whatever credential a request presents. A credential is never
// kept anywhere else and never shown: callers get whose it is and a masked hint.
//
// fixtures/secrets.json: user → service → fields, e.g.
//   {"alice": {"jira":   {"username": "alice-jira", "email": "alice@example.com",
//                         "password": "…", "api_token": "…", "personal_access_token": "…"},
//              "github": {"username": "alice-github", "token": "…"}},
//    "carol": {}}
// A missing "username" defaults to "<user>-jira" / "<user>-github".
// Each service accepts exactly what the real one does, and nothing looser:
//   Jira Data Center: Basic username:password, and `Bearer <personal_access_token>`;
//   Jira Cloud:       Basic email:api_token;
//   GitHub:           `Bearer <token>` or `token <token>`.
// So an api_token sent with the username, a password sent with the email, or a token sent as
// Basic are refused, as the real services refuse them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mock_backend {

enum class Service { jira, github };

struct PresentedCredential {
  std::string scheme;    // "basic", "bearer", "token", "none", or the unsupported scheme's name
  std::string identity;  // the Basic user name
  std::string secret;    // password or token; empty when none
};

// Parses an Authorization header value (empty = none). A malformed Basic value is kept as
// scheme "basic" with an empty identity, so that it is refused as unknown.
PresentedCredential parse_authorization(std::string_view header);

// "****abcd": the last four characters of a secret of at least 12; "****" for shorter ones.
std::string mask_secret(std::string_view secret);

struct Identification {
  std::string user;    // whose credential: "alice", or "none" (no credential), "unknown"
  std::string login;   // the backend user name of that credential ("alice-jira")
  std::string scheme;  // as presented
  std::string hint;    // mask_secret of the presented secret; "" when none
  std::string kind;    // which secret field matched: "password", "api_token", "personal_access_token",
                       // "token"; "" when none did
  bool known() const { return user != "none" && user != "unknown"; }
};

class CredentialSet {
 public:
  // Throws std::runtime_error naming the file and the problem (never a value).
  static CredentialSet load(const std::string& secrets_path, Service service);
  // The same, from the file's text.
  static CredentialSet parse(std::string_view secrets_json, Service service);

  Identification identify(const PresentedCredential& presented) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string user;
    std::string login;
    std::string scheme;    // the one scheme that carries this secret: "basic" or "bearer"
    std::string identity;  // the Basic user name it goes with ("" for bearer)
    std::string secret;
    std::string kind;
  };
  Service service_ = Service::jira;
  std::vector<Entry> entries_;
};

}  // namespace mcph::mock_backend
