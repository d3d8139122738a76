// mock-cognito: a stand-in of the Amazon Cognito user pool API for the local stack.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/mock_cognito/mock_cognito.h"

namespace {

constexpr const char* kProgram = "mock-cognito";
constexpr const char* kSummary = R"(
A stand-in of the Amazon Cognito user pool API (cognito-idp, JSON 1.1 on POST / with
X-Amz-Target) kept in memory: user pools, app clients with secrets, users, USER_PASSWORD_AUTH and
REFRESH_TOKEN_AUTH sign-in with SECRET_HASH, GetUser, global sign-out and token revocation, and
each pool's /<pool>/.well-known/jwks.json and openid-configuration. Prints
"listening http://127.0.0.1:PORT" once it serves, and stops cleanly on SIGTERM or SIGINT.)";

[[noreturn]] void usage_error(const std::string& reason) { mcph::cli::exit_with_usage_error(kProgram, reason); }

mcph::mock_cognito::Options parse_args(int argc, char** argv) {
  mcph::cli::Flags flags(kProgram, kSummary);
  flags.option("port", "0", "port to listen on (127.0.0.1 only); 0 = any free port")
      .option("region", "us-east-1", "the AWS region of the pools (their ids, ARNs and issuers)")
      .option("issuer-base", "",
              "base of the tokens' issuers, e.g. http://127.0.0.1:9229 (default: "
              "https://cognito-idp.<region>.amazonaws.com)")
      .toggle("no-access-log", "do not log one line per request on stderr");
  flags.parse(argc, argv);

  mcph::mock_cognito::Options options;
  options.port = flags.get_int("port");
  if (options.port < 0 || options.port > 65535) usage_error("--port needs a number from 0 to 65535");
  options.region = flags.get("region");
  if (options.region.empty() || options.region.find_first_of("_/ ") != std::string::npos) {
    usage_error("--region needs a region name such as us-east-1");
  }
  options.issuer_base = flags.get("issuer-base");
  if (!options.issuer_base.empty()) {
    try {
      mcph::http::parse_url(options.issuer_base);
    } catch (const std::invalid_argument& e) {
      usage_error("--issuer-base: " + std::string(e.what()));
    }
  }
  options.access_log = !flags.on("no-access-log");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const mcph::mock_cognito::Options options = parse_args(argc, argv);
  try {
    mcph::mock_cognito::MockCognito cognito(options);
    return mcph::http::serve_until_signal(cognito.server());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", kProgram, error.what());
    return 1;
  }
}
