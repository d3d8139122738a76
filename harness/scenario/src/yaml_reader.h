#pragma once
// Reading a scenario file's YAML with every mistake reported as `file:line: field: message`: a
// cursor (Reader) that knows the file's name, and the small readers the step kinds share.
#include <yaml-cpp/yaml.h>

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/text/choice.h"
#include "mcph/text/join.h"
#include "step_spec_error.h"

namespace mcph::harness::scenario {

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
    // An item of a list iterated as a mapping's has no key node at all.
    if (!key_node.IsDefined()) fail(key_node, field, "expected a mapping, got a list");
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

  Json json(const YAML::Node& node, const std::string& field, int depth) const;

  std::string origin_;
  mutable std::size_t json_values_left_ = kMaxJsonValues;
};

// A sub-kind written as one of `names`, its enum's values in order: the value, else an error
// naming the allowed ones ("unknown token action \"x\" (fresh, refresh, …)").
template <typename Enum, std::size_t N>
Enum read_choice(const Reader& reader, const YAML::Node& node, const std::string& field,
                 const std::array<std::string_view, N>& names, const std::string& what) {
  const std::string written = reader.text(node, field);
  if (const auto value = text::choice_of<Enum>(written, names)) return *value;
  reader.fail(node, field, "unknown " + what + " \"" + written + "\" (" + text::join(names) + ")");
}

// "1.5s", "500ms", "2" (seconds), "1m"; at most 10 minutes.
double parse_duration(const Reader& reader, const YAML::Node& node, const std::string& field);
// An integer from `low` to `high`.
long bounded_integer(const Reader& reader, const YAML::Node& node, const std::string& field, long low, long high);
// A mapping, as a JSON object.
Json read_object(const Reader& reader, const YAML::Node& node, const std::string& field);
// The node a StepSpecError's dotted key names below `value` (the deepest one that exists).
YAML::Node node_at(const YAML::Node& value, const std::string& key);
// Merge keys (`<<: *anchor`) resolved in place throughout the document; `budget`: the nodes it
// may visit, aliases followed.
void resolve_merge_keys(YAML::Node node, const Reader& reader, long& budget, int depth = 0);

// A step read from its mapping as JSON (fault, load): a StepSpecError becomes the loader's
// file:line: field: message.
template <typename Read>
auto read_json_step(const Reader& reader, const YAML::Node& value, const std::string& here, Read read) {
  try {
    return read(reader.json(value, here));
  } catch (const StepSpecError& e) {
    reader.fail(node_at(value, e.key()), e.key().empty() ? here : Reader::join(here, e.key()), e.what());
  }
}

}  // namespace mcph::harness::scenario
