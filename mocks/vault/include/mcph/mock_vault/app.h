#pragma once
// mock-vault as a library: the HTTP server wired to Vault's request path, for main() and for
// in-process use. Dev-mode semantics: in-memory state, a fixed root token, KV v2 at secret/.
#include <cstddef>
#include <memory>
#include <string>

namespace mcph::mock_vault {

struct MockVaultOptions {
  int port = 0;                                      // 0 = any free loopback port
  std::string root_token = "root";                   // --dev-root-token-id
  std::string audit_log;                             // --audit-log: a file audit device at file/
  std::size_t max_request_bytes = 32 * 1024 * 1024;  // Vault's default max_request_size
  bool access_log = true;
};

class Core;

class MockVault {
 public:
  explicit MockVault(MockVaultOptions options);
  ~MockVault();
  MockVault(const MockVault&) = delete;
  MockVault& operator=(const MockVault&) = delete;

  // Binds and serves in the background; returns the port.
  int start();
  // Stops serving, then revokes every outstanding lease (database roles are dropped).
  void stop();
  std::string url() const;
  // For main(): prints the listening line, serves until SIGTERM/SIGINT, then stops as above.
  int run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::mock_vault
