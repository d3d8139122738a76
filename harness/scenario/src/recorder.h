#pragma once
// Everything a step's trace and its users' flows show passes through here, and nothing else
// writes them: each request with its answer (credentials in headers masked, bodies scrubbed of
// secrets and cut), the other records a step makes (a query, a key rotation, a burst's summary),
// and the stages of each user's flow, scrubbed. The step code acts and times; it never masks.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcph/http/message.h"
#include "mcph/reports/model.h"

namespace mcph::harness::scenario {

struct StepOutcome;

class Recorder {
 public:
  Recorder(StepOutcome& out, std::vector<reports::UserFlow>& flows) : out_(out), flows_(flows) {}

  // One request and its answer ("TCP" as the method for bytes on a raw connection). The record
  // is returned for what only its kind adds (a burst call's number, a TCP step's bytes sent).
  nlohmann::json& exchange(const std::string& method, const std::string& url, const http::Fields& request_headers,
                           const std::string& request_body, int status, const http::Fields& response_headers,
                           const std::string& response_body, double ms);
  // A record of another kind ({"sql": …}, {"idp": …}, {"burst": …}); scrubbed when the trace is written.
  void note(nlohmann::json record);
  // A stage of `user`'s flow ("login", "Vault path"); the detail is scrubbed, and a stage that
  // repeats the last one word for word (a burst's calls) is kept once.
  void flow(const std::string& user, std::string stage, std::string detail);
  // A credential as a trace or a flow may show it.
  static std::string masked(const std::string& secret);

 private:
  StepOutcome& out_;
  std::vector<reports::UserFlow>& flows_;
};

// The request or response headers a trace keeps, the value of every header that carries a
// credential (Authorization, X-API-Key, X-Vault-Token, Cookie, …) masked.
nlohmann::json trace_headers(const http::Fields& headers);

// Every string of `json`, keys included, through secrets::scrub: a trace as it is written.
void scrub_strings(nlohmann::json& json);

}  // namespace mcph::harness::scenario
