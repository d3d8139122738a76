#include "mcph/harness/stack/policy_profile.h"

#include <algorithm>
#include <stdexcept>

#include "json_text.h"
#include "unknown_key.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {
namespace {

using Json = nlohmann::json;

// The cells between a row's first and last bar, trimmed; none when it has no two bars.
std::vector<std::string> row_cells(const std::string& line) {
  std::vector<std::string> cells;
  const auto first = line.find('|'), last = line.rfind('|');
  if (first == std::string::npos || last == first) return cells;
  const std::string text = line.substr(first + 1, last - first - 1);
  std::size_t start = 0;
  while (true) {
    const auto bar = text.find('|', start);
    std::string cell = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return cells;
}

std::map<std::string, std::string> text_map(const Json& value, const std::string& field) {
  if (!value.is_object() || value.empty()) throw std::runtime_error(field + " must be a non-empty object of strings");
  std::map<std::string, std::string> map;
  for (const auto& [key, item] : value.items()) map[key] = non_empty_text(item, field + "." + key);
  return map;
}

std::string pointer_of(const Json& value, const std::string& field) {
  std::string pointer = non_empty_text(value, field);
  if (pointer.front() != '/') throw std::runtime_error(field + " must be a JSON pointer (/a/b), not \"" + pointer + "\"");
  return pointer;
}

// Each key of `operations` an operation the scenario files name, each value a row's operation.
void check_operations(const PolicyProfile& policy, const std::string& field) {
  const std::vector<std::string> named(std::begin(kScenarioOperations), std::end(kScenarioOperations));
  const std::vector<std::string> rows = policy.row_operations();
  for (const auto& [word, row] : policy.operations) {
    if (std::find(named.begin(), named.end(), word) == named.end()) refuse_unknown_key(field, word, named);
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) {
      throw std::runtime_error(field + "." + word + ": the table has no operation \"" + row + "\" (" + text::join(rows, ", ") + ")");
    }
  }
}

}  // namespace

std::vector<DecisionCell> parse_decision_table(const std::string& table, const std::vector<std::string>& tiers) {
  std::vector<DecisionCell> cells;
  std::vector<std::string> tools;
  std::size_t start = 0;
  while (start < table.size()) {
    const auto end = table.find('\n', start);
    const std::string line = table.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? table.size() : end + 1;
    const std::vector<std::string> row = row_cells(line);
    if (row.empty() || row[0].find_first_not_of("-: ") == std::string::npos) continue;  // blank or |---|
    if (tools.empty()) {
      if (row.size() < 3 || row[0] != "tier" || row[1] != "operation") {
        throw std::runtime_error("the first row must be | tier | operation | <tool> | …");
      }
      tools.assign(row.begin() + 2, row.end());
      continue;
    }
    if (row.size() != tools.size() + 2) {
      throw std::runtime_error("the row \"" + line + "\" has " + std::to_string(row.size()) + " cells, not " +
                               std::to_string(tools.size() + 2));
    }
    if (!tiers.empty() && std::find(tiers.begin(), tiers.end(), row[0]) == tiers.end()) {
      throw std::runtime_error("no agent stands for the tier " + row[0]);
    }
    for (std::size_t i = 0; i < tools.size(); ++i) {
      const std::string& word = row[i + 2];
      if (word != "allow" && word != "deny") throw std::runtime_error("a cell is allow or deny, not \"" + word + "\"");
      cells.push_back({row[0], row[1], tools[i], word == "allow"});
    }
  }
  if (cells.empty()) throw std::runtime_error("the table has no cells");
  return cells;
}

std::optional<bool> PolicyProfile::allowed(const Json& decision) const {
  const Json::json_pointer at(allow);
  if (!decision.contains(at) || !decision[at].is_boolean()) return std::nullopt;
  return decision[at].get<bool>();
}

std::string PolicyProfile::table_operation(const std::string& word) const {
  const auto it = operations.find(word);
  return it == operations.end() ? word : it->second;
}

std::vector<std::string> PolicyProfile::row_operations() const {
  std::vector<std::string> rows;
  for (const DecisionCell& cell : cells) {
    if (std::find(rows.begin(), rows.end(), cell.operation) == rows.end()) rows.push_back(cell.operation);
  }
  return rows;
}

bool PolicyProfile::carries(const std::string& fact) const {
  return std::any_of(input.begin(), input.end(), [&](const auto& each) { return each.second == fact; });
}

std::optional<bool> PolicyProfile::decides(const std::string& tier, const std::string& operation, const std::string& tool) const {
  for (const DecisionCell& cell : cells) {
    if (cell.tier == tier && cell.operation == operation && cell.tool == tool) return cell.allow;
  }
  return std::nullopt;
}

Json PolicyProfile::input_for(const DecisionCell& cell, const std::string& spiffe_id) const {
  Json document = Json::object();
  for (const auto& [pointer, fact] : input) {
    if (fact == "verified") {
      document[Json::json_pointer(pointer)] = true;
      continue;
    }
    const std::string value = fact == "spiffe_id" ? spiffe_id : fact == "tier" ? cell.tier : fact == "tool" ? cell.tool : cell.operation;
    document[Json::json_pointer(pointer)] = value;
  }
  return document;
}

