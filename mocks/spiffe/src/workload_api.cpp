#include "mcph/mock_spiffe/workload_api.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwt.h"
#include "mcph/spiffe/spiffe_id.h"
#include "mcph/sync/unix_time.h"
#include "state.h"
#include "workload.grpc.pb.h"

namespace mcph::mock_spiffe {
namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;

// How often an open FetchJWTBundles stream looks for a changed bundle, a cancelled call or a
// server going down.
constexpr auto kBundlePoll = std::chrono::milliseconds(100);

// SPIRE refuses a call without exactly one `workload.spiffe.io: true`, so that a browser or a
// proxy cannot be made to call the socket.
bool has_security_header(const ServerContext& context) {
  const auto [first, last] = context.client_metadata().equal_range("workload.spiffe.io");
  return std::distance(first, last) == 1 && first->second == "true";
}

Status missing_security_header() { return {StatusCode::INVALID_ARGUMENT, "security header missing from request"}; }

std::string trust_domain_id(const State& state) { return "spiffe://" + state.options.trust_domain; }

// The kid of a JWS's header: "" when it names none; nullopt when the header cannot be read (the
// verification says why).
std::optional<std::string> header_kid(std::string_view token) {
  const auto header = codec::base64url_decode(token.substr(0, token.find('.')));
  if (!header) return std::nullopt;
  const auto fields = nlohmann::json::parse(*header, nullptr, false);
  if (!fields.is_object()) return std::nullopt;
  const auto kid = fields.find("kid");
  return kid != fields.end() && kid->is_string() ? kid->get<std::string>() : "";
}

}  // namespace

class WorkloadApi::Service final : public SpiffeWorkloadAPI::Service {
 public:
  explicit Service(State& state) : state_(state) {}

  void stop() { stopping_ = true; }

  Status FetchJWTSVID(ServerContext* context, const JWTSVIDRequest* request, JWTSVIDResponse* response) override {
    if (!has_security_header(*context)) return missing_security_header();
    std::vector<std::string> audience;
    for (const std::string& entry : request->audience()) {
      if (!entry.empty()) audience.push_back(entry);
    }
    if (audience.empty()) return {StatusCode::INVALID_ARGUMENT, "audience must be specified"};
    if (!request->spiffe_id().empty()) {
      if (auto why = spiffe::why_not_member_id(request->spiffe_id(), state_.options.trust_domain)) {
        return {StatusCode::INVALID_ARGUMENT, "invalid requested SPIFFE ID: " + *why};
      }
    }
    std::lock_guard lock(state_.mutex);
    std::vector<std::string> identities;
    for (const std::string& id : state_.workloads) {
      if (request->spiffe_id().empty() || request->spiffe_id() == id) identities.push_back(id);
    }
    // The SPIRE agent's answer to a caller no registration entry (or not the one asked for) matches.
    if (identities.empty()) return {StatusCode::PERMISSION_DENIED, "no identity issued"};
    try {
      for (const std::string& id : identities) {
        const MintedSvid minted = state_.authority.mint(id, audience, state_.options.default_svid_ttl, sync::unix_seconds());
        JWTSVID* svid = response->add_svids();
        svid->set_spiffe_id(id);
        svid->set_svid(minted.token);
      }
    } catch (const std::logic_error& error) {
      return {StatusCode::UNAVAILABLE, error.what()};  // no active key
    }
    return Status::OK;
  }

  Status FetchJWTBundles(ServerContext* context, const JWTBundlesRequest*,
                         grpc::ServerWriter<JWTBundlesResponse>* writer) override {
    if (!has_security_header(*context)) return missing_security_header();
    std::string sent;
    while (!context->IsCancelled() && !stopping_) {
      std::string bundle = bundle_json();
      if (bundle != sent) {
        JWTBundlesResponse response;
        (*response.mutable_bundles())[trust_domain_id(state_)] = bundle;
        if (!writer->Write(response)) return Status::OK;  // the caller has gone
        sent = std::move(bundle);
      }
      std::this_thread::sleep_for(kBundlePoll);
    }
    return stopping_ ? Status(StatusCode::UNAVAILABLE, "the Workload API is shutting down") : Status::OK;
  }

  Status ValidateJWTSVID(ServerContext* context, const ValidateJWTSVIDRequest* request,
                         ValidateJWTSVIDResponse* response) override {
    if (!has_security_header(*context)) return missing_security_header();
    if (request->audience().empty()) return {StatusCode::INVALID_ARGUMENT, "audience must be specified"};
    if (request->svid().empty()) return {StatusCode::INVALID_ARGUMENT, "svid must be specified"};
    // SPIRE looks the key up by the header's kid alone, before the signature (pkg/common/jwtsvid:
    // ValidateToken); jose's fallback to every key of the bundle is not SPIRE's.
    if (header_kid(request->svid()) == "") return {StatusCode::INVALID_ARGUMENT, "token header missing key id"};
    jose::VerifyOptions options;
    options.allowed_algs = {jose::Alg::ES256, jose::Alg::RS256};
    options.audience = request->audience();
    std::optional<jose::VerifiedJwt> verified;
    try {
      verified = jose::verify_jwt(request->svid(), jose::JwkSet::from_json(bundle_json()), options);
    } catch (const jose::JoseError& error) {
      return {StatusCode::INVALID_ARGUMENT, std::string("the JWT-SVID does not verify: ") + error.what()};
    }
    if (auto why = spiffe::why_not_member_id(verified->sub, state_.options.trust_domain)) {
      return {StatusCode::INVALID_ARGUMENT, "the JWT-SVID's sub is not a SPIFFE ID of the trust domain: " + *why};
    }
    response->set_spiffe_id(verified->sub);
    if (!google::protobuf::util::JsonStringToMessage(verified->payload_json, response->mutable_claims()).ok()) {
      return {StatusCode::INTERNAL, "the JWT-SVID's claims are not a JSON object"};
    }
    return Status::OK;
  }

 private:
  // The trust domain's JWT bundle now, as its bundle endpoint serves it.
  std::string bundle_json() {
    std::lock_guard lock(state_.mutex);
    return state_.authority.bundle(sync::unix_seconds()).dump();
  }

  State& state_;
  std::atomic<bool> stopping_{false};
};

WorkloadApi::WorkloadApi(MockSpiffe& spiffe, const std::string& socket_path)
    : socket_path_(std::filesystem::absolute(socket_path).string()),
      service_(std::make_unique<Service>(spiffe.state())) {
  std::error_code ignored;
  std::filesystem::remove(socket_path_, ignored);  // a socket left by a process that was killed
  // Created owner-only from the start: every caller that can connect gets every identity.
  const mode_t before = ::umask(0077);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket_path_, grpc::InsecureServerCredentials());
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  ::umask(before);
  if (!server_) throw std::runtime_error("cannot serve the Workload API on " + socket_path_);
}

WorkloadApi::~WorkloadApi() {
  service_->stop();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
  std::error_code ignored;
  std::filesystem::remove(socket_path_, ignored);
}

std::string WorkloadApi::address() const { return "unix://" + socket_path_; }

}  // namespace mcph::mock_spiffe
