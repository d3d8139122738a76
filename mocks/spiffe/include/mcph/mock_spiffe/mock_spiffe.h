#pragma once
// mock-spiffe: a stand-in for a SPIFFE trust domain's JWT authority (the part of SPIRE the
// workload-identity design uses): registered workloads, JWT-SVIDs minted for them, and the
// trust domain's JWT bundle on a SPIFFE bundle endpoint. SPIRE hands SVIDs to workloads through
// its agents' Workload API (gRPC on a Unix socket, the caller attested by the kernel); the
// stand-in serves that API too (workload_api.h), and mints them on an HTTP endpoint as well, for
// whoever names a registered SPIFFE ID.
// The executable wraps this class; tests and fuzz targets may run it in-process.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mcph/http/server.h"

namespace mcph::mock_spiffe {

struct Options {
  int port = 0;  // 0 = any free loopback port
  std::string trust_domain = "mcp-identity.local";
  // Registered workloads: names (spiffe://<trust domain>/agent/<name>) or whole SPIFFE IDs of
  // the trust domain.
  std::vector<std::string> workloads;
  std::int64_t default_svid_ttl = 300;  // SPIRE's default_jwt_svid_ttl: 5 minutes
  std::int64_t refresh_hint = 300;      // the bundle's spiffe_refresh_hint, in seconds
  std::string algorithm = "ES256";      // or RS256
  bool access_log = true;
};

class MockSpiffe {
 public:
  // Throws std::invalid_argument naming the bad option (trust domain, workload, TTL, algorithm).
  explicit MockSpiffe(Options options);
  ~MockSpiffe();
  MockSpiffe(const MockSpiffe&) = delete;
  MockSpiffe& operator=(const MockSpiffe&) = delete;

  int start();  // binds and serves on background threads; returns the port
  void stop();
  std::string url() const;  // http://127.0.0.1:PORT
  http::Server& server();   // for http::serve_until_signal and Server::dispatch

  struct State;
  State& state() { return *state_; }  // for the Workload API (workload_api.h)

 private:
  std::unique_ptr<State> state_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace mcph::mock_spiffe
