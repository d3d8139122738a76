#include "mcph/mock_cognito/mock_cognito.h"

#include "errors.h"
#include "model.h"
#include "routes.h"

namespace mcph::mock_cognito {

MockCognito::MockCognito(Options options) : state_(std::make_unique<State>()) {
  while (!options.issuer_base.empty() && options.issuer_base.back() == '/') options.issuer_base.pop_back();
  state_->options = options;
  http::ServerOptions server_options;
  server_options.name = "cognito";
  server_options.port = options.port;
  server_options.access_log = options.access_log;
  server_options.error_formatter = format_router_error;
  server_ = std::make_unique<http::Server>(server_options);
  state_->server = server_.get();
  add_routes(*server_, *state_);
}

MockCognito::~MockCognito() { stop(); }

int MockCognito::start() { return server_->start(); }

void MockCognito::stop() {
  if (server_) server_->stop();
}

std::string MockCognito::url() const { return server_->url(); }

http::Server& MockCognito::server() { return *server_; }

}  // namespace mcph::mock_cognito
