#include "fault_spec.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <vector>

#include "mcph/harness/stack/service_table.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

struct Attribute {
  const char* key;         // in a scenario file
  const char* toxiproxy;   // in Toxiproxy's API (http_error: the mock backend's /_fault)
  bool required;
  long max;
  long min = 0;
};

struct ToxicKind {
  const char* name;
  std::vector<Attribute> attributes;
};

constexpr long kMaxMs = 600'000;  // ten minutes: no fault outlasts a scenario's bound

const std::vector<ToxicKind>& toxic_kinds() {
  static const std::vector<ToxicKind> kinds = {
      {"latency", {{"latency_ms", "latency", true, kMaxMs}, {"jitter_ms", "jitter", false, kMaxMs}}},
      {"timeout", {{"timeout_ms", "timeout", false, kMaxMs}}},
      {"reset_peer", {{"timeout_ms", "timeout", false, kMaxMs}}},
      {"bandwidth", {{"rate_kbps", "rate", true, 1'000'000'000}}},
      {"slicer",
       {{"average_size", "average_size", true, 1'000'000},
        {"size_variation", "size_variation", false, 1'000'000},
        {"delay_us", "delay", false, kMaxMs * 1000}}},
      {"slow_close", {{"delay_ms", "delay", true, kMaxMs}}},
      {"limit_data", {{"bytes", "bytes", true, 1'000'000'000}}},
      {"down", {}},  // the proxy disabled: connections refused, open ones closed
      // Not a toxic: a mock backend's fault hook answers its next `count` requests (all until
      // cleared) with `status`, in its own error shape.
      {kHttpErrorToxic, {{"status", "status", true, 599, 500}, {"count", "count", false, 1'000'000, 1}}},
      // Not a toxic either: the proxy's upstream is a server of the harness answering every
      // request (or those under `path`) with `status` and `body`.
      {kHttpAnswerToxic, {{"status", "status", true, 599, 200}}},
  };
  return kinds;
}

std::string text_of(const Json& step, const std::string& key) {
  const auto it = step.find(key);
  if (it == step.end()) throw StepSpecError(key, "missing");
  if (!it->is_string() || it->get<std::string>().empty()) throw StepSpecError(key, "expected a name, got " + it->dump());
  return it->get<std::string>();
}

}  // namespace

FaultSpec read_fault_spec(const Json& step) {
  if (!step.is_object()) throw StepSpecError("", "expected a mapping: {target: vault, toxic: down} or {clear: all}");
  const auto targets = stack::fault_proxy_targets();
  const auto known_target = [&](const std::string& name) {
    return std::find(targets.begin(), targets.end(), name) != targets.end();
  };
  FaultSpec fault;
  if (step.contains("clear")) {
    for (const auto& [key, value] : step.items()) {
      if (key != "clear") throw StepSpecError(key, "unknown key (clear takes nothing else)");
    }
    fault.clear = text_of(step, "clear");
    if (fault.clear != "all" && !known_target(fault.clear)) {
      throw StepSpecError("clear", "unknown target \"" + fault.clear + "\" (all, " + text::join(targets) + ")");
    }
    return fault;
  }
  fault.target = text_of(step, "target");
  if (!known_target(fault.target)) {
    throw StepSpecError("target", "unknown target \"" + fault.target + "\" (" + text::join(targets) + ")");
  }
  fault.toxic = text_of(step, "toxic");
  const auto& kinds = toxic_kinds();
  const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const ToxicKind& k) { return fault.toxic == k.name; });
  if (kind == kinds.end()) {
    std::vector<const char*> names;
    for (const auto& k : kinds) names.push_back(k.name);
    throw StepSpecError("toxic", "unknown toxic \"" + fault.toxic + "\" (" + text::join(names) + ")");
  }
  const bool http_error = fault.toxic == std::string_view(kHttpErrorToxic);
  if (http_error) {
    const auto backends = stack::mock_backend_services();
    if (std::find(backends.begin(), backends.end(), fault.target) == backends.end()) {
      throw StepSpecError("target", "an http_error needs a mock backend (" + text::join(backends) + "), not \"" +
                                         fault.target + "\"");
    }
  }
  const bool http_answer = fault.toxic == std::string_view(kHttpAnswerToxic);
  std::set<std::string> allowed = {"target", "toxic"};
  if (fault.toxic != "down" && !http_error && !http_answer) allowed.insert("stream");
  if (http_answer) {
    allowed.insert("body");
    const auto body = step.find("body");
    if (body == step.end() || !body->is_string()) throw StepSpecError("body", "expected the answer's body as text, e.g. \"{}\"");
    fault.body = body->get<std::string>();
    allowed.insert("path");
    if (const auto path = step.find("path"); path != step.end()) {
      if (!path->is_string() || !path->get<std::string>().starts_with("/")) {
        throw StepSpecError("path", "expected the start of the paths to answer, e.g. /v1/auth/token/create");
      }
      fault.path = path->get<std::string>();
    }
  }
  for (const auto& attribute : kind->attributes) allowed.insert(attribute.key);
  for (const auto& [key, value] : step.items()) {
    if (!allowed.count(key)) throw StepSpecError(key, "unknown attribute of " + fault.toxic + " (allowed: " + text::join(allowed) + ")");
  }
  if (step.contains("stream")) {
    fault.stream = text_of(step, "stream");
    if (fault.stream != "upstream" && fault.stream != "downstream") {
      throw StepSpecError("stream", "expected upstream (client → service) or downstream (service → client)");
    }
  }
  for (const auto& attribute : kind->attributes) {
    const auto it = step.find(attribute.key);
    if (it == step.end()) {
      if (attribute.required) throw StepSpecError(attribute.key, "missing: " + fault.toxic + " needs it");
      continue;
    }
    if (!it->is_number_integer() || it->get<long long>() < attribute.min || it->get<long long>() > attribute.max) {
      throw StepSpecError(attribute.key, "expected an integer from " + std::to_string(attribute.min) + " to " +
                                              std::to_string(attribute.max) + ", got " + it->dump());
    }
    fault.attributes[attribute.toxiproxy] = it->get<long>();
  }
  return fault;
}

Json toxiproxy_toxic(const FaultSpec& fault) {
  Json attributes = Json::object();
  for (const auto& [name, value] : fault.attributes) attributes[name] = value;
  // One toxic per type and stream on a proxy: a second step of the same kind changes it.
  return {{"name", "scenario_" + fault.toxic + "_" + fault.stream},
          {"type", fault.toxic},
          {"stream", fault.stream},
          {"toxicity", 1.0},
          {"attributes", attributes}};
}

}  // namespace mcph::harness::scenario
