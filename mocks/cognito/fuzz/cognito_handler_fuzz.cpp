// Fuzzes mock-cognito's request handling in process: its routes on an http::Server that is
// never started, fed through http::Server::dispatch (no socket).
// One pool (its RSA key takes ~0.1 s) with a client "app" that has a secret and a confirmed
// user alice is made once. Inputs share that state, so a finding that depends on an earlier
// input's pools or users replays only with it.
//
// Input: up to 8 requests in lib/fuzz's text form (mcph/fuzz/http_requests.h). In header
// values and bodies, $POOL becomes the pool's id, $CLIENT the client's id, $HASH alice's
// SECRET_HASH for it and $ACCESS_TOKEN a fresh access token of alice.
// Properties: every answer has a valid status and a JSON body; no request ends in a 5xx (an
// unexpected exception: a bad input must get Cognito's 400).
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/http_requests.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/http/server.h"
#include "mcph/mock_cognito/mock_cognito.h"
#include "mcph/text/replace.h"
#include "tokens.h"

using namespace mcph;

namespace {

struct Fixture {
  mock_cognito::MockCognito cognito{options()};
  std::map<std::string, std::string> values;

  static mock_cognito::Options options() {
    mock_cognito::Options out;
    out.access_log = false;
    return out;
  }

  nlohmann::json call(const std::string& action, const nlohmann::json& body) {
    http::Request request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"X-Amz-Target", "AWSCognitoIdentityProviderService." + action},
                       {"Content-Type", "application/x-amz-json-1.1"}};
    request.body = body.dump();
    const auto response = cognito.server().dispatch(request);
    fuzz::check(response.status == 200, "the fixture's set-up failed");
    return nlohmann::json::parse(response.body);
  }

  Fixture() {
    const std::string pool = call("CreateUserPool", {{"PoolName", "fuzz"}})["UserPool"]["Id"];
    const auto client = call("CreateUserPoolClient", {{"UserPoolId", pool},
                                                      {"ClientName", "app"},
                                                      {"GenerateSecret", true},
                                                      {"ExplicitAuthFlows", {"ALLOW_USER_PASSWORD_AUTH"}}})["UserPoolClient"];
    call("AdminCreateUser", {{"UserPoolId", pool}, {"Username", "alice"}});
    call("AdminSetUserPassword", {{"UserPoolId", pool}, {"Username", "alice"}, {"Password", "Alice-pw-1"}, {"Permanent", true}});
    values["$POOL"] = pool;
    values["$CLIENT"] = client["ClientId"];
    values["$HASH"] = mock_cognito::secret_hash(client["ClientSecret"], "alice", client["ClientId"]);
  }

  std::string access_token() {
    return call("InitiateAuth", {{"AuthFlow", "USER_PASSWORD_AUTH"},
                                 {"ClientId", values["$CLIENT"]},
                                 {"AuthParameters",
                                  {{"USERNAME", "alice"}, {"PASSWORD", "Alice-pw-1"}, {"SECRET_HASH", values["$HASH"]}}}})
        ["AuthenticationResult"]["AccessToken"];
  }
};

void check_answer(const http::Response& response) {
  fuzz::check(response.status >= 200 && response.status <= 599, "an invalid status");
  fuzz::check(response.status < 500, "a 5xx answer (an unexpected exception)");
  fuzz::check(!nlohmann::json::parse(response.body, nullptr, false).is_discarded(), "an answer that is not JSON");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  const std::string_view input = fuzz::as_text(data, size);
  std::map<std::string, std::string> values = fixture.values;
  if (input.find("$ACCESS_TOKEN") != std::string_view::npos) values["$ACCESS_TOKEN"] = fixture.access_token();
  for (auto& request : fuzz::parse_requests(input, 8)) {
    for (const auto& [placeholder, value] : values) {
      for (auto& [_, header] : request.headers) header = text::replace_all(std::move(header), placeholder, value);
      request.body = text::replace_all(std::move(request.body), placeholder, value);
      request.path = text::replace_all(std::move(request.path), placeholder, value);
    }
    const auto response = fixture.cognito.server().dispatch(request);
    fuzz::trace_exchange(request, response);
    check_answer(response);
  }
  return 0;
}
