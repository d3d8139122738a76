#pragma once
// mock-keycloak: an in-memory stand-in for Keycloak 26.5's OIDC endpoints and the part of its
// admin REST API the stack uses (realms, users, clients, protocol mappers, realm keys). The
// executable wraps this class; tests and benchmarks may also run it in-process.
#include <memory>
#include <string>
#include <vector>

#include "mcph/http/server.h"

namespace mcph::mock_keycloak {

// Checks of federated client authentication with JWT-SVIDs that the --unsafe-* switches remove,
// each a defect the workload-identity family must find. All false: Keycloak 26.5.6's behaviour.
struct UnsafeFederatedAuth {
  bool client_from_client_id = false;  // the client_id parameter names the client, whatever SPIFFE ID the SVID has
  bool kid_only = false;               // a kid of the bundle suffices: the signature is not verified
  bool any_trust_domain = false;       // the SVID's SPIFFE ID is not compared with the provider's trust domain
  bool no_expiry_check = false;        // an SVID past its exp is taken
  bool no_audience_check = false;      // an SVID for another audience is taken
  bool keep_removed_bundle_keys = false;  // a key the trust domain's bundle dropped keeps verifying
};

struct Options {
  int port = 0;                      // 0 = any free loopback port
  std::string admin_user = "admin";  // the master realm's administrator
  std::string admin_password = "admin";
  // Base of every issuer (<hostname_url>/realms/<realm>) and Location header; empty = the
  // server's own URL (http://127.0.0.1:PORT).
  std::string hostname_url;
  // Keycloak realm export files (as `kc.sh import` / `--import-realm` read them).
  std::vector<std::string> import_realm_files;
  bool access_log = true;
  UnsafeFederatedAuth unsafe_federated;  // sabotage only
};

class MockKeycloak {
 public:
  // Creates the master realm and imports the realm files; throws std::runtime_error naming the
  // file and the reason when one cannot be read or imported.
  explicit MockKeycloak(Options options);
  ~MockKeycloak();
  MockKeycloak(const MockKeycloak&) = delete;
  MockKeycloak& operator=(const MockKeycloak&) = delete;

  int start();  // binds and serves on background threads; returns the port
  void stop();
  std::string url() const;  // http://127.0.0.1:PORT
  http::Server& server();   // for http::serve_until_signal

  struct State;

 private:
  std::unique_ptr<State> state_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace mcph::mock_keycloak
