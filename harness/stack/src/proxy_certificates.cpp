#include "mcph/harness/stack/proxy_certificates.h"

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/tls/test_ca.h"

namespace mcph::harness::stack {

namespace fs = std::filesystem;

ProxyCertificates make_proxy_certificates(const fs::path& run_dir) {
  const fs::path dir = run_dir / "tls";
  fixtures::create_private_directory(dir);
  ProxyCertificates files{dir / "ca.pem", dir / "server.pem", dir / "server.key", dir / "agents-ca.pem", dir / "agents-ca.key"};
  {
    const tls::TestCa stack_ca(dir, "mcp-harness stack CA", tls::CertificateFiles{files.ca, dir / "ca.key"});
    const tls::CertificateFiles server = stack_ca.issue_server("server");
    fs::rename(server.certificate, files.server_certificate);
  }
  fs::remove(dir / "ca.key");
  const tls::TestCa agents_ca(dir, "mcp-harness agents CA", tls::CertificateFiles{files.agents_ca, files.agents_ca_key});
  return files;
}

}  // namespace mcph::harness::stack
