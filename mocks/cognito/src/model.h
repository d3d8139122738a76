#pragma once
// The user pools in memory: clients, users, and the sign-in sessions their tokens belong to.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mcph/jose/key.h"
#include "mcph/mock_cognito/mock_cognito.h"
#include "password_policy.h"
#include "random_ids.h"

namespace mcph::mock_cognito {

struct AppClient {
  std::string id;
  std::string name;
  std::string secret;  // empty: no secret
  std::vector<std::string> explicit_auth_flows;
  double created = 0;

  bool allows(const std::string& flow) const;
};

enum class UserStatus { force_change_password, confirmed };
std::string to_string(UserStatus status);

struct User {
  std::string username;
  std::string sub;
  std::vector<std::pair<std::string, std::string>> attributes;  // without sub
  PasswordHash password;
  UserStatus status = UserStatus::force_change_password;
  bool enabled = true;
  double created = 0;
  double modified = 0;

  const std::string* attribute(const std::string& name) const;
};

// One sign-in: the origin_jti its tokens share, so that signing out or revoking its refresh
// token refuses all of them at once.
struct Session {
  std::string origin_jti;
  std::string username;
  std::string client_id;
  std::int64_t auth_time = 0;
  bool revoked = false;
};

struct Pool {
  std::string id;
  std::string name;
  std::string arn;
  double created = 0;
  jose::Key key;
  std::string kid;
  PasswordPolicy password_policy;
  std::map<std::string, AppClient> clients;
  std::map<std::string, User> users;                    // by username
  std::map<std::string, Session> sessions;              // by origin_jti
  std::map<std::string, std::string> refresh_sessions;  // refresh token → origin_jti

  Pool(std::string id_, jose::Key key_) : id(std::move(id_)), key(std::move(key_)), kid(key.thumbprint()) {}
};

struct MockCognito::State {
  Options options;
  std::mutex mutex;  // guards pools and everything in them
  std::map<std::string, std::unique_ptr<Pool>> pools;
  http::Server* server = nullptr;

  std::string issuer(const std::string& pool_id) const;
  std::string local_url() const;
  // Throws ResourceNotFoundException "User pool <id> does not exist."
  Pool& pool(const std::string& pool_id);
  // The pool whose client this is; throws ResourceNotFoundException when none is.
  std::pair<Pool*, AppClient*> client(const std::string& client_id);
};

double now_seconds();          // with milliseconds, as Cognito's dates are
std::int64_t now_epoch();      // whole seconds

}  // namespace mcph::mock_cognito
