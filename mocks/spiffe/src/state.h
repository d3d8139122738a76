#pragma once
// mock-spiffe's state: the options, the registered SPIFFE IDs and the JWT authority, behind one
// mutex.
#include <mutex>
#include <set>
#include <string>

#include "jwt_authority.h"
#include "mcph/http/server.h"
#include "mcph/mock_spiffe/mock_spiffe.h"

namespace mcph::mock_spiffe {

struct MockSpiffe::State {
  Options options;
  std::mutex mutex;
  std::set<std::string> workloads;  // SPIFFE IDs
  JwtAuthority authority;

  State(Options options, jose::Alg alg, std::int64_t now);
};

using State = MockSpiffe::State;

// The SPIFFE ID a workload entry names: a name becomes spiffe://<td>/agent/<name>. Throws
// std::invalid_argument saying why it is not a workload ID of the trust domain.
std::string workload_id(const std::string& trust_domain, const std::string& entry);

void add_routes(http::Server& server, State& state);

}  // namespace mcph::mock_spiffe
