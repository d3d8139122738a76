#include "yaml_reader.h"

#include <cctype>
#include <cmath>

namespace mcph::harness::scenario {

Json Reader::json(const YAML::Node& node, const std::string& field, int depth) const {
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

long bounded_integer(const Reader& reader, const YAML::Node& node, const std::string& field, long low, long high) {
  const long value = reader.integer(node, field);
  if (value < low || value > high) reader.fail(node, field, "must be " + std::to_string(low) + " to " + std::to_string(high));
  return value;
}

Json read_object(const Reader& reader, const YAML::Node& node, const std::string& field) {
  const Json object = reader.json(node, field);
  if (!object.is_object()) reader.fail(node, field, "expected a mapping");
  return object;
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

// YAML 1.1's merge key, which yaml-cpp leaves as a plain "<<" key: each mapping with
// `<<: *anchor` (or a list of them) gets the merged mappings' keys it does not set itself, in
// place, so that every line number stays its own, except a step's `describe` and `control`: a
// title names the step it is written on, and an attack that reuses a control's request is no
// control itself. Aliases are followed, so the walk is
// bounded as the loader bounds the values it reads: by depth and by the nodes visited.
void resolve_merge_keys(YAML::Node node, const Reader& reader, long& budget, int depth) {
  if (depth > 64) reader.fail(node, "(merge keys)", "nested deeper than 64 levels (an alias inside its own anchor?)");
  if (--budget < 0) reader.fail(node, "(merge keys)", "the file makes more than 200000 values once its aliases are expanded");
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) resolve_merge_keys(node[i], reader, budget, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  const YAML::Node& view = node;  // const: looking a key up must not add it
  if (const YAML::Node merged = view["<<"]; merged.IsDefined()) {
    std::vector<YAML::Node> sources;
    if (merged.IsSequence()) {
      for (const auto& source : merged) sources.push_back(source);
    } else {
      sources.push_back(merged);
    }
    node.remove("<<");
    for (const YAML::Node& source : sources) {
      if (!source.IsMap()) reader.fail(source, "<<", "a merge key takes a mapping (*anchor) or a list of them");
      resolve_merge_keys(source, reader, budget, depth + 1);
      for (const auto& item : source) {
        const std::string key = reader.key(item.first, "<<");
        if (key != "describe" && key != "control" && key != "settle_for" && !view[key].IsDefined()) node[key] = item.second;
      }
    }
  }
  for (auto item : node) resolve_merge_keys(item.second, reader, budget, depth + 1);
}

}  // namespace mcph::harness::scenario
