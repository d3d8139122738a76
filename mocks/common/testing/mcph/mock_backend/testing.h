#pragma once
// Test support for the mock backends: start a mock binary on an ephemeral port with the
// project's fixtures, and read the fixture secrets.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/proc/child_process.h"

namespace mcph::mock_backend::testing {

struct RunningMock {
  proc::ChildProcess process;
  std::string url;  // http://127.0.0.1:PORT
};

// Spawns `binary --secrets <fixtures>/secrets.json --data <data_file> --port 0`, its output
// going to `log_path`, and waits for its listening line.
RunningMock start_mock(const std::string& binary, const std::string& fixtures_dir, const std::string& data_file,
                       const std::string& log_path);

nlohmann::json fixture_secrets(const std::string& fixtures_dir);
std::string read_text(const std::string& path);

}  // namespace mcph::mock_backend::testing
