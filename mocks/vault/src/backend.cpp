#include "backend.h"

#include "vault_error.h"

namespace mcph::mock_vault {

void PathTable::add(const std::string& pattern, PathOperations operations) {
  entries_.push_back(Entry{std::regex(pattern, std::regex::ECMAScript | std::regex::optimize), std::move(operations)});
}

const PathTable::Entry* PathTable::match(const std::string& relative, Captures& captures) const {
  for (const auto& entry : entries_) {
    std::smatch match;
    if (!std::regex_match(relative, match, entry.pattern)) continue;
    captures.clear();
    for (std::size_t i = 1; i < match.size(); ++i) captures.push_back(match[i].str());
    return &entry;
  }
  return nullptr;
}

VaultResponse PathTable::dispatch(VaultRequest& request) const {
  Captures captures;
  const Entry* entry = match(request.relative, captures);
  if (entry == nullptr) throw VaultError::unsupported_path();
  const PathOperations& ops = entry->operations;
  const PathHandler* handler = nullptr;
  switch (request.operation) {
    case Operation::read: handler = &ops.read_handler; break;
    case Operation::list: handler = &ops.list_handler; break;
    case Operation::create: handler = ops.create_handler ? &ops.create_handler : &ops.update_handler; break;
    case Operation::update: handler = &ops.update_handler; break;
    case Operation::delete_op: handler = &ops.remove_handler; break;
  }
  if (handler == nullptr || !*handler) throw VaultError::unsupported_operation();
  return (*handler)(request, captures);
}

std::optional<bool> PathTable::exists(const VaultRequest& request) const {
  Captures captures;
  const Entry* entry = match(request.relative, captures);
  if (entry == nullptr || !entry->operations.exists_check) return std::nullopt;
  return entry->operations.exists_check(request, captures);
}

}  // namespace mcph::mock_vault
