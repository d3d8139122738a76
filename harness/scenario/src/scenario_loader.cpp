#include "mcph/harness/scenario/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>

#include "expectation_kinds.h"
#include "expectations.h"
#include "steps/step_kind.h"
#include "mcph/harness/idp/identity_provider_kind.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/reports/taxonomy.h"
#include "mcph/text/closest.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {
namespace {

// `property:` names a property by its stable id (reports/taxonomy.h); "" when absent. A file
// still written with a property's text is told the id to write instead.
std::string read_property(const Reader& reader, const YAML::Node& map, const std::string& field) {
  const std::string property = reader.text_or(map, "property", field);
  if (property.empty() || reports::find_rule(property)) return property;
  const std::string here = Reader::join(field, "property");
  if (const reports::Rule* rule = reports::find_rule_by_text(property)) {
    reader.fail(map["property"], here, "name the property by its id: " + rule->property_id + " (\"" + property + "\")");
  }
  std::vector<std::string> ids;
  for (const reports::Rule& rule : reports::rules()) ids.push_back(rule.property_id);
  reader.fail(map["property"], here,
              "unknown property \"" + property + "\" (the closest known: " + text::join(text::closest(property, ids)) +
                  "; docs/scenario-reference.md lists them all)");
}

Step read_step(const Reader& reader, const YAML::Node& node, const std::string& field, const StackNeeds& needs) {
  const auto& kinds = step_kind_table();
  const std::string kind_names = text::join(kinds, ", ", [](const StepKindInfo& kind) { return std::string(kind.name); });
  if (!node.IsMap()) reader.fail(node, field, "expected a mapping with one of " + kind_names);
  Step step;
  step.where = reader.where(node);
  const StepKindInfo* kind = nullptr;
  for (const auto& item : node) {
    const std::string key = reader.key(item.first, field);
    const StepKindInfo* named = find_step_kind(key);
    if (!named) continue;
    if (kind) reader.fail(item.first, field, "both \"" + std::string(kind->name) + "\" and \"" + key + "\": one action per step");
    kind = named;
  }
  if (!kind) reader.fail(node, field, "no action: expected one of " + kind_names);

  const std::string name(kind->name);
  std::set<std::string> allowed = {name, "as", "with_token", "describe", "property", "control", "settle_for", "expect", "save"};
  const std::string here = Reader::join(field, name);
  step.spec = kind->read(StepSource{reader, node, node[name], field, here, needs, allowed, step.token_name});
  reader.only_keys(node, field, allowed);

  step.as = reader.text_or(node, "as", field);
  if (node["with_token"].IsDefined()) step.token_name = reader.text(node["with_token"], Reader::join(field, "with_token"));
  step.describe = reader.text_or(node, "describe", field);
  step.property = read_property(reader, node, field);
  if (const YAML::Node control = node["control"]; control.IsDefined()) {
    const Json value = reader.json(control, Reader::join(field, "control"));
    if (!value.is_boolean()) reader.fail(control, Reader::join(field, "control"), "expected true or false");
    step.control = value.get<bool>();
    if (step.control && !node["expect"].IsDefined()) {
      reader.fail(control, Reader::join(field, "control"), "a control step needs an expect: what the honest request is due");
    }
    if (step.control && !step.property.empty()) {
      reader.fail(control, Reader::join(field, "control"), "a control step gives no finding: it names no property");
    }
  }
  if (const YAML::Node settle = node["settle_for"]; settle.IsDefined()) {
    const std::string settle_field = Reader::join(field, "settle_for");
    step.settle_for_s = parse_duration(reader, settle, settle_field);
    if (step.settle_for_s > 120) reader.fail(settle, settle_field, "at most 2 minutes");
  }
  if (kind->needs_caller(step) && step.as.empty() && step.token_name.empty()) {
    reader.fail(node, Reader::join(field, "as"), "missing: who acts in this step");
  }
  if (node["save"].IsDefined()) {
    step.save = reader.text_map(node["save"], Reader::join(field, "save"));
    for (const auto& [saved, pointer] : step.save) {
      if ((pointer.empty() || pointer[0] != '/') && pointer.rfind("header:", 0) != 0) {
        reader.fail(node["save"], Reader::join(field, "save." + saved),
                    "expected a JSON pointer such as /rows/0/who, or header:Name");
      }
    }
  }

  if (const YAML::Node expect = node["expect"]; expect.IsDefined()) {
    const std::string expect_field = Reader::join(field, "expect");
    if (!expect.IsMap()) reader.fail(expect, expect_field, "expected a mapping of expectations");
    const auto names = expectation_names_for(kind->kind);
    for (const auto& item : expect) {
      const std::string expectation = reader.key(item.first, expect_field);
      if (const auto now = renamed_expectation(expectation)) {
        reader.fail(item.first, Reader::join(expect_field, expectation), "renamed: write " + std::string(*now));
      }
    }
    reader.only_keys(expect, expect_field, std::set<std::string>(names.begin(), names.end()));
    for (const auto& item : expect) {
      const std::string expectation = reader.key(item.first, expect_field);
      const std::string at = Reader::join(expect_field, expectation);
      const Json expected = reader.json(item.second, at);
      if (const auto problem = shape_problem(find_expectation_kind(expectation)->shape, expected)) {
        reader.fail(item.second, at, *problem);
      }
      if (find_expectation_kind(expectation)->shape == ValueShape::alternatives) {
        for (const Json& alternative : expected) {
          for (const auto& [inner, value] : alternative.items()) {
            if (std::find(names.begin(), names.end(), inner) == names.end()) {
              reader.fail(item.second, at, inner + ": not an expectation of this step kind");
            }
          }
        }
      }
      step.expect.push_back({expectation, expected.dump(), reader.where(item.first)});
    }
  }
  if (const YAML::Node settle = node["settle_for"]; settle.IsDefined() && !step.control && !expects_to_be_served(step.expect)) {
    reader.fail(settle, Reader::join(field, "settle_for"),
                "only a control step, or one due to be served (ok: true or a 2xx status, no refusal asked for), is "
                "asked again: an attack asked until it is refused would hide the defect");
  }
  return step;
}

// transport: streamable-http (the scenario's, or at the top the file's), none when absent.
std::optional<mcp::Transport> read_transport(const Reader& reader, const YAML::Node& map, const std::string& field) {
  if (!map["transport"].IsDefined()) return std::nullopt;
  return read_choice<mcp::Transport>(reader, map["transport"], Reader::join(field, "transport"), mcp::kTransports, "transport");
}

// protocol: legacy (the scenario's, or at the top the file's); whether it is written.
bool read_legacy_era_only(const Reader& reader, const YAML::Node& map, const std::string& field) {
  const std::string protocol = reader.text_or(map, "protocol", field);
  if (!protocol.empty() && protocol != "legacy") {
    reader.fail(map["protocol"], Reader::join(field, "protocol"),
                "must be legacy (cases written in the era of initialize and sessions), not \"" + protocol + "\"");
  }
  return !protocol.empty();
}

// Whether `name` is one of `known`, a list written "a, b, c".
bool listed(std::string_view known, std::string_view name) {
  while (!known.empty()) {
    const auto comma = known.find(", ");
    if (known.substr(0, comma) == name) return true;
    known = comma == std::string_view::npos ? std::string_view() : known.substr(comma + 2);
  }
  return false;
}

// A list of names at FIELD (absent: none); `known` ("a, b, c"), when not empty, the names it may hold.
std::vector<std::string> read_names(const Reader& reader, const YAML::Node& list, const std::string& field,
                                    std::string_view known, const std::string& what) {
  std::vector<std::string> names;
  if (!list.IsDefined()) return names;
  if (!list.IsSequence()) reader.fail(list, field, "expected a list of " + what);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    names.push_back(reader.text(list[i], at));
    if (!known.empty() && !listed(known, names.back())) reader.fail(list[i], at, "expected one of " + std::string(known));
  }
  return names;
}

