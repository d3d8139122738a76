#include "mcph/contract/server_under_test.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace mcph::contract {
namespace {

std::string stack_file_path() {
  const char* path = std::getenv("MCPH_STACK_FILE");
  return path ? path : "";
}

class SkipWithoutStackFile : public ::testing::Environment {
 public:
  void SetUp() override {
    const std::string path = stack_file_path();
    if (!path.empty() && !std::filesystem::exists(path)) {
      GTEST_SKIP() << "no stack file at " << path
                   << ": the real stack did not come up because the real tier is not installed "
                      "(install it with scripts/bootstrap --real)";
    }
  }
};

}  // namespace

std::string ServiceUnderTest::field(const std::string& key, const std::string& fallback) const {
  const auto it = fields.find(key);
  return it == fields.end() || it->second.empty() ? fallback : it->second;
}

std::optional<ServiceUnderTest> service_from_stack_file(const std::string& service) {
  const std::string path = stack_file_path();
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  const auto stack = nlohmann::json::parse(in, nullptr, false);
  if (!in.is_open() || !stack.is_object()) throw std::runtime_error("cannot read the stack file " + path);
  const auto entry = stack.value("/services"_json_pointer, nlohmann::json::object()).value(service, nlohmann::json());
  if (!entry.is_object() || !entry.contains("url")) {
    throw std::runtime_error("the stack file " + path + " has no service " + service);
  }
  ServiceUnderTest out;
  for (const auto& [key, value] : entry.items()) {
    if (value.is_string()) out.fields[key] = value.get<std::string>();
  }
  out.url = out.fields["url"];
  while (!out.url.empty() && out.url.back() == '/') out.url.pop_back();
  return out;
}

bool skip_all_when_the_stack_file_is_missing() {
  ::testing::AddGlobalTestEnvironment(new SkipWithoutStackFile);
  return true;
}

}  // namespace mcph::contract
