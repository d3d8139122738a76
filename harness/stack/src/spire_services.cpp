// The `spiffe` row's native implementation: the real SPIRE (real tier) in place of mock-spiffe.
// spire-server and spire-agent on this host, in <run_dir>/spire (its owner's alone): the server
// with an in-memory key manager, a SQLite datastore and join-token node attestation; the agent
// attested by a join token, with the unix workload attestor, serving the Workload API where
// mock-spiffe serves it. Every agent of the trust domain is registered for the stack owner's
// uid: the harness fetches their SVIDs through the Workload API as that uid, as mock-spiffe's
// socket gives any caller every identity. The server's SPIFFE bundle endpoint (https_web, a
// certificate of the run directory's own CA, which the real Keycloak is told to trust) is the
// row's url, the bundle endpoint Keycloak's SPIFFE identity provider reads.
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/stack/spire_server_cli.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/poll_until.h"
#include "mcph/tls/test_ca.h"
#include "native_launch.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The node the agent attests as; every workload entry is its child.
std::string node_id(const StackContext& context) { return "spiffe://" + context.params.trust_domain + "/spire-agent"; }

std::string health_checks(int port) {
  return "health_checks {\n  listener_enabled = true\n  bind_address = \"127.0.0.1\"\n  bind_port = \"" +
         std::to_string(port) + "\"\n  live_path = \"/live\"\n  ready_path = \"/ready\"\n}\n";
}

std::string quoted(const fs::path& path) { return nlohmann::json(path.string()).dump(); }

}  // namespace

fs::path spire_bundle_endpoint_ca(const fs::path& run_dir) {
  const fs::path dir = run_dir / "spire" / "bundle-endpoint-tls";
  const fs::path ca = dir / "ca.pem";
  if (fs::exists(ca)) return ca;
  fixtures::create_private_directory(run_dir / "spire");  // parents made on the way would be 0755
  fixtures::create_private_directory(dir);
  const tls::TestCa bundle_ca(dir, "mcp-harness SPIRE bundle endpoint CA", tls::CertificateFiles{ca, dir / "ca.key"});
  bundle_ca.issue_server("server");
  fs::remove(dir / "ca.key");  // nothing more to issue
  return ca;
}