// The services, identity provider, auth modes and capabilities of a `needs:` (at FIELD: "needs", "scenarios[3].needs").
void read_service_needs(const Reader& reader, const YAML::Node& node, const std::string& field, ServiceNeeds& needs) {
  needs.where = reader.where(node);
  if (const YAML::Node idp = node["idp"]; idp.IsDefined()) {
    needs.idp = reader.text(idp, field + ".idp");
    if (needs.idp != "any" && !idp::parse_identity_provider(needs.idp)) {
      reader.fail(idp, field + ".idp", "expected keycloak, cognito, oidc or any");
    }
  }
  needs.services = read_names(reader, node["services"], field + ".services", "", "the stack's service names");
  needs.auth = read_names(reader, node["auth"], field + ".auth", stack::kAuthModes, "auth modes");
  needs.capabilities = read_names(reader, node["capabilities"], field + ".capabilities", kCapabilities, "capabilities");
}

// needs: {generated_users: 6, rate_limit: {requests: 20, window_ms: 1000}, services: [...], idp: ...}
StackNeeds read_needs(const Reader& reader, const YAML::Node& node) {
  reader.only_keys(node, "needs", {"generated_users", "rate_limit", "services", "idp", "auth", "capabilities"});
  StackNeeds needs;
  read_service_needs(reader, node, "needs", needs);
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

// ctest: {label: isolation, stacks: [shared, real, cognito], alone: true, lock: NAME, labels: [x]}
// CMake reads the line itself (scenarios/ScenarioFamily.cmake), so it must stay on one line.
CtestRuns read_ctest(const Reader& reader, const YAML::Node& node, const std::string& source) {
  reader.only_keys(node, "ctest", {"label", "labels", "stacks", "alone", "lock"});
  if (node.Style() != YAML::EmitterStyle::Flow) {
    reader.fail(node, "ctest", "must be a one-line flow mapping, {label: …, stacks: […]} (CMake reads it)");
  }
  const auto line = reader.where(node).line;
  std::size_t start = 0;
  for (int l = 1; l < line && start != std::string::npos; ++l) start = source.find('\n', start) + 1;
  if (source.compare(start, 6, "ctest:") != 0 || source.find('}', start) > source.find('\n', start)) {
    reader.fail(node, "ctest", "must be one line starting `ctest: {` at the top of the file (CMake reads it)");
  }
  const auto list = [&](const char* key) {
    std::vector<std::string> values;
    const YAML::Node items = node[key];
    if (!items.IsDefined()) return values;
    if (!items.IsSequence()) reader.fail(items, std::string("ctest.") + key, "expected a list");
    for (std::size_t i = 0; i < items.size(); ++i) {
      values.push_back(reader.text(items[i], std::string("ctest.") + key + "[" + std::to_string(i) + "]"));
    }
    return values;
  };
  CtestRuns runs;
  runs.label = reader.required_text(node, "label", "ctest");
  runs.labels = list("labels");
  runs.stacks = list("stacks");
  if (runs.stacks.empty()) reader.fail(node, "ctest.stacks", "missing: the stacks it runs on (shared, real, cognito, load)");
  for (std::size_t i = 0; i < runs.stacks.size(); ++i) {
    const std::string& stack = runs.stacks[i];
    if (stack != "shared" && stack != "real" && stack != "cognito" && stack != "load") {
      reader.fail(node["stacks"][i], "ctest.stacks[" + std::to_string(i) + "]",
                  "expected shared, real, cognito or load, not \"" + stack + "\"");
    }
  }
  if (const YAML::Node alone = node["alone"]; alone.IsDefined()) {
    const Json value = reader.json(alone, "ctest.alone");
    if (!value.is_boolean()) reader.fail(alone, "ctest.alone", "expected true or false");
    runs.alone = value.get<bool>();
  }
  runs.lock = reader.text_or(node, "lock", "ctest");
  if (runs.alone && !runs.lock.empty()) reader.fail(node["lock"], "ctest.lock", "a file that runs alone needs no lock");
  return runs;
}

// A scenario's own needs: the services, identity provider, auth modes and capabilities only (the users and the rate limit
// are the whole file's, checked before any scenario runs).
ServiceNeeds read_scenario_needs(const Reader& reader, const YAML::Node& node, const std::string& field) {
  reader.only_keys(node, field, {"services", "idp", "auth", "capabilities"});
  ServiceNeeds needs;
  read_service_needs(reader, node, field, needs);
  return needs;
}

// A step that acts through an auth mode (`via:`), or asks a target's authorization server, is
// declared in its file's or scenario's `needs:`: what decides, before anything runs, whether a
// stack is its subject (a target without the mode skips it, rather than break it).
void check_needs_declared(const Reader& reader, const YAML::Node& node, const std::string& field, const Step& step,
                          const ServiceNeeds& file_needs, const ServiceNeeds& own) {
  const auto declared = [&](std::vector<std::string> ServiceNeeds::*list, const std::string& name) {
    const auto has = [&](const ServiceNeeds& needs) {
      return std::find((needs.*list).begin(), (needs.*list).end(), name) != (needs.*list).end();
    };
    return has(file_needs) || has(own);
  };
  std::string via;
  if (const auto* call = step.get_if<CallStep>()) via = call->agent.via;
  if (const auto* http = step.get_if<HttpStep>()) via = http->agent.via;
  if (!via.empty() && !declared(&ServiceNeeds::auth, via)) {
    reader.fail(node["via"], field + ".via", "acts through " + via + ", which no needs.auth of its file or scenario names");
  }
  if (step.get_if<OAuthStep>() && !declared(&ServiceNeeds::capabilities, "authorization_server")) {
    reader.fail(node, field + ".oauth",
                "asks a target's authorization server, which no needs.capabilities of its file or scenario names");
  }
}

// What a scenario's capability steps need of a target's tool map, added to its own needs: each
// step's capability, and each refusal kind a step expects. A target without one is not the
// scenario's subject (it is skipped, saying which), never a failure.
void add_tool_needs(Scenario& scenario) {
  auto& names = scenario.needs.capabilities;
  const auto add = [&](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  const std::size_t before = names.size();
  for (const Step& step : scenario.steps) {
    const auto* call = step.get_if<CallStep>();
    if (!call || call->capability.empty()) continue;
    add(call->capability);
    for (const Expectation& expectation : step.expect) {
      if (expectation.kind != "refused") continue;
      const Json kind = Json::parse(expectation.value, nullptr, false);
      if (kind.is_string()) add(kind.get<std::string>());
    }
  }
  if (names.size() > before && scenario.needs.where.line == 0) scenario.needs.where = scenario.where;
}

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
  if (text.find("<<") != std::string::npos) {
    long budget = 200000;
    resolve_merge_keys(root, reader, budget);
  }
  reader.only_keys(root, "", {"suite", "family", "description", "ctest", "needs", "transport", "protocol", "scenarios"});

  ScenarioFile file;
  file.path = origin;
  file.source = text;
  file.suite = reader.text_or(root, "suite", "", std::filesystem::path(origin).stem().string());
  file.family = reader.text_or(root, "family", "", file.suite);
  file.description = reader.text_or(root, "description", "");
  if (const YAML::Node ctest = root["ctest"]; ctest.IsDefined()) file.ctest = read_ctest(reader, ctest, text);
  if (const YAML::Node needs = root["needs"]; needs.IsDefined()) file.needs = read_needs(reader, needs);
  const std::optional<mcp::Transport> file_transport = read_transport(reader, root, "");
  const bool file_legacy_era_only = read_legacy_era_only(reader, root, "");

  const YAML::Node scenarios = root["scenarios"];
  if (!scenarios.IsDefined()) reader.fail(root, "scenarios", "missing");
  if (!scenarios.IsSequence() || scenarios.size() == 0) reader.fail(scenarios, "scenarios", "expected a non-empty list");
  std::set<std::string> names;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const YAML::Node node = scenarios[i];
    const std::string field = "scenarios[" + std::to_string(i) + "]";
    reader.only_keys(node, field, {"name", "description", "property", "transport", "protocol", "needs", "needs_write_scope",
                                   "needs_broader_scope", "needs_clients", "steps"});
    Scenario scenario;
    scenario.where = reader.where(node);
    scenario.name = reader.required_text(node, "name", field);
    if (!names.insert(scenario.name).second) reader.fail(node["name"], field + ".name", "\"" + scenario.name + "\" is used twice");
    scenario.description = reader.text_or(node, "description", field);
    scenario.property = read_property(reader, node, field);
    scenario.transport = node["transport"].IsDefined() ? read_transport(reader, node, field) : file_transport;
    scenario.legacy_era_only = node["protocol"].IsDefined() ? read_legacy_era_only(reader, node, field) : file_legacy_era_only;
    if (const YAML::Node needs = node["needs"]; needs.IsDefined()) {
      scenario.needs = read_scenario_needs(reader, needs, field + ".needs");
    }
    for (const auto& [key, flag] : {std::pair{"needs_write_scope", &scenario.needs_write_scope},
                                    std::pair{"needs_broader_scope", &scenario.needs_broader_scope},
                                    std::pair{"needs_clients", &scenario.needs_clients}}) {
      if (const YAML::Node given = node[key]; given.IsDefined()) {
        const Json value = reader.json(given, field + "." + key);
        if (!value.is_boolean()) reader.fail(given, field + "." + key, "expected true or false");
        *flag = value.get<bool>();
      }
    }
    const YAML::Node steps = node["steps"];
    if (!steps.IsDefined()) reader.fail(node, field + ".steps", "missing");
    if (!steps.IsSequence() || steps.size() == 0) reader.fail(steps, field + ".steps", "expected a non-empty list");
    for (std::size_t s = 0; s < steps.size(); ++s) {
      const std::string step_field = field + ".steps[" + std::to_string(s) + "]";
      scenario.steps.push_back(read_step(reader, steps[s], step_field, file.needs));
      check_needs_declared(reader, steps[s], step_field, scenario.steps.back(), file.needs, scenario.needs);
    }
    add_tool_needs(scenario);
    file.scenarios.push_back(std::move(scenario));
  }
  return file;
}

std::vector<std::filesystem::path> scenario_files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  if (error) throw ScenarioError("cannot list the scenario files in " + dir.string() + ": " + error.message());
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<ScenarioFile> load_scenario_dir(const std::filesystem::path& dir) {
  std::vector<ScenarioFile> files;
  for (const auto& path : scenario_files_in(dir)) files.push_back(load_scenario_file(path));
  return files;
}

ScenarioFile load_scenario_file(const std::filesystem::path& path) {
  const auto text = fixtures::read_text_file(path);
  if (!text) throw ScenarioError(path.string() + ": cannot read the scenario file");
  return parse_scenario_file(*text, path.string());
}

}  // namespace mcph::harness::scenario
