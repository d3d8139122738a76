#pragma once
// Where `scripts/bootstrap --real` installed the real Keycloak, Vault and SPIRE: a cache outside the
// clone, one directory per name and version (versions from real/versions.env), each complete
// only once its `.installed` marker exists.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace mcph::harness::stack {

struct RealTier {
  std::string keycloak_version;
  std::string vault_version;
  std::string spire_version;
  std::filesystem::path keycloak_home;  // the unpacked distribution: bin/kc.sh
  std::filesystem::path vault_binary;
  std::filesystem::path spire_dir;  // spire-server and spire-agent
};

// $MCPH_CACHE_DIR, else $XDG_CACHE_HOME/mcp-harness, else $HOME/.cache/mcp-harness.
std::filesystem::path real_tier_cache_dir();

// The pinned versions and where they would be installed (whether or not they are).
RealTier real_tier_paths();

// The installed real tier. Throws RealTierMissing, saying what is missing and how to install it.
RealTier find_real_tier();

// The real tier's OPA (the policy engine of the workload-identity design): $MCPH_OPA, else
// <cache>/opa-<version>/opa. Throws RealTierMissing, saying how to build it, when it is not there.
std::filesystem::path find_opa();

class RealTierMissing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mcph::harness::stack
