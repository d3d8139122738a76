#include "mcph/harness/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "expectation_kinds.h"
#include "fault_spec.h"
#include "load_spec.h"
#include "mcph/harness/target_profile.h"
#include "mcph/harness/text_file.h"
#include "mcph/text/join.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;

// A cursor into the document: the node, and the field path used in messages.
class Reader {
 public:
  Reader(const std::string& origin) : origin_(origin) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& field, const std::string& message) const {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    throw ScenarioError(origin_ + ":" + std::to_string(line) + ": " + field + ": " + message);
  }
  SourceLocation where(const YAML::Node& node) const { return {origin_, node.Mark().line + 1}; }

  // A mapping's key as text; YAML allows a mapping or a list as a key ("? {a: 1}: …"), a
  // scenario file never does (found by scenario_loader_fuzz).
  std::string key(const YAML::Node& key_node, const std::string& field) const {
    if (!key_node.IsScalar()) fail(key_node, field, "expected a name as key, got a mapping or a list");
    return key_node.Scalar();
  }

  void only_keys(const YAML::Node& map, const std::string& field, const std::set<std::string>& allowed) const {
    if (!map.IsMap()) fail(map, field, "expected a mapping");
    for (const auto& item : map) {
      const std::string key = this->key(item.first, field);
      if (!allowed.count(key)) {
        fail(item.first, join(field, key), "unknown key (allowed here: " + text::join(allowed) + ")");
      }
    }
  }

  std::string text(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) fail(node, field, "expected a text value");
    return node.as<std::string>();
  }
  std::string text_or(const YAML::Node& map, const std::string& key, const std::string& field,
                      const std::string& fallback = {}) const {
    const YAML::Node node = map[key];
    return node.IsDefined() ? text(node, join(field, key)) : fallback;
  }
  std::string required_text(const YAML::Node& map, const std::string& key, const std::string& field) const {
    const YAML::Node node = map[key];
    if (!node.IsDefined()) fail(map, join(field, key), "missing");
    const std::string value = text(node, join(field, key));
    if (value.empty()) fail(node, join(field, key), "must not be empty");
    return value;
  }
  long integer(const YAML::Node& node, const std::string& field) const {
    const Json value = json(node, field);
    if (!value.is_number_integer()) fail(node, field, "expected an integer, got " + value.dump());
    return value.get<long>();
  }
  std::map<std::string, std::string> text_map(const YAML::Node& node, const std::string& field) const {
    if (!node.IsMap()) fail(node, field, "expected a mapping of names to text");
    std::map<std::string, std::string> out;
    for (const auto& item : node) {
      const std::string key = this->key(item.first, field);
      out[key] = text(item.second, join(field, key));
    }
    return out;
  }

  // Header fields in order: a mapping, or a list of one-entry mappings (a name may repeat).
  std::vector<std::pair<std::string, std::string>> header_fields(const YAML::Node& node, const std::string& field) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (node.IsMap()) {
      for (const auto& [name, value] : text_map(node, field)) out.emplace_back(name, value);
      return out;
    }
    if (!node.IsSequence()) fail(node, field, "expected a mapping of header names to values, or a list of them");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string here = field + "[" + std::to_string(i) + "]";
      if (!node[i].IsMap() || node[i].size() != 1) fail(node[i], here, "expected one header: {Name: value}");
      for (const auto& item : node[i]) {
        const std::string name = key(item.first, here);
        out.emplace_back(name, text(item.second, join(here, name)));
      }
    }
    return out;
  }

  // YAML to JSON: plain scalars become numbers, booleans or null where they read as such;
  // quoted scalars stay strings. An alias is its anchor's value again, so a document can name a
  // value inside itself (`&a [*a]`: endless) or one that doubles at every level ("billion
  // laughs"): the depth, and the number of values the whole file makes, are bounded (found by
  // scenario_loader_fuzz).
  Json json(const YAML::Node& node, const std::string& field) const { return json(node, field, 0); }

  static std::string join(const std::string& field, const std::string& key) {
    return field.empty() ? key : field + "." + key;
  }

 private:
  static constexpr int kMaxJsonDepth = 64;
  static constexpr std::size_t kMaxJsonValues = 200'000;

  Json json(const YAML::Node& node, const std::string& field, int depth) const {
    if (depth > kMaxJsonDepth) {
      fail(node, field, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (an alias inside its own anchor?)");
    }
    if (json_values_left_ == 0) {
      fail(node, field, "the file makes more than " + std::to_string(kMaxJsonValues) + " values once its aliases are expanded");
    }
    --json_values_left_;
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Sequence: {
        Json out = Json::array();
        for (std::size_t i = 0; i < node.size(); ++i) {
          out.push_back(json(node[i], field + "[" + std::to_string(i) + "]", depth + 1));
        }
        return out;
      }
      case YAML::NodeType::Map: {
        Json out = Json::object();
        for (const auto& item : node) {
          const std::string key = this->key(item.first, field);
          out[key] = json(item.second, join(field, key), depth + 1);
        }
        return out;
      }
      case YAML::NodeType::Scalar:
        break;
    }
    const std::string value = node.Scalar();
    if (node.Tag() != "?") return value;  // quoted
    if (value == "true" || value == "True") return true;
    if (value == "false" || value == "False") return false;
    if (value == "null" || value == "~") return nullptr;
    if (!value.empty() && (std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '-')) {
      std::size_t used = 0;
      try {
        const long long whole = std::stoll(value, &used);
        if (used == value.size()) return whole;
        const double real = std::stod(value, &used);
        if (used == value.size() && std::isfinite(real)) return real;
      } catch (const std::exception&) {
      }
    }
    return value;
  }

  std::string origin_;
  mutable std::size_t json_values_left_ = kMaxJsonValues;
};

