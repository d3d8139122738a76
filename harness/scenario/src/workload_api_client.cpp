#include "workload_api_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <stdexcept>

#include "workload.grpc.pb.h"

namespace mcph::harness::scenario {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(10);

std::unique_ptr<SpiffeWorkloadAPI::Stub> stub(const std::string& socket) {
  // gRPC's unix target is unix:/path (or unix:///path): SPIFFE_ENDPOINT_SOCKET's form fits.
  return SpiffeWorkloadAPI::NewStub(grpc::CreateChannel(socket, grpc::InsecureChannelCredentials()));
}

void prepare(grpc::ClientContext& context) {
  context.AddMetadata("workload.spiffe.io", "true");
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
}

std::runtime_error failed(const std::string& call, const grpc::Status& status) {
  return std::runtime_error("the Workload API's " + call + " failed: " + std::to_string(status.error_code()) + " " +
                            status.error_message());
}

}  // namespace

std::vector<FetchedSvid> fetch_jwt_svids(const std::string& socket, const std::string& spiffe_id,
                                         const std::vector<std::string>& audiences) {
  JWTSVIDRequest request;
  for (const auto& audience : audiences) request.add_audience(audience);
  request.set_spiffe_id(spiffe_id);
  JWTSVIDResponse response;
  grpc::ClientContext context;
  prepare(context);
  const grpc::Status status = stub(socket)->FetchJWTSVID(&context, request, &response);
  if (!status.ok()) throw failed("FetchJWTSVID", status);
  std::vector<FetchedSvid> svids;
  for (const auto& svid : response.svids()) svids.push_back({svid.spiffe_id(), svid.svid()});
  return svids;
}

std::string fetch_jwt_bundle(const std::string& socket) {
  grpc::ClientContext context;
  prepare(context);
  auto reader = stub(socket)->FetchJWTBundles(&context, JWTBundlesRequest());
  JWTBundlesResponse response;
  if (!reader->Read(&response)) throw failed("FetchJWTBundles", reader->Finish());
  context.TryCancel();
  if (response.bundles_size() != 1) {
    throw std::runtime_error("the Workload API gave " + std::to_string(response.bundles_size()) + " bundles, not its trust domain's one");
  }
  return response.bundles().begin()->second;
}

}  // namespace mcph::harness::scenario
