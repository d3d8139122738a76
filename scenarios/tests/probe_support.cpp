#include "probe_support.h"

#include <sys/stat.h>

#include <fstream>

#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/proc/private_file.h"

namespace mcph::harness::scenario {

namespace fs = std::filesystem;

std::string token_command(const fs::path& dir, const std::string& token) {
  proc::write_private_file(dir / "token", token + "\n");
  const fs::path script = dir / "print-token";
  std::ofstream(script) << "#!/bin/sh\nexec cat " << (dir / "token").string() << "\n";
  ::chmod(script.c_str(), 0700);
  return script.string();
}

std::string client_credentials_token(stack::ClientCredentialsAuth grant, const fs::path& stack_dir,
                                     const std::string& agent, const std::string& scope) {
  if (fs::path(grant.clients_file).is_relative()) grant.clients_file = (stack_dir / grant.clients_file).string();
  return stack::agent_access_token(grant, agent, scope);
}

}  // namespace mcph::harness::scenario