// "1.5s", "500ms", "2" (seconds), "1m".
double parse_duration(const Reader& reader, const YAML::Node& node, const std::string& field) {
  const std::string value = reader.text(node, field);
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(value, &used);
  } catch (const std::exception&) {
    reader.fail(node, field, "expected a duration such as 1.5s or 500ms, got \"" + value + "\"");
  }
  const std::string unit = value.substr(used);
  double seconds = 0;
  if (unit.empty() || unit == "s") {
    seconds = number;
  } else if (unit == "ms") {
    seconds = number / 1000;
  } else if (unit == "m") {
    seconds = number * 60;
  } else {
    reader.fail(node, field, "unknown unit \"" + unit + "\" (use ms, s or m)");
  }
  if (!(seconds >= 0) || seconds > 600) reader.fail(node, field, "must be between 0 and 10 minutes");
  return seconds;
}

// The fields each token action takes besides name (and the step's own keys).
const std::map<std::string, std::set<std::string>>& token_action_fields() {
  static const std::map<std::string, std::set<std::string>> fields = {
      {"fresh", {"client", "client_secret", "scope"}},
      {"refresh", {}},
      {"expire", {}},
      {"tamper", {"from", "claims"}},
      {"forge", {"from", "claims", "header", "payload_text", "sign", "pad_bytes", "encoding"}},
      {"raw", {"value"}},
      {"id_token", {"client", "client_secret", "scope"}},
      {"refresh_token", {"client", "client_secret"}},
      {"client_credentials", {"client", "client_secret", "scope"}},
      {"exchange", {"from", "client", "client_secret", "audience"}},
      {"other_realm", {}},
  };
  return fields;
}

Json read_object(const Reader& reader, const YAML::Node& node, const std::string& field) {
  const Json object = reader.json(node, field);
  if (!object.is_object()) reader.fail(node, field, "expected a mapping");
  return object;
}

