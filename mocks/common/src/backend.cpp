#include "mcph/mock_backend/backend.h"

#include <nlohmann/json.hpp>

#include "mcph/http/trace_context.h"

namespace mcph::mock_backend {

Backend::Backend(http::Server& server, CredentialFile& credentials, Unauthorized unauthorized)
    : server_(server), credentials_(credentials), unauthorized_(std::move(unauthorized)) {
  server_.route("GET", "/_ledger", [this](const http::Request& req, http::Response& res) {
    const std::optional<std::string> trace_id = req.query_param("trace_id");
    if (trace_id && !trace_id->empty() && !http::is_valid_trace_id(*trace_id)) {
      throw http::HttpError(400, "trace_id must be 32 lowercase hex digits (not all zero), or empty");
    }
    res.set_json(200, ledger_.to_json(trace_id));
  });
  server_.route("DELETE", "/_ledger", [this](const http::Request&, http::Response& res) {
    ledger_.clear();
    res.status = 204;
  });
  server_.route("POST", "/_fault", [this](const http::Request& req, http::Response& res) {
    const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("status") || !body["status"].is_number_integer() ||
        (body.contains("count") && !body["count"].is_number_integer())) {
      throw http::HttpError(400, R"(expected {"status": 500-599, "count": N (optional: until cleared)})");
    }
    try {
      fault_hook_.set(body["status"].get<int>(), body.value("count", std::int64_t{0}));
    } catch (const std::invalid_argument& e) {
      throw http::HttpError(400, e.what());
    }
    res.set_json(200, fault_hook_.to_json());
  });
  server_.route("GET", "/_fault", [this](const http::Request&, http::Response& res) {
    res.set_json(200, fault_hook_.to_json());
  });
  server_.route("DELETE", "/_fault", [this](const http::Request&, http::Response& res) {
    fault_hook_.clear();
    res.status = 204;
  });
}

void Backend::route(std::string method, std::string pattern, std::string route_name, BackendHandler handler) {
  server_.route(method, std::move(pattern),
                [this, method, route_name = std::move(route_name), handler = std::move(handler)](
                    const http::Request& req, http::Response& res) {
    const Identification who = credentials_.current()->identify(parse_authorization(req.header("Authorization")));
    LedgerEntry entry;
    entry.method = method;
    entry.route = route_name;
    entry.path = req.path;
    entry.credential_of = who.user;
    entry.credential = who.hint;
    entry.scheme = who.scheme;
    entry.credential_field = who.kind;
    if (const auto trace = http::trace_context_of(req)) entry.trace_id = trace->parent.trace_id;
    if (const auto status = fault_hook_.take()) {
      entry.status = *status;
      ledger_.record(std::move(entry));
      throw http::HttpError(*status, "the service is unavailable (a fault injected by the test harness)");
    }
    if (!who.known()) {
      unauthorized_(who, res);
      entry.status = res.status;
      ledger_.record(std::move(entry));
      return;
    }
    try {
      handler(req, res, Caller{who.user, who.login});
      entry.status = res.status;
    } catch (const http::HttpError& e) {
      entry.status = e.status();
      ledger_.record(std::move(entry));
      throw;
    } catch (...) {
      entry.status = 500;
      ledger_.record(std::move(entry));
      throw;
    }
    ledger_.record(std::move(entry));
  });
}

}  // namespace mcph::mock_backend
