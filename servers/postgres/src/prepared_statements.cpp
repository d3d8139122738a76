#include "prepared_statements.h"

#include <stdexcept>

namespace mcph::postgres_mcp {

PreparedStatements::PreparedStatements(std::size_t capacity, std::size_t longest_text)
    : capacity_(capacity), longest_text_(longest_text) {
  if (capacity_ == 0) throw std::invalid_argument("PreparedStatements: the capacity must be at least 1");
}

const std::string* PreparedStatements::find(std::string_view sql) {
  const auto it = by_text_.find(sql);
  if (it == by_text_.end()) return nullptr;
  by_use_.splice(by_use_.begin(), by_use_, it->second);
  return &it->second->name;
}

std::vector<std::string> PreparedStatements::make_room(std::size_t count) {
  std::vector<std::string> given_up;
  while (!by_use_.empty() && by_use_.size() + count > capacity_) {
    by_text_.erase(by_use_.back().sql);
    given_up.push_back(std::move(by_use_.back().name));
    by_use_.pop_back();
  }
  return given_up;
}

std::string PreparedStatements::new_name() { return "mcph_" + std::to_string(names_given_++); }

void PreparedStatements::add(std::string sql, std::string name) {
  by_use_.push_front(Entry{std::move(sql), std::move(name)});
  by_text_.emplace(by_use_.front().sql, by_use_.begin());
}

}  // namespace mcph::postgres_mcp