void read_token_step(const Reader& reader, const YAML::Node& node, const std::string& field, const YAML::Node& value,
                     const std::string& here, Step& step, std::set<std::string>& allowed) {
  step.action = reader.text(value, here);
  const auto& actions = token_action_fields();
  const auto action = actions.find(step.action);
  if (action == actions.end()) {
    reader.fail(value, here, "unknown token action \"" + step.action + "\" (" + text::join(actions, ", ", [](const auto& entry) -> const std::string& { return entry.first; }) + ")");
  }
  allowed.insert("name");
  allowed.insert(action->second.begin(), action->second.end());
  const auto text = [&](const char* key) { return reader.text_or(node, key, field); };
  step.client = text("client");
  step.client_secret = text("client_secret");
  step.from = text("from");
  step.scope = text("scope");
  step.audience = text("audience");
  step.value = text("value");
  step.payload_text = text("payload_text");
  step.encoding = text("encoding");
  step.sign = text("sign");
  if (node["claims"].IsDefined()) step.claims = read_object(reader, node["claims"], Reader::join(field, "claims")).dump();
  if (node["header"].IsDefined()) step.header = read_object(reader, node["header"], Reader::join(field, "header")).dump();
  if (node["pad_bytes"].IsDefined()) {
    const long pad = reader.integer(node["pad_bytes"], Reader::join(field, "pad_bytes"));
    if (pad < 1 || pad > 1'000'000) reader.fail(node["pad_bytes"], Reader::join(field, "pad_bytes"), "must be 1 to 1000000");
    step.pad_bytes = static_cast<int>(pad);
  }
  static const std::set<std::string> signs = {"", "keep", "strip", "cut", "attacker", "attacker_embedded_jwk",
                                              "hs256_realm_public", "es256_zero"};
  if (!signs.count(step.sign)) {
    reader.fail(node["sign"], Reader::join(field, "sign"),
                "expected keep, strip, cut, attacker, attacker_embedded_jwk, hs256_realm_public or es256_zero");
  }
  if (step.encoding != "" && step.encoding != "padded" && step.encoding != "standard") {
    reader.fail(node["encoding"], Reader::join(field, "encoding"), "expected padded or standard");
  }
  if (step.action == "tamper" && step.claims.empty()) reader.fail(node, Reader::join(field, "claims"), "tamper needs claims to change");
  if (step.action == "raw" && step.value.empty()) reader.fail(node, Reader::join(field, "value"), "raw needs the token's text");
  if (step.action == "exchange" && step.client.empty()) {
    reader.fail(node, Reader::join(field, "client"), "exchange needs the client that exchanges (e.g. jira-mcp)");
  }
  if (node["name"].IsDefined()) step.token_name = reader.text(node["name"], Reader::join(field, "name"));
}

// A generated http body ({"pad":""} and its filler): from 10 bytes to 64 MiB, past any
// server's limit (Vault's is 32 MiB).
constexpr long kMinGeneratedBody = 10;
constexpr long kMaxGeneratedBody = 64L * 1024 * 1024;
// No wait of a tcp step may be longer than this.
constexpr long kMaxTcpWaitMs = 60'000;

long bounded_integer(const Reader& reader, const YAML::Node& node, const std::string& field, long low, long high) {
  const long value = reader.integer(node, field);
  if (value < low || value > high) reader.fail(node, field, "must be " + std::to_string(low) + " to " + std::to_string(high));
  return value;
}

