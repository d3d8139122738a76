// mock-keycloak: a Keycloak 26.4-compatible identity provider for the local stack.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/mock_keycloak/mock_keycloak.h"

namespace {

constexpr const char* kUsage = R"(Usage: mock-keycloak [options]

A Keycloak 26.4-compatible identity provider kept in memory: the OIDC endpoints of every realm
(discovery, JWKS, token with the password, client_credentials and refresh_token grants,
userinfo, logout, token introspection) and the admin REST API for realms, users, clients,
protocol mappers, groups, realm roles and realm keys. Prints "listening http://127.0.0.1:PORT"
once it serves, and stops cleanly on SIGTERM or SIGINT.

Options:
  --port N               port to listen on (127.0.0.1 only); 0 = any free port (default 0)
  --admin-user NAME      the master realm's administrator (default: $KC_BOOTSTRAP_ADMIN_USERNAME or admin)
  --admin-password PW    the administrator's password (default: $KC_BOOTSTRAP_ADMIN_PASSWORD or admin)
  --hostname-url URL     base of token issuers and Location headers, e.g. http://localhost:8080
                         (default: the server's own URL)
  --import-realm FILE    import a realm from a Keycloak realm export file; may be repeated.
                         A realm that already exists is skipped, as Keycloak does.
  --no-access-log        do not log one line per request on stderr
  --help                 show this help and exit

The state lives in memory only and is lost when the process ends.
)";

struct UsageError {
  std::string message;
};

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

mcph::mock_keycloak::Options parse_args(int argc, char** argv, bool& help) {
  mcph::mock_keycloak::Options options;
  options.admin_user = env_or("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
  options.admin_password = env_or("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw UsageError{"option " + arg + " needs a value"};
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--port") {
      const std::string text = value();
      std::size_t used = 0;
      int port = -1;
      try {
        port = std::stoi(text, &used);
      } catch (const std::exception&) {
      }
      if (used != text.size() || port < 0 || port > 65535)
        throw UsageError{"--port needs a number from 0 to 65535, not '" + text + "'"};
      options.port = port;
    } else if (arg == "--admin-user") {
      options.admin_user = value();
      if (options.admin_user.empty()) throw UsageError{"--admin-user must not be empty"};
    } else if (arg == "--admin-password") {
      options.admin_password = value();
      if (options.admin_password.empty()) throw UsageError{"--admin-password must not be empty"};
    } else if (arg == "--hostname-url") {
      options.hostname_url = value();
      try {
        mcph::http::parse_url(options.hostname_url);
      } catch (const std::invalid_argument& e) {
        throw UsageError{"--hostname-url: " + std::string(e.what())};
      }
    } else if (arg == "--import-realm") {
      options.import_realm_files.push_back(value());
    } else if (arg == "--no-access-log" && !inline_value) {
      options.access_log = false;
    } else {
      throw UsageError{"unknown option '" + std::string(argv[i]) + "'"};
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  mcph::mock_keycloak::Options options;
  try {
    options = parse_args(argc, argv, help);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "mock-keycloak: %s\nTry 'mock-keycloak --help'.\n", error.message.c_str());
    return 2;
  }
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  try {
    mcph::mock_keycloak::MockKeycloak keycloak(options);
    return mcph::http::serve_until_signal(keycloak.server());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mock-keycloak: %s\n", error.what());
    return 1;
  }
}
