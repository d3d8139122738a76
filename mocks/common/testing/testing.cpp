#include "mcph/mock_backend/testing.h"

#include <fstream>
#include <sstream>

#include "mcph/proc/service.h"

namespace mcph::mock_backend::testing {

RunningMock start_mock(const std::string& binary, const std::string& fixtures_dir, const std::string& data_file,
                       const std::string& log_path) {
  proc::SpawnOptions options;
  options.argv = {binary, "--secrets", fixtures_dir + "/secrets.json", "--data", fixtures_dir + "/backends/" + data_file,
                  "--port", "0"};
  options.log_path = log_path;
  auto started = proc::start_service(std::move(options));
  return RunningMock{std::move(started.process), std::move(started.url)};
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json fixture_secrets(const std::string& fixtures_dir) {
  return nlohmann::json::parse(read_text(fixtures_dir + "/secrets.json"));
}

}  // namespace mcph::mock_backend::testing
