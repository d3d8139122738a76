// mock-vault: a Vault-compatible secrets server for local test stacks.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/mock_vault/app.h"

namespace {

constexpr const char* kProgram = "mock-vault";
constexpr const char* kSummary = R"(
A stand-in for HashiCorp Vault 1.21 in dev mode, for local test stacks. State lives in memory and
is lost on exit. Serves the Vault HTTP API (/v1/...) on 127.0.0.1: sys (health, mounts, auth,
policies, capabilities, leases, audit, rate-limit quotas), auth/token, auth/jwt (JWT login against
a JWKS URL or PEM keys), identity (entities, aliases, groups), KV version 2 (pre-mounted at
secret/, as `vault server -dev` does) and the database engine for PostgreSQL (real roles created
with libpq, revoked at lease expiry or revocation).

Once listening it prints one line on stdout:  listening http://127.0.0.1:PORT
SIGTERM or SIGINT stops it; every outstanding lease is revoked first, so no database role
it created outlives it.)";

[[noreturn]] void usage_error(const std::string& reason) { mcph::cli::exit_with_usage_error(kProgram, reason); }

mcph::mock_vault::MockVaultOptions parse_args(int argc, char** argv) {
  mcph::mock_vault::MockVaultOptions options;
  mcph::cli::Flags flags(kProgram, kSummary);
  flags.option("port", "0", "TCP port on 127.0.0.1 (0 = any free port)")
      .option("dev-root-token-id", options.root_token, "the root token")
      .option("audit-log", "", "enable a file audit device at file/ writing to this file "
                               "(one JSON line per request and response, secrets HMAC'd)")
      .option("max-request-size", std::to_string(options.max_request_bytes),
              "largest request body accepted, in bytes (Vault's default)")
      .toggle("quiet", "no access log on stderr");
  flags.parse(argc, argv);

  options.port = flags.get_int("port");
  if (options.port < 0 || options.port > 65535) usage_error("--port must be 0..65535");
  options.root_token = flags.get("dev-root-token-id");
  if (options.root_token.empty()) usage_error("--dev-root-token-id must not be empty");
  options.audit_log = flags.get("audit-log");
  // Not get_int: a size may exceed an int.
  const std::string& size = flags.get("max-request-size");
  const auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), options.max_request_bytes);
  if (error != std::errc() || end != size.data() + size.size() || options.max_request_bytes == 0) {
    usage_error("--max-request-size must be a positive number of bytes");
  }
  options.access_log = !flags.on("quiet");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const mcph::mock_vault::MockVaultOptions options = parse_args(argc, argv);
  try {
    mcph::mock_vault::MockVault vault(options);
    return vault.run_until_signal();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
    return 1;
  }
}
