#pragma once
// The statements a RoleSession keeps prepared on its PostgreSQL session, by their text: a kept
// statement is executed by name, and PostgreSQL neither parses nor plans it again. Bounded: at
// most `capacity` statements, the least recently used given up first, and none whose text is
// longer than `longest_text` (a long generated query is rarely sent twice, and each kept text
// stays in memory here and its plan in the backend).
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mcph::postgres_mcp {

class PreparedStatements {
 public:
  PreparedStatements(std::size_t capacity, std::size_t longest_text);

  // Whether a statement of this text may be kept.
  bool admits(std::string_view sql) const { return sql.size() <= longest_text_; }
  // The name the text is kept under, which is now the most recently used; nullptr when it is
  // not kept.
  const std::string* find(std::string_view sql);
  // Makes room for `count` more and returns the names given up for it, least recently used
  // first, for the caller to deallocate. The statements found just before are the most recent:
  // none of them is given up while they and the `count` new ones fit in the capacity.
  std::vector<std::string> make_room(std::size_t count);
  // A name no statement of this session had before.
  std::string new_name();
  // A statement now prepared under `name` (a text not kept, with room made for it): kept, as the
  // most recently used.
  void add(std::string sql, std::string name);

  std::size_t size() const { return by_use_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string sql;
    std::string name;
  };
  std::size_t capacity_;
  std::size_t longest_text_;
  std::list<Entry> by_use_;  // the most recently used first; its nodes never move
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_text_;  // keys view by_use_'s texts
  std::uint64_t names_given_ = 0;
};

}  // namespace mcph::postgres_mcp