// tcp: {server, send: [chunks], delay_ms, trickle: {text, every_ms, times}, read_ms}
void read_tcp_step(const Reader& reader, const YAML::Node& value, const std::string& here, Step& step) {
  reader.only_keys(value, here, {"server", "send", "delay_ms", "trickle", "read_ms"});
  step.server = reader.required_text(value, "server", here);
  const YAML::Node send = value["send"];
  const std::string send_field = Reader::join(here, "send");
  if (!send.IsDefined()) reader.fail(value, send_field, "missing");
  if (!send.IsSequence() || send.size() == 0) reader.fail(send, send_field, "expected a non-empty list of text chunks");
  for (std::size_t i = 0; i < send.size(); ++i) {
    step.chunks.push_back(reader.text(send[i], send_field + "[" + std::to_string(i) + "]"));
  }
  if (value["delay_ms"].IsDefined()) {
    step.delay_ms = static_cast<int>(bounded_integer(reader, value["delay_ms"], Reader::join(here, "delay_ms"), 0, kMaxTcpWaitMs));
  }
  if (value["read_ms"].IsDefined()) {
    step.read_ms = static_cast<int>(bounded_integer(reader, value["read_ms"], Reader::join(here, "read_ms"), 1, kMaxTcpWaitMs));
  }
  if (const YAML::Node trickle = value["trickle"]; trickle.IsDefined()) {
    const std::string field = Reader::join(here, "trickle");
    reader.only_keys(trickle, field, {"text", "every_ms", "times"});
    for (const char* key : {"text", "every_ms", "times"}) {
      if (!trickle[key].IsDefined()) reader.fail(trickle, Reader::join(field, key), "missing");
    }
    step.trickle = reader.required_text(trickle, "text", field);
    step.trickle_every_ms = static_cast<int>(bounded_integer(reader, trickle["every_ms"], Reader::join(field, "every_ms"), 1, kMaxTcpWaitMs));
    step.trickle_times = static_cast<int>(bounded_integer(reader, trickle["times"], Reader::join(field, "times"), 1, 10'000));
    if (static_cast<long>(step.trickle_every_ms) * step.trickle_times > kMaxTcpWaitMs) {
      reader.fail(trickle, field, "every_ms × times must be at most " + std::to_string(kMaxTcpWaitMs) + " ms");
    }
  }
  if (static_cast<long>(step.delay_ms) * static_cast<long>(step.chunks.size()) > kMaxTcpWaitMs) {
    reader.fail(value, Reader::join(here, "delay_ms"), "delay_ms × chunks must be at most " + std::to_string(kMaxTcpWaitMs) + " ms");
  }
}

// The node a StepSpecError's dotted key names below `value` (the deepest one that exists).
YAML::Node node_at(const YAML::Node& value, const std::string& key) {
  YAML::Node at = value;
  std::size_t start = 0;
  while (!key.empty() && start <= key.size() && at.IsMap()) {
    const std::size_t dot = std::min(key.find('.', start), key.size());
    const YAML::Node next = at[key.substr(start, dot - start)];
    if (!next.IsDefined()) break;
    at = next;
    start = dot + 1;
  }
  return at;
}

// A step read from its mapping as JSON (fault, load): a StepSpecError becomes the loader's
// file:line: field: message.
template <typename Read>
void read_json_step(const Reader& reader, const YAML::Node& value, const std::string& here, Read read) {
  try {
    read(reader.json(value, here));
  } catch (const StepSpecError& e) {
    reader.fail(node_at(value, e.key()), e.key().empty() ? here : Reader::join(here, e.key()), e.what());
  }
}

Step read_step(const Reader& reader, const YAML::Node& node, const std::string& field, const StackNeeds& needs) {
  std::set<std::string> actions;
  for (const auto& entry : step_kinds()) actions.insert(entry.name);
  const std::string action_names = text::join(step_kinds(), ", ", &StepKindName::name);
  if (!node.IsMap()) reader.fail(node, field, "expected a mapping with one of " + action_names);
  Step step;
  step.where = reader.where(node);
  std::string action;
  for (const auto& item : node) {
    const std::string key = reader.key(item.first, field);
    if (!actions.count(key)) continue;
    if (!action.empty()) reader.fail(item.first, field, "both \"" + action + "\" and \"" + key + "\": one action per step");
    action = key;
  }
  if (action.empty()) reader.fail(node, field, "no action: expected one of " + action_names);

  std::set<std::string> allowed = {action, "as", "with_token", "describe", "property", "expect", "save"};
  const YAML::Node value = node[action];
  const std::string here = Reader::join(field, action);
  for (const auto& entry : step_kinds()) {
    if (action == entry.name) step.kind = entry.kind;
  }
  if (step.kind == StepKind::call) {
    allowed.insert({"args", "repeat", "until", "headers"});
    const std::string target = reader.text(value, here);
    const auto dot = target.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) {
      reader.fail(value, here, "expected server.tool, e.g. jira.get_issue, got \"" + target + "\"");
    }
    step.server = target.substr(0, dot);
    step.tool = target.substr(dot + 1);
    if (node["args"].IsDefined()) {
      const Json args = reader.json(node["args"], Reader::join(field, "args"));
      if (!args.is_object()) reader.fail(node["args"], Reader::join(field, "args"), "expected a mapping");
      step.args = args.dump();
    }
    if (node["repeat"].IsDefined()) {
      const long repeat = reader.integer(node["repeat"], Reader::join(field, "repeat"));
      if (repeat < 1 || repeat > 1000) reader.fail(node["repeat"], Reader::join(field, "repeat"), "must be 1 to 1000");
      step.repeat = static_cast<int>(repeat);
    }
    if (node["until"].IsDefined()) {
      const std::string until_field = Reader::join(field, "until");
      if (reader.text(node["until"], until_field) != "rate_limited") reader.fail(node["until"], until_field, "the only stop is rate_limited");
      if (step.repeat < 2) reader.fail(node["until"], until_field, "stops a burst: give repeat, the most calls it makes");
      if (needs.rate_limit <= 0) {
        reader.fail(node["until"], until_field, "needs the file's rate limit (needs: {rate_limit: {requests: N, window_ms: W}})");
      }
      step.until_rate_limited = true;
      step.rate_limit = needs.rate_limit;
      step.rate_window_ms = needs.rate_window_ms;
    }
    if (node["headers"].IsDefined()) step.headers = reader.header_fields(node["headers"], Reader::join(field, "headers"));
  } else if (step.kind == StepKind::http) {
    reader.only_keys(value, here, {"server", "method", "path", "body", "json", "body_bytes", "probe", "headers", "auth"});
    step.server = reader.required_text(value, "server", here);
    step.method = reader.text_or(value, "method", here, "POST");
    step.path = reader.text_or(value, "path", here);
    const int bodies = value["body"].IsDefined() + value["json"].IsDefined() + value["body_bytes"].IsDefined() +
                       value["probe"].IsDefined();
    if (bodies > 1) reader.fail(value, here, "body, json, body_bytes and probe: give one");
    if (value["probe"].IsDefined()) {
      const Json probe = reader.json(value["probe"], Reader::join(here, "probe"));
      if (probe != Json(true)) {
        reader.fail(value["probe"], Reader::join(here, "probe"), "expected true (the target profile's probe request)");
      }
      step.probe = true;
    }
    if (value["body"].IsDefined()) step.body = reader.text(value["body"], Reader::join(here, "body"));
    if (value["json"].IsDefined()) step.body = reader.json(value["json"], Reader::join(here, "json")).dump();
    if (value["body_bytes"].IsDefined()) {
      step.body_bytes = static_cast<std::size_t>(
          bounded_integer(reader, value["body_bytes"], Reader::join(here, "body_bytes"), kMinGeneratedBody, kMaxGeneratedBody));
    }
    if (value["headers"].IsDefined()) step.headers = reader.header_fields(value["headers"], Reader::join(here, "headers"));
    step.authorization = reader.text_or(value, "auth", here, "token");
    if (step.authorization != "token" && step.authorization != "none") {
      reader.fail(value["auth"], Reader::join(here, "auth"), "expected token or none");
    }
  } else if (step.kind == StepKind::vault) {
    if (value.IsScalar()) {
      if (value.as<std::string>() != "whoami") reader.fail(value, here, "expected whoami or a mapping with path");
      step.whoami = true;
    } else {
      reader.only_keys(value, here, {"path", "method", "body", "whoami", "login"});
      step.vault_login = reader.text_or(value, "login", here, "exchanged");
      if (step.vault_login != "exchanged" && step.vault_login != "raw") {
        reader.fail(value["login"], Reader::join(here, "login"), "expected exchanged or raw");
      }
      step.whoami = value["whoami"].IsDefined() && reader.text(value["whoami"], Reader::join(here, "whoami")) == "true";
      if (step.whoami && value["path"].IsDefined()) reader.fail(value, here, "whoami and path: give one");
      if (!step.whoami) step.path = reader.required_text(value, "path", here);
      step.method = reader.text_or(value, "method", here, "GET");
      if (value["body"].IsDefined()) step.body = reader.json(value["body"], Reader::join(here, "body")).dump();
    }
  } else if (step.kind == StepKind::token) {
    read_token_step(reader, node, field, value, here, step, allowed);
  } else if (step.kind == StepKind::sql) {
    step.query = reader.text(value, here);
  } else if (step.kind == StepKind::tcp) {
    read_tcp_step(reader, value, here, step);
  } else if (step.kind == StepKind::fault) {
    read_json_step(reader, value, here, [&](const Json& json) { step.fault = read_fault_spec(json); });
  } else if (step.kind == StepKind::load) {
    read_json_step(reader, value, here, [&](const Json& json) { step.load = read_load_spec(json, needs); });
  } else if (step.kind == StepKind::idp) {
    step.idp_action = reader.text(value, here);
    if (step.idp_action != "rotate_signing_key") reader.fail(value, here, "unknown action (rotate_signing_key)");
    allowed.insert("keep_old_key");
    if (node["keep_old_key"].IsDefined()) {
      const Json keep = reader.json(node["keep_old_key"], Reader::join(field, "keep_old_key"));
      if (!keep.is_boolean()) reader.fail(node["keep_old_key"], Reader::join(field, "keep_old_key"), "expected true or false");
      step.keep_old_key = keep.get<bool>();
    }
  } else {  // wait
    step.seconds = parse_duration(reader, value, here);
  }
  reader.only_keys(node, field, allowed);

  step.as = reader.text_or(node, "as", field);
  if (node["with_token"].IsDefined()) step.token_name = reader.text(node["with_token"], Reader::join(field, "with_token"));
  step.describe = reader.text_or(node, "describe", field);
  step.property = reader.text_or(node, "property", field);
  const bool needs_user = step.kind == StepKind::call || step.kind == StepKind::token ||
                          (step.kind == StepKind::vault) || (step.kind == StepKind::http && step.authorization == "token");
  if (needs_user && step.as.empty() && step.token_name.empty()) reader.fail(node, Reader::join(field, "as"), "missing: who acts in this step");
  if (node["save"].IsDefined()) {
    step.save = reader.text_map(node["save"], Reader::join(field, "save"));
    for (const auto& [name, pointer] : step.save) {
      if ((pointer.empty() || pointer[0] != '/') && pointer.rfind("header:", 0) != 0) {
        reader.fail(node["save"], Reader::join(field, "save." + name),
                    "expected a JSON pointer such as /rows/0/who, or header:Name");
      }
    }
  }

  if (const YAML::Node expect = node["expect"]; expect.IsDefined()) {
    const std::string expect_field = Reader::join(field, "expect");
    const auto names = expectation_names_for(step.kind);
    reader.only_keys(expect, expect_field, std::set<std::string>(names.begin(), names.end()));
    for (const auto& item : expect) {
      const std::string kind = reader.key(item.first, expect_field);
      const std::string here = Reader::join(expect_field, kind);
      const Json expected = reader.json(item.second, here);
      if (const auto problem = shape_problem(find_expectation_kind(kind)->shape, expected)) {
        reader.fail(item.second, here, *problem);
      }
      step.expect.push_back({kind, expected.dump(), reader.where(item.first)});
    }
  }
  return step;
}

}  // namespace

