#pragma once
// mock-cognito: an in-memory stand-in for the Amazon Cognito user pool API (cognito-idp, the
// JSON 1.1 protocol on POST /) and each pool's JWKS and discovery document. The executable wraps
// this class; tests and fuzz targets may run it in-process.
#include <memory>
#include <string>

#include "mcph/http/server.h"

namespace mcph::mock_cognito {

struct Options {
  int port = 0;                    // 0 = any free loopback port
  std::string region = "us-east-1";
  // Base of every pool's issuer (<issuer_base>/<pool id>); empty = Cognito's own,
  // https://cognito-idp.<region>.amazonaws.com.
  std::string issuer_base;
  bool access_log = true;
};

class MockCognito {
 public:
  explicit MockCognito(Options options);
  ~MockCognito();
  MockCognito(const MockCognito&) = delete;
  MockCognito& operator=(const MockCognito&) = delete;

  int start();  // binds and serves on background threads; returns the port
  void stop();
  std::string url() const;  // http://127.0.0.1:PORT
  http::Server& server();   // for http::serve_until_signal and Server::dispatch

  struct State;

 private:
  std::unique_ptr<State> state_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace mcph::mock_cognito
