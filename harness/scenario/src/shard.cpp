#include "mcph/harness/scenario/shard.h"

#include <charconv>
#include <cstdlib>
#include <fstream>

#include "mcph/codec/hex.h"
#include "mcph/harness/scenario/scenario.h"
#include "mcph/openssl/crypto.h"
#include "mcph/reports/report_json.h"

namespace mcph::harness::scenario {
namespace {

std::optional<int> number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void check_range(const Shard& shard, const std::string& what) {
  if (shard.count < 1 || shard.count > kMaxShards) {
    throw std::invalid_argument(what + ": the number of shards must be 1 to " + std::to_string(kMaxShards) + ", not " +
                                std::to_string(shard.count));
  }
  if (shard.index < 0 || shard.index >= shard.count) {
    throw std::invalid_argument(what + ": the shard index must be 0 to " + std::to_string(shard.count - 1) +
                                " (shards count from 0), not " + std::to_string(shard.index));
  }
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  const auto index = number(text.substr(0, slash));
  const auto count = slash == std::string_view::npos ? std::nullopt : number(text.substr(slash + 1));
  if (!index || !count) {
    throw std::invalid_argument("--shard: expected INDEX/COUNT, e.g. 0/3 for the first of three workers, not '" +
                                std::string(text) + "'");
  }
  Shard shard{*index, *count};
  check_range(shard, "--shard " + std::string(text));
  return shard;
}

std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& get) {
  const auto read = [&](const char* name) -> const char* { return get ? get(name) : std::getenv(name); };
  const char* index_text = read("JOB_COMPLETION_INDEX");
  if (!index_text) return std::nullopt;
  const char* count_text = read(kShardCountVariable);
  if (!count_text) {
    throw std::invalid_argument(std::string("JOB_COMPLETION_INDEX is set (an Indexed Job's worker) but ") +
                                kShardCountVariable + " is not: set it to the Job's completions");
  }
  const auto index = number(index_text);
  const auto count = number(count_text);
  if (!index || !count) {
    throw std::invalid_argument(std::string("JOB_COMPLETION_INDEX='") + index_text + "' and " + kShardCountVariable + "='" +
                                count_text + "' must be whole numbers");
  }
  Shard shard{*index, *count};
  check_range(shard, "JOB_COMPLETION_INDEX and " + std::string(kShardCountVariable));
  return shard;
}

void write_shard_result(const std::filesystem::path& dir, const Shard& shard, const reports::RunReport& report,
                        const std::vector<ScenarioFile>& files, const nlohmann::json& load_records) {
  std::filesystem::create_directories(dir);
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& file : files) {
    sources.push_back({{"path", file.path},
                       {"suite", file.suite},
                       {"sha256", codec::hex_encode(openssl::sha256(file.source))},
                       {"source", file.source}});
  }
  const nlohmann::json result = {{"format", "mcp-harness-shard/1"},
                                 {"shard", shard.index},
                                 {"shards", shard.count},
                                 {"files", sources},
                                 {"report", nlohmann::json::parse(reports::to_json_text(report))},
                                 {"load_steps", load_records}};
  const auto path = dir / "shard.json";
  const auto partial = dir / "shard.json.partial";
  {
    std::ofstream out(partial);
    out << result.dump() << "\n";
    if (!out) throw std::runtime_error("cannot write " + partial.string());
  }
  // Whole or absent: a merge never reads half a result.
  std::filesystem::rename(partial, path);
}

}  // namespace mcph::harness::scenario
