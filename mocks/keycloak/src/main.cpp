// mock-keycloak: a Keycloak 26.5-compatible identity provider for the local stack.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/mock_keycloak/mock_keycloak.h"

namespace {

constexpr const char* kProgram = "mock-keycloak";
constexpr const char* kSummary = R"(
A Keycloak 26.5-compatible identity provider kept in memory: the OIDC endpoints of every realm
(discovery, JWKS, token with the password, client_credentials and refresh_token grants,
userinfo, logout, token introspection) and the admin REST API for realms, users, clients,
protocol mappers, groups, realm roles and realm keys. Prints "listening http://127.0.0.1:PORT"
once it serves, and stops cleanly on SIGTERM or SIGINT. The state lives in memory only and is
lost when the process ends.)";

[[noreturn]] void usage_error(const std::string& reason) { mcph::cli::exit_with_usage_error(kProgram, reason); }

mcph::mock_keycloak::Options parse_args(int argc, char** argv) {
  mcph::cli::Flags flags(kProgram, kSummary);
  flags.option("port", "0", "port to listen on (127.0.0.1 only); 0 = any free port")
      .option("admin-user", "admin", "the master realm's administrator", "KC_BOOTSTRAP_ADMIN_USERNAME")
      .option("admin-password", "admin", "the administrator's password", "KC_BOOTSTRAP_ADMIN_PASSWORD")
      .option("hostname-url", "",
              "base of token issuers and Location headers, e.g. http://localhost:8080 (default: the server's own URL)")
      .repeated("import-realm",
                "import a realm from a Keycloak realm export file; a realm that already exists is skipped, "
                "as Keycloak does")
      .toggle("no-access-log", "do not log one line per request on stderr")
      .toggle("unsafe-client-from-client-id",
              "UNSAFE, sabotage only: a JWT-SVID authenticates the client its client_id parameter names, whatever its sub")
      .toggle("unsafe-svid-kid-only", "UNSAFE, sabotage only: a JWT-SVID whose kid is in the bundle is taken unverified")
      .toggle("unsafe-svid-any-trust-domain",
              "UNSAFE, sabotage only: a JWT-SVID's SPIFFE ID is not compared with its provider's trust domain")
      .toggle("unsafe-no-svid-expiry", "UNSAFE, sabotage only: a JWT-SVID past its exp is taken")
      .toggle("unsafe-no-svid-audience", "UNSAFE, sabotage only: a JWT-SVID for another audience is taken")
      .toggle("unsafe-keep-removed-bundle-keys",
              "UNSAFE, sabotage only: a key a SPIFFE bundle no longer publishes keeps verifying JWT-SVIDs");
  flags.parse(argc, argv);

  mcph::mock_keycloak::Options options;
  options.port = flags.get_int("port");
  if (options.port < 0 || options.port > 65535) usage_error("--port needs a number from 0 to 65535");
  options.admin_user = flags.get("admin-user");
  if (options.admin_user.empty()) usage_error("--admin-user must not be empty");
  options.admin_password = flags.get("admin-password");
  if (options.admin_password.empty()) usage_error("--admin-password must not be empty");
  options.hostname_url = flags.get("hostname-url");
  if (!options.hostname_url.empty()) {
    try {
      mcph::http::parse_url(options.hostname_url);
    } catch (const std::invalid_argument& e) {
      usage_error("--hostname-url: " + std::string(e.what()));
    }
  }
  options.import_realm_files = flags.all("import-realm");
  options.access_log = !flags.on("no-access-log");
  options.unsafe_federated.client_from_client_id = flags.on("unsafe-client-from-client-id");
  options.unsafe_federated.kid_only = flags.on("unsafe-svid-kid-only");
  options.unsafe_federated.any_trust_domain = flags.on("unsafe-svid-any-trust-domain");
  options.unsafe_federated.no_expiry_check = flags.on("unsafe-no-svid-expiry");
  options.unsafe_federated.no_audience_check = flags.on("unsafe-no-svid-audience");
  options.unsafe_federated.keep_removed_bundle_keys = flags.on("unsafe-keep-removed-bundle-keys");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const mcph::mock_keycloak::Options options = parse_args(argc, argv);
  try {
    mcph::mock_keycloak::MockKeycloak keycloak(options);
    return mcph::http::serve_until_signal(keycloak.server());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", kProgram, error.what());
    return 1;
  }
}