const std::vector<StepKindName>& step_kinds() {
  static const std::vector<StepKindName> table = {{StepKind::call, "call"},   {StepKind::http, "http"},
                                                  {StepKind::vault, "vault"}, {StepKind::token, "token"},
                                                  {StepKind::sql, "sql"},     {StepKind::wait, "wait"},
                                                  {StepKind::tcp, "tcp"},     {StepKind::fault, "fault"},
                                                  {StepKind::idp, "idp"},     {StepKind::load, "load"}};
  return table;
}

const char* to_string(StepKind kind) {
  for (const auto& entry : step_kinds()) {
    if (entry.kind == kind) return entry.name;
  }
  return "?";
}

std::string identifier(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// transport: streamable-http (the scenario's, or at the top the file's), "" when absent.
std::string read_transport(const Reader& reader, const YAML::Node& map, const std::string& field) {
  const std::string transport = reader.text_or(map, "transport", field);
  if (!transport.empty() && !is_transport(transport)) {
    reader.fail(map["transport"], field.empty() ? "transport" : field + ".transport",
                "must be one of " + std::string(kTransports) + ", not \"" + transport + "\"");
  }
  return transport;
}

// needs: {generated_users: 6, rate_limit: {requests: 20, window_ms: 1000}}
StackNeeds read_needs(const Reader& reader, const YAML::Node& node) {
  reader.only_keys(node, "needs", {"generated_users", "rate_limit"});
  StackNeeds needs;
  needs.where = reader.where(node);
  if (const YAML::Node users = node["generated_users"]; users.IsDefined()) {
    const long count = reader.integer(users, "needs.generated_users");
    if (count < 0 || count > 10000) reader.fail(users, "needs.generated_users", "expected 0 to 10000");
    needs.generated_users = static_cast<int>(count);
  }
  if (const YAML::Node limit = node["rate_limit"]; limit.IsDefined()) {
    reader.only_keys(limit, "needs.rate_limit", {"requests", "window_ms"});
    for (const char* key : {"requests", "window_ms"}) {
      if (!limit[key].IsDefined()) reader.fail(limit, std::string("needs.rate_limit.") + key, "missing");
    }
    const long requests = reader.integer(limit["requests"], "needs.rate_limit.requests");
    const long window = reader.integer(limit["window_ms"], "needs.rate_limit.window_ms");
    if (requests <= 0) reader.fail(limit["requests"], "needs.rate_limit.requests", "expected a positive number");
    if (window <= 0) reader.fail(limit["window_ms"], "needs.rate_limit.window_ms", "expected a positive number");
    needs.rate_limit = static_cast<int>(requests);
    needs.rate_window_ms = static_cast<int>(window);
  }
  return needs;
}

namespace {

// YAML 1.2 (§5.1) streams are UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF) of printable characters: tab, line feed, carriage return, U+0020–U+007E, U+0085,
// U+00A0–U+D7FF, U+E000–U+FFFD and U+10000 on. yaml-cpp turns some others (a NUL) into bytes
// that are not UTF-8 at all, which no JSON can hold (found by scenario_loader_fuzz).
bool yaml_printable(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
}

// The first byte where the text stops being what a YAML stream may hold, and why.
struct Unreadable {
  std::size_t at;
  std::string why;
};

std::optional<Unreadable> first_unreadable(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (byte < 0x80) length = 1;
    else if (byte >= 0xC2 && byte <= 0xDF) length = 2;
    else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      if (byte == 0xE0) low = 0xA0;
      if (byte == 0xED) high = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      if (byte == 0xF0) low = 0x90;
      if (byte == 0xF4) high = 0x8F;
    } else {
      return Unreadable{i, "not UTF-8 text"};
    }
    if (i + length > text.size()) return Unreadable{i, "not UTF-8 text"};
    char32_t c = length == 1 ? byte : length == 2 ? byte & 0x1F : length == 3 ? byte & 0x0F : byte & 0x07;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return Unreadable{i, "not UTF-8 text"};
      c = (c << 6) | (next & 0x3F);
    }
    if (!yaml_printable(c)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      return Unreadable{i, std::string(code) + ", a character YAML does not allow"};
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace

ScenarioFile parse_scenario_file(const std::string& text, const std::string& origin) {
  // YAML is printable UTF-8 text, and the steps' JSON must be UTF-8: say so here rather than fail later.
  if (const auto unreadable = first_unreadable(text)) {
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(unreadable->at), '\n');
    throw ScenarioError(origin + ":" + std::to_string(line) + ": " + unreadable->why + " (byte " +
                        std::to_string(unreadable->at) + ")");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(origin + ":" + std::to_string(e.mark.line + 1) + ": YAML: " + e.msg);
  }
  const Reader reader(origin);
  if (!root.IsMap()) reader.fail(root, "(top)", "expected a mapping with suite, family, description, scenarios");
  reader.only_keys(root, "", {"suite", "family", "description", "needs", "transport", "scenarios"});

  ScenarioFile file;
  file.path = origin;
  file.source = text;
  file.suite = reader.text_or(root, "suite", "", std::filesystem::path(origin).stem().string());
  file.family = reader.text_or(root, "family", "", file.suite);
  file.description = reader.text_or(root, "description", "");
  if (const YAML::Node needs = root["needs"]; needs.IsDefined()) file.needs = read_needs(reader, needs);
  const std::string file_transport = read_transport(reader, root, "");

  const YAML::Node scenarios = root["scenarios"];
  if (!scenarios.IsDefined()) reader.fail(root, "scenarios", "missing");
  if (!scenarios.IsSequence() || scenarios.size() == 0) reader.fail(scenarios, "scenarios", "expected a non-empty list");
  std::set<std::string> names;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const YAML::Node node = scenarios[i];
    const std::string field = "scenarios[" + std::to_string(i) + "]";
    reader.only_keys(node, field, {"name", "description", "property", "transport", "steps"});
    Scenario scenario;
    scenario.where = reader.where(node);
    scenario.name = reader.required_text(node, "name", field);
    if (!names.insert(scenario.name).second) reader.fail(node["name"], field + ".name", "\"" + scenario.name + "\" is used twice");
    scenario.description = reader.text_or(node, "description", field);
    scenario.property = reader.text_or(node, "property", field);
    scenario.transport = node["transport"].IsDefined() ? read_transport(reader, node, field) : file_transport;
    const YAML::Node steps = node["steps"];
    if (!steps.IsDefined()) reader.fail(node, field + ".steps", "missing");
    if (!steps.IsSequence() || steps.size() == 0) reader.fail(steps, field + ".steps", "expected a non-empty list");
    for (std::size_t s = 0; s < steps.size(); ++s) {
      scenario.steps.push_back(read_step(reader, steps[s], field + ".steps[" + std::to_string(s) + "]", file.needs));
    }
    file.scenarios.push_back(std::move(scenario));
  }
  return file;
}

ScenarioFile load_scenario_file(const std::filesystem::path& path) {
  const auto text = read_text_file(path);
  if (!text) throw ScenarioError(path.string() + ": cannot read the scenario file");
  return parse_scenario_file(*text, path.string());
}

}  // namespace mcph::harness
