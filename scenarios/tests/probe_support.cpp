#include "probe_support.h"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "mcph/http/basic_auth.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/proc/private_file.h"

namespace mcph::harness::scenario {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string token_command(const fs::path& dir, const std::string& token) {
  proc::write_private_file(dir / "token", token + "\n");
  const fs::path script = dir / "print-token";
  std::ofstream(script) << "#!/bin/sh\nexec cat " << (dir / "token").string() << "\n";
  ::chmod(script.c_str(), 0700);
  return script.string();
}

std::string client_credentials_token(const stack::ClientCredentialsAuth& grant, const fs::path& stack_dir,
                                     const std::string& agent, const std::string& scope) {
  fs::path clients_file = grant.clients_file;
  if (clients_file.is_relative()) clients_file = stack_dir / clients_file;
  std::ifstream in(clients_file);
  std::stringstream text;
  text << in.rdbuf();
  const Json client = Json::parse(text.str()).at(agent);
  const std::string id = client.at("client_id").get<std::string>();
  const std::string secret = client.at("client_secret").get<std::string>();
  http::Fields form = {{"grant_type", "client_credentials"}, {"scope", scope}};
  http::Fields headers;
  if (grant.method == "client_secret_basic") {
    headers.emplace_back("Authorization", http::basic_authorization(http::percent_encode(id), http::percent_encode(secret)));
  } else {
    form.emplace_back("client_id", id);
    form.emplace_back("client_secret", secret);
  }
  const http::Url token_url = http::parse_url(grant.token_url);
  http::Client client_of_endpoint(token_url.origin());
  const auto response =
      client_of_endpoint.post(token_url.path, http::form_encode(form), "application/x-www-form-urlencoded", headers);
  const Json answer = Json::parse(response.body, nullptr, false);
  if (response.status != 200 || !answer.is_object() || !answer.contains("access_token")) {
    throw std::runtime_error(grant.token_url + " granted " + agent + " no token: HTTP " + std::to_string(response.status) +
                             " " + response.body);
  }
  return answer.at("access_token").get<std::string>();
}

}  // namespace mcph::harness::scenario
