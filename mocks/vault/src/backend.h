#pragma once
// What every mount (secrets engine or auth method) offers the core, and a small path table in
// the spirit of Vault's sdk/framework: regex paths, one handler per operation, existence checks
// that turn a write into "create" or "update".
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "request.h"

namespace mcph::mock_vault {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual VaultResponse handle(VaultRequest& request) = 0;
  // For writes: does the target exist? nullopt = the path has no existence check (update).
  virtual std::optional<bool> exists(const VaultRequest&) { return std::nullopt; }
  // Paths reachable without a token (login).
  virtual bool unauthenticated(const VaultRequest&) const { return false; }
  // Paths that need the sudo capability on top of the operation's.
  virtual bool sudo_required(const VaultRequest&) const { return false; }
  // A token this auth mount issued is being renewed: returns the TTLs that apply now (ttl,
  // max_ttl) or throws VaultError (e.g. the role is gone).
  virtual std::pair<std::int64_t, std::int64_t> renew_login(const std::string& role) {
    (void)role;
    return {0, 0};
  }
  // The mount is being disabled.
  virtual void unmount() {}
};

using Captures = std::vector<std::string>;
using PathHandler = std::function<VaultResponse(VaultRequest&, const Captures&)>;
using ExistenceCheck = std::function<bool(const VaultRequest&, const Captures&)>;

// Built fluently, e.g. PathOperations().read(h1).update(h2), so no field is left unset by
// a designated initializer.
struct PathOperations {
  PathHandler read_handler;
  PathHandler list_handler;
  PathHandler create_handler;  // falls back to update when unset
  PathHandler update_handler;
  PathHandler remove_handler;
  ExistenceCheck exists_check;

  PathOperations& read(PathHandler h) { read_handler = std::move(h); return *this; }
  PathOperations& list(PathHandler h) { list_handler = std::move(h); return *this; }
  PathOperations& create(PathHandler h) { create_handler = std::move(h); return *this; }
  PathOperations& update(PathHandler h) { update_handler = std::move(h); return *this; }
  PathOperations& remove(PathHandler h) { remove_handler = std::move(h); return *this; }
  PathOperations& exists(ExistenceCheck c) { exists_check = std::move(c); return *this; }
};

class PathTable {
 public:
  void add(const std::string& pattern, PathOperations operations);
  // Runs the handler for the request's relative path and operation; 404 "unsupported path" or
  // 405 "unsupported operation" otherwise.
  VaultResponse dispatch(VaultRequest& request) const;
  std::optional<bool> exists(const VaultRequest& request) const;

 private:
  struct Entry {
    std::regex pattern;
    PathOperations operations;
  };
  const Entry* match(const std::string& relative, Captures& captures) const;
  std::vector<Entry> entries_;
};

}  // namespace mcph::mock_vault
