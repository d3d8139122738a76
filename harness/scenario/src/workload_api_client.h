#pragma once
// The SPIFFE Workload API as a workload calls it (gRPC on the agent's Unix socket, with the
// security header): how the harness gets JWT-SVIDs from a real SPIRE agent, which attests the
// caller (this process) instead of minting for whoever names an identity.
#include <string>
#include <vector>

namespace mcph::harness::scenario {

struct FetchedSvid {
  std::string spiffe_id;
  std::string svid;
};

// The JWT-SVIDs the caller is entitled to (the one of `spiffe_id`, or all when it is empty)
// for `audiences`. `socket`: unix:///path. Throws std::runtime_error with the gRPC status.
std::vector<FetchedSvid> fetch_jwt_svids(const std::string& socket, const std::string& spiffe_id,
                                         const std::vector<std::string>& audiences);

// The caller's trust domain's JWKS document (FetchJWTBundles' first answer, whose one bundle it is:
// the harness's trust domain federates with none). Throws std::runtime_error with the gRPC status.
std::string fetch_jwt_bundle(const std::string& socket);

}  // namespace mcph::harness::scenario
