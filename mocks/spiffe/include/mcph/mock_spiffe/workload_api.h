#pragma once
// mock-spiffe's SPIFFE Workload API: gRPC on a Unix socket, as a SPIRE agent serves it, for its
// JWT-SVID methods (FetchJWTSVID, FetchJWTBundles, ValidateJWTSVID; proto/workload.proto), so
// that agents written with a SPIFFE client library fetch and check their SVIDs here unchanged.
//
// Attestation: a SPIRE agent asks the kernel who calls and answers with the SVIDs of the
// registration entries whose selectors match. Here every caller that can open the socket is
// entitled to every registered workload, as under SPIRE with each entry selecting the one Unix
// user the stack runs as; the socket is therefore its owner's only (0600). A request picks one
// identity with its spiffe_id.
#include <memory>
#include <string>

#include "mcph/mock_spiffe/mock_spiffe.h"

namespace grpc {
class Server;
}

namespace mcph::mock_spiffe {

class WorkloadApi {
 public:
  // Serves on `socket_path` (replacing a stale socket there) until destroyed. Throws
  // std::runtime_error when it cannot listen there.
  WorkloadApi(MockSpiffe& spiffe, const std::string& socket_path);
  ~WorkloadApi();
  WorkloadApi(const WorkloadApi&) = delete;
  WorkloadApi& operator=(const WorkloadApi&) = delete;

  std::string address() const;  // unix://<absolute path>, as SPIFFE_ENDPOINT_SOCKET names it

  class Service;

 private:
  std::string socket_path_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace mcph::mock_spiffe