PolicyProfile parse_policy_profile(const Json& json, const std::string& field) {
  if (!json.is_object()) throw std::runtime_error(field + " must be an object");
  const std::vector<std::string> keys = {"engine", "decision_path", "input", "allow", "agents", "table", "operations"};
  PolicyProfile policy;
  for (const auto& [key, value] : json.items()) {
    const std::string here = field + "." + key;
    if (key == "engine") {
      policy.engine = non_empty_text(value, here);
    } else if (key == "decision_path") {
      policy.decision_path = non_empty_text(value, here);
      if (policy.decision_path.front() == '/') throw std::runtime_error(here + " is the path under /v1/data/, without a leading /");
    } else if (key == "input") {
      if (!value.is_object() || value.empty()) throw std::runtime_error(here + " must map JSON pointers to facts");
      for (const auto& [pointer, fact] : value.items()) {
        pointer_of(pointer, here);
        const std::string name = non_empty_text(fact, here + "." + pointer);
        const std::vector<std::string> facts(std::begin(kPolicyFacts), std::end(kPolicyFacts));
        if (std::find(facts.begin(), facts.end(), name) == facts.end()) {
          throw std::runtime_error(here + "." + pointer + ": no fact \"" + name + "\" (" + text::join(facts, ", ") + ")");
        }
        policy.input[pointer] = name;
      }
    } else if (key == "allow") {
      // "" is the decision itself (RFC 6901's pointer to the whole document).
      policy.allow = value == "" ? "" : pointer_of(value, here);
    } else if (key == "agents") {
      policy.agents = text_map(value, here);
    } else if (key == "table") {
      policy.table = non_empty_text(value, here);
    } else if (key == "operations") {
      policy.operations = text_map(value, here);
    } else {
      refuse_unknown_key(field, key, keys);
    }
  }
  for (const char* required : {"decision_path", "input", "table"}) {
    if (!json.contains(required)) throw std::runtime_error(field + ": missing \"" + required + "\"");
  }
  if (policy.carries("spiffe_id") && policy.agents.empty()) {
    throw std::runtime_error(field + ": the input carries the SPIFFE ID, so \"agents\" must name the agent standing for each tier");
  }
  std::vector<std::string> tiers;
  for (const auto& [tier, agent] : policy.agents) tiers.push_back(tier);
  try {
    policy.cells = parse_decision_table(policy.table, tiers);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(field + ".table: " + e.what());
  }
  check_operations(policy, field + ".operations");
  return policy;
}

const PolicyProfile& reference_workload_policy() {
  static const PolicyProfile policy = [] {
    PolicyProfile reference;
    reference.decision_path = "mcp/authz/decision";
    reference.input = {{"/spiffe_id", "spiffe_id"}, {"/operation", "operation"}, {"/tool", "tool"}, {"/verified", "verified"}};
    reference.agents = {{"trusted", "trusted-agent"}, {"semi-trusted", "semi-trusted-agent"}, {"untrusted", "untrusted-agent"}};
    reference.table =
        "| tier | operation | filesystem | database | api | shell | network |\n"
        "| trusted | read | allow | allow | allow | allow | allow |\n"
        "| trusted | list | allow | allow | allow | allow | allow |\n"
        "| trusted | write | allow | allow | allow | deny | deny |\n"
        "| trusted | execute | deny | deny | deny | allow | allow |\n"
        "| trusted | admin | deny | deny | deny | deny | deny |\n"
        "| semi-trusted | read | allow | allow | allow | deny | deny |\n"
        "| semi-trusted | list | allow | allow | allow | deny | deny |\n"
        "| semi-trusted | write | deny | deny | allow | deny | deny |\n"
        "| semi-trusted | execute | deny | deny | deny | deny | deny |\n"
        "| semi-trusted | admin | deny | deny | deny | deny | deny |\n"
        "| untrusted | read | deny | deny | allow | deny | deny |\n"
        "| untrusted | list | deny | deny | allow | deny | deny |\n"
        "| untrusted | write | deny | deny | deny | deny | deny |\n"
        "| untrusted | execute | deny | deny | deny | deny | deny |\n"
        "| untrusted | admin | deny | deny | deny | deny | deny |\n";
    reference.cells = parse_decision_table(reference.table, {"trusted", "semi-trusted", "untrusted"});
    return reference;
  }();
  return policy;
}

Json policy_profile_json(const PolicyProfile& policy) {
  Json json = {{"engine", policy.engine}, {"decision_path", policy.decision_path}, {"input", policy.input},
               {"allow", policy.allow}, {"table", policy.table}};
  if (!policy.agents.empty()) json["agents"] = policy.agents;
  if (!policy.operations.empty()) json["operations"] = policy.operations;
  return json;
}

}  // namespace mcph::harness::stack
