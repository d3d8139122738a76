#pragma once
// The certificates of a TLS-terminating proxy in front of an agents' server, in <run_dir>/tls/:
// the stack's CA and the proxy's server certificate it signed, and the agents' CA, whose key is
// kept so that the harness mints the agents' client certificates (and the probing ones) with
// it. The stack CA's key is not kept: nothing else is ever signed with it.
#include <filesystem>

namespace mcph::harness::stack {

struct ProxyCertificates {
  std::filesystem::path ca, server_certificate, server_key, agents_ca, agents_ca_key;
};

ProxyCertificates make_proxy_certificates(const std::filesystem::path& run_dir);

}  // namespace mcph::harness::stack
