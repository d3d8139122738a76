#pragma once
// spire-server's command line on its admin socket, as the real SPIRE's operator runs it: how the
// stack registers its workloads, and how a scenario changes the trust domain (its JWT
// authorities, an entry's SVID lifetime).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {

struct SpireServerCli {
  std::filesystem::path binary;  // spire-server
  std::filesystem::path socket;  // the server's admin socket

  // The command line: the binary, `arguments`, then -socketPath.
  std::vector<std::string> argv(const std::vector<std::string>& arguments) const;
  // Runs it; its output, or std::runtime_error quoting it unless quote_output is false (the
  // commands whose output holds a secret: a join token).
  std::string run(const std::vector<std::string>& arguments, bool quote_output = true) const;
};

// The spire-server of the stack's `spiffe` entry when it is the real SPIRE (keys "spire_server",
// "spire_admin_socket"); nullopt for mock-spiffe. Throws std::runtime_error for a native entry
// written without them.
std::optional<SpireServerCli> spire_server_of(const ServiceEntry& spiffe);

}  // namespace mcph::harness::stack
