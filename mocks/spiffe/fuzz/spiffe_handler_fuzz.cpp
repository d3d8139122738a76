// Fuzzes mock-spiffe's request handling in process: its routes on an http::Server that is
// never started, fed through http::Server::dispatch (no socket). One trust domain with the
// workload agent-1 is made once; inputs share its state (keys rotated or removed, workloads
// added), so a finding that depends on an earlier input replays only with it.
//
// Input: up to 8 requests in lib/fuzz's text form (mcph/fuzz/http_requests.h).
// Properties: every answer has a valid status and a JSON body; no request ends in a 5xx other
// than the 503 of minting while no key is active; an SVID minted is for a registered workload
// and verifies with the bundle served right after.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/http_requests.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/http/server.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"
#include "mcph/mock_spiffe/mock_spiffe.h"

using namespace mcph;

namespace {

mock_spiffe::Options options() {
  mock_spiffe::Options out;
  out.workloads = {"agent-1"};
  out.access_log = false;
  return out;
}

void check_svid(mock_spiffe::MockSpiffe& spiffe, const nlohmann::json& answer) {
  http::Request bundle_request;
  bundle_request.method = "GET";
  bundle_request.path = "/";
  const auto bundle = spiffe.server().dispatch(bundle_request);
  jose::VerifyOptions verify;
  verify.allowed_algs = {jose::Alg::ES256};
  try {
    const auto jwt = jose::verify_jwt(answer["svids"][0]["svid"].get<std::string>(),
                                      jose::JwkSet::from_json(bundle.body), verify);
    fuzz::check(jwt.sub.rfind("spiffe://mcp-identity.local/", 0) == 0, "an SVID outside the trust domain");
  } catch (const jose::JoseError&) {
    fuzz::fail("a minted SVID does not verify with the bundle");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static mock_spiffe::MockSpiffe spiffe(options());
  for (auto& request : fuzz::parse_requests(fuzz::as_text(data, size), 8)) {
    const auto response = spiffe.server().dispatch(request);
    fuzz::trace_exchange(request, response);
    fuzz::check(response.status >= 200 && response.status <= 599, "an invalid status");
    fuzz::check(response.status < 500 || response.status == 503, "a 5xx answer (an unexpected exception)");
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    fuzz::check(response.status == 204 || !body.is_discarded(), "an answer that is not JSON");
    if (request.method == "POST" && request.path == "/_svid" && response.status == 200) check_svid(spiffe, body);
  }
  return 0;
}
