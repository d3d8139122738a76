#pragma once
// A request and a response as Vault's core sees them, between the HTTP layer and the backends.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common.h"

namespace mcph::mock_vault {

struct TokenEntry;

enum class Operation { read, list, create, update, delete_op };
std::string_view operation_name(Operation operation);

struct VaultRequest {
  std::string id;  // request_id
  Operation operation = Operation::read;
  std::string path;  // "secret/data/x": no "/v1/", no leading '/'
  Json data = Json::object();
  std::string client_token;
  std::string remote_address;
  int remote_port = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as they came, for the audit log

  // Set by the core before a backend sees the request.
  std::string mount_point;  // "secret/", "auth/jwt/"
  std::string mount_type;
  std::string mount_accessor;
  std::string relative;  // the path inside the mount
  std::shared_ptr<const TokenEntry> token;  // null on unauthenticated paths
};

// What an auth backend's login hands to the core, which finds the entity and issues the token.
struct LoginResult {
  std::string alias_name;
  std::vector<std::pair<std::string, std::string>> alias_metadata;
  std::vector<std::string> group_alias_names;
  std::vector<std::string> policies;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string role;
  std::int64_t ttl = 0;       // 0: the mount's default
  std::int64_t max_ttl = 0;   // 0: the mount's maximum
  std::int64_t explicit_max_ttl = 0;
  std::int64_t period = 0;
  int num_uses = 0;
  bool no_default_policy = false;
};

struct VaultResponse {
  int status = 200;
  Json data = nullptr;
  Json auth = nullptr;
  std::vector<std::string> warnings;
  std::string lease_id;
  bool renewable = false;
  std::int64_t lease_duration = 0;
  bool empty = false;  // 204 No Content
  bool raw = false;    // `data` is the whole body (sys/health)
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<LoginResult> login;
  // Set for failures: rendered as {"errors":[...]} with `status`.
  bool is_error = false;
  std::vector<std::string> errors;

  static VaultResponse error(int status, std::vector<std::string> errors) {
    VaultResponse response;
    response.status = status;
    response.is_error = true;
    response.errors = std::move(errors);
    return response;
  }

  static VaultResponse no_content() {
    VaultResponse response;
    response.status = 204;
    response.empty = true;
    return response;
  }
  static VaultResponse with_data(Json data) {
    VaultResponse response;
    response.data = std::move(data);
    return response;
  }
  // logical.ListResponse: {"keys":[...]} or 404 when there are none.
  static VaultResponse list(const std::vector<std::string>& keys);
  static VaultResponse list_with_info(const std::vector<std::string>& keys, Json key_info);
};

}  // namespace mcph::mock_vault
