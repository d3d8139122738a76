#include "mcph/mock_backend/backend.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mcph::mock_backend {

Backend::Backend(http::Server& server, CredentialSet credentials, Unauthorized unauthorized)
    : server_(server), credentials_(std::move(credentials)), unauthorized_(std::move(unauthorized)) {
  server_.route("GET", "/_ledger", [this](const http::Request&, http::Response& res) {
    res.set_json(200, ledger_.to_json());
  });
  server_.route("DELETE", "/_ledger", [this](const http::Request&, http::Response& res) {
    ledger_.clear();
    res.status = 204;
  });
}

void Backend::route(std::string method, std::string pattern, std::string route_name, BackendHandler handler) {
  server_.route(method, std::move(pattern),
                [this, method, route_name = std::move(route_name), handler = std::move(handler)](
                    const http::Request& req, http::Response& res) {
    const Identification who = credentials_.identify(parse_authorization(req.header("Authorization")));
    LedgerEntry entry;
    entry.method = method;
    entry.route = route_name;
    entry.path = req.path;
    entry.credential_of = who.user;
    entry.credential = who.hint;
    entry.scheme = who.scheme;
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

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

MockOptions parse_mock_options(int argc, char** argv, const char* program, std::string default_data_path) {
  MockOptions options;
  options.data_path = std::move(default_data_path);
  auto usage = [program](const std::string& problem) {
    std::fprintf(stderr, "%s: %s\nusage: %s --secrets FILE [--data FILE] [--port N] [--host H]\n", program,
                 problem.c_str(), program);
    std::exit(2);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage("missing value for " + arg);
    const std::string value = argv[++i];
    if (arg == "--secrets") {
      options.secrets_path = value;
    } else if (arg == "--data") {
      options.data_path = value;
    } else if (arg == "--host") {
      options.host = value;
    } else if (arg == "--port") {
      char* end = nullptr;
      const long port = std::strtol(value.c_str(), &end, 10);
      if (end == value.c_str() || *end != '\0' || port < 0 || port > 65535) usage("bad --port " + value);
      options.port = static_cast<int>(port);
    } else {
      usage("unknown argument " + arg);
    }
  }
  if (options.secrets_path.empty()) usage("--secrets is required");
  return options;
}

}  // namespace mcph::mock_backend
