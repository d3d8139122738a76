// mock-spiffe: a stand-in for a SPIFFE trust domain's JWT authority (SPIRE's JWT-SVIDs and
// bundle endpoint) for the local stack.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/http/server.h"
#include "mcph/mock_spiffe/mock_spiffe.h"
#include "mcph/mock_spiffe/workload_api.h"

namespace {

constexpr const char* kProgram = "mock-spiffe";
constexpr const char* kSummary = R"(
A stand-in for a SPIFFE trust domain's JWT authority, in memory: registered workloads
(spiffe://<trust domain>/agent/<name>), JWT-SVIDs minted for them by the SPIFFE Workload API
(gRPC on the Unix socket --workload-api-socket names: FetchJWTSVID, FetchJWTBundles,
ValidateJWTSVID) and on POST /_svid, the trust domain's JWT bundle on GET / (a SPIFFE bundle
endpoint), and key rotation on /_keys. Prints "listening http://127.0.0.1:PORT" once it serves,
and stops cleanly on SIGTERM or SIGINT.)";

[[noreturn]] void usage_error(const std::string& reason) { mcph::cli::exit_with_usage_error(kProgram, reason); }

// One workload a line: a name or a SPIFFE ID; blank lines and lines starting with # skipped.
void read_workloads(const std::string& path, std::vector<std::string>& workloads) {
  std::ifstream in(path);
  if (!in) usage_error("cannot read the workloads file " + path);
  std::string line;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    workloads.push_back(line.substr(start, line.find_last_not_of(" \t\r") - start + 1));
  }
}

struct Arguments {
  mcph::mock_spiffe::Options options;
  std::string workload_api_socket;
};

Arguments parse_args(int argc, char** argv) {
  mcph::cli::Flags flags(kProgram, kSummary);
  flags.option("port", "0", "port to listen on (127.0.0.1 only); 0 = any free port")
      .option("trust-domain", "mcp-identity.local", "the trust domain's name")
      .repeated("workload", "a registered workload: a name (…/agent/<name>) or a SPIFFE ID of the trust domain")
      .option("workloads", "", "a file of workloads, one a line")
      .option("svid-ttl", "300", "seconds a JWT-SVID lives unless the request asks for another ttl")
      .option("refresh-hint", "300", "the bundle's spiffe_refresh_hint, in seconds")
      .option("alg", "ES256", "the JWT-SVIDs' signature algorithm: ES256 or RS256")
      .option("workload-api-socket", "",
              "serve the SPIFFE Workload API on this Unix socket (owner-only: every caller gets every workload's SVIDs)")
      .toggle("no-access-log", "do not log one line per request on stderr");
  flags.parse(argc, argv);

  mcph::mock_spiffe::Options options;
  options.port = flags.get_int("port");
  if (options.port < 0 || options.port > 65535) usage_error("--port needs a number from 0 to 65535");
  options.trust_domain = flags.get("trust-domain");
  options.workloads = flags.all("workload");
  if (!flags.get("workloads").empty()) read_workloads(flags.get("workloads"), options.workloads);
  options.default_svid_ttl = flags.get_int("svid-ttl");
  options.refresh_hint = flags.get_int("refresh-hint");
  options.algorithm = flags.get("alg");
  options.access_log = !flags.on("no-access-log");
  return {options, flags.get("workload-api-socket")};
}

}  // namespace

int main(int argc, char** argv) {
  const Arguments arguments = parse_args(argc, argv);
  try {
    mcph::mock_spiffe::MockSpiffe spiffe(arguments.options);
    std::unique_ptr<mcph::mock_spiffe::WorkloadApi> workload_api;
    if (!arguments.workload_api_socket.empty()) {
      workload_api = std::make_unique<mcph::mock_spiffe::WorkloadApi>(spiffe, arguments.workload_api_socket);
    }
    return mcph::http::serve_until_signal(spiffe.server());
  } catch (const std::invalid_argument& error) {
    usage_error(error.what());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", kProgram, error.what());
    return 1;
  }
}
