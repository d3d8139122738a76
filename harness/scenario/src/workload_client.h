#pragma once
// An agent workload of the workload-identity design, as the scenario runner plays it: it gets a
// JWT-SVID from the stack's trust domain (the `spiffe` row: mock-spiffe's POST /_svid, or the real
// SPIRE agent's Workload API) and
// trades it at Keycloak's token endpoint (client_credentials, a jwt-spiffe client assertion,
// a DPoP proof by a key of its own) for an access token bound to that key.
#include <string>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/jose/key.h"

#include <nlohmann/json.hpp>

namespace mcph::harness::scenario {

struct BoundToken {
  std::string spiffe_id;
  std::string access_token;
  jose::Key key;  // the key the token is bound to (cnf.jkt)
};

class WorkloadClient {
 public:
  // Throws std::runtime_error when the stack has no `spiffe` row.
  explicit WorkloadClient(const stack::StackFile& stack);

  // An agent's SPIFFE ID: a SPIFFE ID as it is, the one the spiffe entry's agent_ids gives the
  // role, or else the registered workload whose path ends in /agent/<name>. Throws std::runtime_error naming the trust domain's workloads otherwise.
  std::string spiffe_id(const std::string& agent) const;
  // The realm's client an agent's SVIDs authenticate, whatever the realm named it: the federated
  // client whose credential subject (jwt.credential.sub) is the agent's SPIFFE ID. Throws
  // std::runtime_error when the realm has none, or several.
  std::string client_of(const std::string& agent) const;
  // A JWT-SVID for `spiffe_id` whose audience is the realm's issuer. Throws std::runtime_error
  // quoting the trust domain's answer. named: minted for `spiffe_id` as named, not as the
  // Workload API attests this process: mock-spiffe's admin API (marked "foreign" when the ID is
  // none of its workloads'), or on SPIRE, which never mints another trust domain's ID, signed
  // with SPIRE's own key (spire_signing_keys.h) — for a foreign ID, and for an agent's own as the
  // control that this signing is sound.
  std::string svid(const std::string& spiffe_id) const { return svid(spiffe_id, issuer(), 60); }
  std::string svid(const std::string& spiffe_id, const nlohmann::json& audience, int ttl, bool named = false) const;
  // The kid the trust domain signs with now (its bundle's first key).
  std::string bundle_kid() const;
  // The agent's DPoP-bound access token, with a key made for it. Throws std::runtime_error
  // quoting Keycloak's error (never the assertion or a token).
  BoundToken bound_token(const std::string& agent) const;

  std::string issuer() const;

 private:
  // The trust domain's SPIFFE IDs this client may name (mock-spiffe: every registered one).
  nlohmann::json registered_workloads() const;
  std::string svid_from_workload_api(const std::string& spiffe_id, const nlohmann::json& audience, int ttl, bool named) const;

  const stack::StackFile& stack_;
  std::string spiffe_url_;
  std::string workload_api_;  // the real SPIRE's (unix://…): SVIDs come through it, as a workload's do
};

}  // namespace mcph::harness::scenario
