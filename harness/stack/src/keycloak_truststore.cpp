// The real Keycloak's truststore, of its stack's run directory alone.
//
// Keycloak turns --truststore-paths into a PKCS12 file in its distribution's data directory
// (data/keycloak-truststore.p12) and points the JVM at it, which reads it at its first HTTPS
// request. Stacks side by side share the distribution, so that file is the last-started
// Keycloak's, and an earlier one trusts another stack's SPIRE bundle endpoint instead of its own:
// every SVID it is shown is then refused (invalid_client), for as long as the stack runs. Without
// --truststore-paths Keycloak leaves the JVM's truststore alone, so the harness writes one in the
// run directory, with keytool from the JDK Keycloak runs on, and hands it to the JVM itself.
#include <cstdlib>
#include <stdexcept>

#include "mcph/proc/child_process.h"
#include "program_on_path.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

// Not a secret: the file holds certificates alone, and Java asks for a password to read it.
constexpr const char* kTruststorePassword = "mcp-harness-truststore";

// The keytool of the JDK kc.sh runs: $JAVA_HOME's, else the one beside the java on PATH.
fs::path keytool() {
  if (const char* java_home = std::getenv("JAVA_HOME"); java_home && *java_home) {
    if (const fs::path tool = fs::path(java_home) / "bin" / "keytool"; executable_file(tool)) return tool;
  }
  if (const auto java = program_on_path("java")) {
    if (const fs::path tool = fs::canonical(*java).parent_path() / "keytool"; executable_file(tool)) return tool;
  }
  if (const auto tool = program_on_path("keytool")) return *tool;
  throw std::runtime_error("keycloak: no keytool beside the java Keycloak runs on ($JAVA_HOME/bin or PATH): "
                           "scripts/bootstrap --real installs the JDK");
}

}  // namespace

std::vector<std::string> keycloak_truststore_options(const fs::path& run_dir) {
  const fs::path truststore = fs::absolute(run_dir / "keycloak-home" / "truststore.p12");
  fs::create_directories(truststore.parent_path());
  fs::remove(truststore);  // keytool adds to a file that exists; a stack starts from nothing
  proc::SpawnOptions import;
  import.name = "keytool -importcert";
  import.argv = {keytool().string(), "-importcert", "-noprompt", "-alias", "spire-bundle-endpoint-ca",
                 "-file", fs::absolute(spire_bundle_endpoint_ca(run_dir)).string(), "-keystore", truststore.string(),
                 "-storetype", "PKCS12", "-storepass", kTruststorePassword};
  const proc::CommandResult result = proc::run_command(import, std::chrono::seconds(60));
  if (result.exit_code != 0) {
    throw std::runtime_error("keycloak: keytool could not write its truststore (exit " + std::to_string(result.exit_code) +
                             "): " + result.output);
  }
  return {"-Djavax.net.ssl.trustStore=" + truststore.string(), "-Djavax.net.ssl.trustStoreType=PKCS12",
          std::string("-Djavax.net.ssl.trustStorePassword=") + kTruststorePassword};
}

}  // namespace mcph::harness::stack
