#pragma once
// What mock-jira and mock-github share: every API route checks the request's credential
// against the secrets file's credentials (401 in the service's own shape when it is missing or unknown),
// tells the handler whose credential it is, and writes a ledger entry with the final status.
// Also serves GET /_ledger and DELETE /_ledger, and the fault hook (fault_hook.h):
// POST /_fault {"status": 503, "count": N} (count optional: until cleared), GET and DELETE
// /_fault — none of them authenticated or recorded. While the hook is set, API requests are
// answered with its status in the service's error shape, before any credential check (as an
// outage answers), and recorded with the credential they presented.
#include <functional>
#include <string>

#include "mcph/http/server.h"
#include "mcph/mock_backend/credential_file.h"
#include "mcph/mock_backend/fault_hook.h"
#include "mcph/mock_backend/ledger.h"

namespace mcph::mock_backend {

struct Caller {
  std::string user;   // "alice"
  std::string login;  // the backend user name, e.g. "alice-github"
};

using BackendHandler = std::function<void(const http::Request&, http::Response&, const Caller&)>;
// Fills the 401 answer for a missing (`who.user == "none"`) or unknown credential.
using Unauthorized = std::function<void(const Identification& who, http::Response&)>;

class Backend {
 public:
  Backend(http::Server& server, CredentialFile& credentials, Unauthorized unauthorized);
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // route_name: the pattern as the API documents it, for the ledger.
  void route(std::string method, std::string pattern, std::string route_name, BackendHandler handler);

  Ledger& ledger() { return ledger_; }
  FaultHook& fault_hook() { return fault_hook_; }

 private:
  http::Server& server_;
  CredentialFile& credentials_;
  Unauthorized unauthorized_;
  Ledger ledger_;
  FaultHook fault_hook_;
};

}  // namespace mcph::mock_backend