RunningService start_native_spire(StackContext& context) {
  const RealTier& tier = context.real();
  const fs::path dir = fs::absolute(context.run_dir / "spire");
  fixtures::create_private_directory(dir);
  fixtures::create_private_directory(dir / "server");
  fixtures::create_private_directory(dir / "agent");
  const fs::path admin_socket = dir / "server" / "api.sock";
  const fs::path signing_keys = dir / "server" / "keys.json";
  const fs::path workload_socket = fs::absolute(context.run_dir / "spiffe-workload-api.sock");
  for (const fs::path& socket : {admin_socket, workload_socket}) {
    if (socket.string().size() >= sizeof(sockaddr_un::sun_path)) {
      throw std::runtime_error("spiffe: " + socket.string() + " is longer than a Unix socket's path may be (" +
                               std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes); use a shorter run directory");
    }
  }
  spire_bundle_endpoint_ca(context.run_dir);
  const fs::path tls_dir = dir / "bundle-endpoint-tls";

  int server_port = 0, bundle_port = 0, server_health_port = 0;
  RunningService running = proc::start_on_free_loopback_ports(3, [&](const std::vector<int>& ports) {
    server_port = ports[0];
    bundle_port = ports[1];
    server_health_port = ports[2];
    fixtures::write_private_file(dir / "server.conf",
                       "server {\n"
                       "  bind_address = \"127.0.0.1\"\n"
                       "  bind_port = \"" + std::to_string(server_port) + "\"\n"
                       "  socket_path = " + quoted(admin_socket) + "\n"
                       "  trust_domain = \"" + context.params.trust_domain + "\"\n"
                       "  data_dir = " + quoted(dir / "server") + "\n"
                       // WARN: at INFO both log the agent's SPIFFE ID, which carries the join token.
                       "  log_level = \"WARN\"\n"
                       "  jwt_key_type = \"ec-p256\"\n"
                       "  federation {\n"
                       "    bundle_endpoint {\n"
                       "      address = \"127.0.0.1\"\n"
                       "      port = " + std::to_string(bundle_port) + "\n"
                       "      profile \"https_web\" {\n"
                       "        serving_cert_file {\n"
                       "          cert_file_path = " + quoted(tls_dir / "server.crt") + "\n"
                       "          key_file_path = " + quoted(tls_dir / "server.key") + "\n"
                       // Required: SPIRE 1.13.3 fails to start on an empty duration.
                       "          file_sync_interval = \"1h\"\n"
                       "        }\n"
                       "      }\n"
                       "    }\n"
                       "  }\n"
                       "}\n"
                       "plugins {\n"
                       "  DataStore \"sql\" {\n    plugin_data {\n      database_type = \"sqlite3\"\n"
                       "      connection_string = " + quoted(dir / "server" / "datastore.sqlite3") + "\n    }\n  }\n"
                       // On disk, where the harness can read the JWT key (spire_signing_keys); the
                       // file is the server's own, 0600 in the run directory.
                       "  KeyManager \"disk\" {\n    plugin_data {\n      keys_path = " + quoted(signing_keys) + "\n    }\n  }\n"
                       "  NodeAttestor \"join_token\" {\n    plugin_data {}\n  }\n"
                       "}\n" + health_checks(server_health_port));

    NativeLaunch server;
    server.name = "spiffe";
    server.argv = {(tier.spire_dir / "spire-server").string(), "run", "-config", (dir / "server.conf").string()};
    server.url = "https://127.0.0.1:" + std::to_string(bundle_port);
    server.probe_base = loopback_url(server_health_port);
    server.probe = http_probe("/ready");
    server.timeout = context.ready_timeout(60s);
    server.grace = 10s;
    return launch(context, std::move(server));
  });
  const SpireServerCli cli{tier.spire_dir / "spire-server", admin_socket};

  try {
    // The workloads first, so that the agent's first sync brings them all.
    const std::vector<std::string> workloads = workload_agents(context);
    nlohmann::json entries = nlohmann::json::array();
    for (const std::string& agent : workloads) {
      entries.push_back({{"parent_id", node_id(context)},
                         {"spiffe_id", agent},
                         // The lifetime the harness asks mock-spiffe for (the Workload API takes none).
                         {"jwt_svid_ttl", 60},
                         {"selectors", {{{"type", "unix"}, {"value", "uid:" + std::to_string(::getuid())}}}}});
    }
    fixtures::write_private_file(dir / "entries.json", nlohmann::json{{"entries", entries}}.dump());
    cli.run({"entry", "create", "-data", (dir / "entries.json").string()});
    fixtures::write_private_file(dir / "agent" / "bundle.pem", cli.run({"bundle", "show"}));
    const std::string token_output =
        cli.run({"token", "generate", "-spiffeID", node_id(context), "-ttl", "600"}, false);
    const auto token_at = token_output.find("Token: ");
    if (token_at == std::string::npos) throw std::runtime_error("spire-server token generate printed no token");
    const std::string token = token_output.substr(token_at + 7, token_output.find('\n', token_at) - token_at - 7);

    RunningService agent_running = proc::start_on_free_loopback_ports(1, [&](const std::vector<int>& ports) {
      const int agent_health_port = ports[0];
      fixtures::write_private_file(dir / "agent.conf",
                         "agent {\n"
                         "  data_dir = " + quoted(dir / "agent") + "\n"
                         "  log_level = \"WARN\"\n"
                         "  server_address = \"127.0.0.1\"\n"
                         "  server_port = \"" + std::to_string(server_port) + "\"\n"
                         "  socket_path = " + quoted(workload_socket) + "\n"
                         "  trust_bundle_path = " + quoted(dir / "agent" / "bundle.pem") + "\n"
                         "  trust_domain = \"" + context.params.trust_domain + "\"\n"
                         "  join_token = \"" + token + "\"\n"
                         "}\n"
                         "plugins {\n"
                         "  NodeAttestor \"join_token\" {\n    plugin_data {}\n  }\n"
                         "  KeyManager \"memory\" {\n    plugin_data {}\n  }\n"
                         "  WorkloadAttestor \"unix\" {\n    plugin_data {}\n  }\n"
                         "}\n" + health_checks(agent_health_port));
      NativeLaunch agent;
      agent.name = "spire-agent";
      agent.argv = {(tier.spire_dir / "spire-agent").string(), "run", "-config", (dir / "agent.conf").string()};
      agent.url = "unix://" + workload_socket.string();
      agent.probe_base = loopback_url(agent_health_port);
      agent.probe = http_probe("/ready");
      agent.timeout = context.ready_timeout(60s);
      agent.grace = 10s;
      return launch(context, std::move(agent));
    });
    running.stop = [stop_server = running.stop, stop_agent = agent_running.stop] {
      stop_agent();
      stop_server();
    };
    running.took += agent_running.took;
    // The agent is ready before its first sync has brought the entries, and until then its
    // Workload API answers "no identity issued": the stack is up once each workload gets an SVID.
    const auto started = std::chrono::steady_clock::now();
    const auto each_issued = [&] {
      for (const std::string& workload : workloads) {
        proc::SpawnOptions fetch;
        fetch.name = "spire-agent api fetch jwt";
        fetch.argv = {(tier.spire_dir / "spire-agent").string(), "api", "fetch", "jwt", "-audience", "mcph-ready",
                      "-spiffeID", workload, "-socketPath", workload_socket.string(), "-timeout", "2s"};
        if (proc::run_command(fetch, std::chrono::seconds(10)).exit_code != 0) return false;
      }
      return true;
    };
    const auto issue_timeout = context.ready_timeout(60s);
    if (!proc::poll_until(each_issued, issue_timeout, std::chrono::milliseconds(500))) {
      throw std::runtime_error("spire-agent issued no JWT-SVID to the workload agents within " +
                               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(issue_timeout).count()) +
                               " s of starting (its entries never reached it)");
    }
    running.took += std::chrono::duration_cast<decltype(running.took)>(std::chrono::steady_clock::now() - started);
  } catch (...) {
    running.stop();
    throw;
  }
  running.entry.workload_api = "unix://" + workload_socket.string();
  running.entry.spire_server = cli.binary.string();
  running.entry.spire_admin_socket = cli.socket.string();
  running.entry.spire_signing_keys = signing_keys.string();
  running.entry.agent_ids = workload_agent_ids(context);
  running.entry.health_url = loopback_url(server_health_port) + "/ready";
  running.entry.version = tier.spire_version;
  return running;
}

}  // namespace mcph::harness::stack
