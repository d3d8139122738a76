#include "observers.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "mcph/http/client.h"
#include "mcph/http/trace_context.h"
#include "mcph/http/url.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

namespace {

Json read_ledger(const std::string& backend_url, const std::string& query) {
  http::Client client(backend_url);
  const auto response = client.get("/_ledger" + query);
  if (response.status != 200) {
    throw std::runtime_error("GET " + backend_url + "/_ledger answered " + std::to_string(response.status));
  }
  Json entries = Json::parse(response.body, nullptr, false);
  if (!entries.is_array()) throw std::runtime_error("GET " + backend_url + "/_ledger did not answer a JSON array");
  return entries;
}

}  // namespace

std::string backend_of(const stack::StackFile& stack, const std::string& mcp_service) {
  const stack::ServiceEntry* entry = stack.find_service(mcp_service);
  const std::string role = stack.role_of(mcp_service);
  const std::string fallback = role.size() > 4 && role.ends_with("-mcp")
                                   ? role.substr(0, role.size() - 4) + "-api"
                                   : std::string();
  const std::string backend = entry && !entry->mcp.backend.empty() ? entry->mcp.backend : fallback;
  return !backend.empty() && stack.find_service(backend) ? backend : "";
}

LedgerIndex ledger_by_trace(const std::string& backend_url) {
  LedgerIndex index;
  for (const auto& entry : read_ledger(backend_url, "")) {
    if (!entry.is_object()) continue;
    const std::string trace = entry.value("trace_id", "");
    if (trace.empty()) continue;
    index[trace].push_back({entry.value("credential_of", ""), entry.value("status", 0), entry.value("credential", "")});
  }
  return index;
}

Json ledger_entries(const std::string& backend_url, const std::string& trace_id) {
  const Json entries = read_ledger(backend_url, "?trace_id=" + http::percent_encode(trace_id));
  // Filter here as well: a backend that ignores the query parameter must not mix calls up.
  Json mine = Json::array();
  for (const auto& entry : entries) {
    if (entry.is_object() && entry.value("trace_id", "") == trace_id) mine.push_back(entry);
  }
  return mine;
}

std::uint64_t ledger_last_seq(const std::string& backend_url) {
  std::uint64_t last = 0;
  for (const auto& entry : read_ledger(backend_url, "")) {
    if (entry.is_object()) last = std::max(last, entry.value("seq", std::uint64_t{0}));
  }
  return last;
}

Json ledger_entries_after(const std::string& backend_url, std::uint64_t seq) {
  Json after = Json::array();
  for (const auto& entry : read_ledger(backend_url, "")) {
    if (entry.is_object() && entry.value("seq", std::uint64_t{0}) > seq) after.push_back(entry);
  }
  return after;
}

AuditTail::AuditTail(std::filesystem::path path) : path_(std::move(path)) { skip_to_end(); }

void AuditTail::skip_to_end() {
  std::error_code error;
  offset_ = available() ? std::filesystem::file_size(path_, error) : 0;
  if (error) offset_ = 0;
}

Json AuditTail::read_new() {
  Json entries = Json::array();
  if (!available()) return entries;
  std::ifstream in(path_);
  if (!in) return entries;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) {
      // A line without its newline is still being written: read it next time.
      break;
    }
    offset_ += line.size() + 1;
    Json entry = Json::parse(line, nullptr, false);
    if (entry.is_object()) entries.push_back(std::move(entry));
  }
  return entries;
}

namespace {

// The trace-ids of the traceparent values Vault audited for an entry's request (a list of
// values under request.headers.traceparent); malformed values name no trace.
std::vector<std::string> audited_trace_ids(const Json& entry) {
  std::vector<std::string> ids;
  const Json values = entry.value("/request/headers/traceparent"_json_pointer, Json::array());
  if (!values.is_array()) return ids;
  for (const auto& value : values) {
    const auto trace = value.is_string() ? http::parse_traceparent(value.get<std::string>()) : std::nullopt;
    if (trace) ids.push_back(trace->trace_id);
  }
  return ids;
}

}  // namespace

Json entries_of_traces(const Json& entries, const std::vector<std::string>& trace_ids) {
  Json mine = Json::array();
  for (const auto& entry : entries) {
    const auto ids = audited_trace_ids(entry);
    const bool ours = std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return std::find(trace_ids.begin(), trace_ids.end(), id) != trace_ids.end();
    });
    if (ours) mine.push_back(entry);
  }
  return mine;
}

Json entries_without_trace(const Json& entries) {
  Json untraced = Json::array();
  for (const auto& entry : entries) {
    if (audited_trace_ids(entry).empty()) untraced.push_back(entry);
  }
  return untraced;
}

std::string path_owner(const std::string& vault_path) {
  static const std::regex kv("^[^/]+/(?:data|metadata)/users/([^/]+)(?:/.*)?$");
  static const std::regex database("^[^/]+/creds/([^/]+)$");
  std::smatch match;
  if (std::regex_match(vault_path, match, kv) || std::regex_match(vault_path, match, database)) return match[1];
  return "";
}

}  // namespace mcph::harness::scenario
