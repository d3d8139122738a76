// mock-vault: a Vault-compatible secrets server for local test stacks.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "mcph/mock_vault/app.h"

namespace {

constexpr const char* kUsage = R"(Usage: mock-vault [options]

A stand-in for HashiCorp Vault 1.21 in dev mode, for local test stacks. State lives in memory and
is lost on exit. Serves the Vault HTTP API (/v1/...) on 127.0.0.1: sys (health, mounts, auth,
policies, capabilities, leases, audit, rate-limit quotas), auth/token, auth/jwt (JWT login against
a JWKS URL or PEM keys), identity (entities, aliases, groups), KV version 2 (pre-mounted at
secret/, as `vault server -dev` does) and the database engine for PostgreSQL (real roles created
with libpq, revoked at lease expiry or revocation).

Options:
  --port N                  TCP port on 127.0.0.1 (0 = any free port; default 0)
  --dev-root-token-id ID    the root token (default "root")
  --audit-log FILE          enable a file audit device at file/ writing to FILE
                            (one JSON line per request and response, secrets HMAC'd)
  --max-request-size BYTES  largest request body accepted (default 33554432, as Vault)
  --quiet                   no access log on stderr
  --help                    this text

Once listening it prints one line on stdout:  listening http://127.0.0.1:PORT
SIGTERM or SIGINT stops it; every outstanding lease is revoked first, so no database role
it created outlives it.
)";

bool parse_number(const char* text, long long& out) {
  char* end = nullptr;
  out = std::strtoll(text, &end, 10);
  return end != text && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  mcph::mock_vault::MockVaultOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "mock-vault: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    long long number = 0;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--port") {
      if (!parse_number(value("--port"), number) || number < 0 || number > 65535) {
        std::fprintf(stderr, "mock-vault: --port must be 0..65535\n");
        return 2;
      }
      options.port = static_cast<int>(number);
    } else if (arg == "--dev-root-token-id") {
      options.root_token = value("--dev-root-token-id");
      if (options.root_token.empty()) {
        std::fprintf(stderr, "mock-vault: --dev-root-token-id must not be empty\n");
        return 2;
      }
    } else if (arg == "--audit-log") {
      options.audit_log = value("--audit-log");
    } else if (arg == "--max-request-size") {
      if (!parse_number(value("--max-request-size"), number) || number <= 0) {
        std::fprintf(stderr, "mock-vault: --max-request-size must be a positive number of bytes\n");
        return 2;
      }
      options.max_request_bytes = static_cast<std::size_t>(number);
    } else if (arg == "--quiet") {
      options.access_log = false;
    } else {
      std::fprintf(stderr, "mock-vault: unknown option %s (see --help)\n", arg.c_str());
      return 2;
    }
  }
  try {
    mcph::mock_vault::MockVault vault(options);
    return vault.run_until_signal();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mock-vault: %s\n", e.what());
    return 1;
  }
}
