#pragma once
// The first keyword of an SQL statement, as PostgreSQL's lexer reads it: after white space and
// comments ("-- …" up to a \n or \r, and "/* … */", which nest), upper-cased; empty when the
// statement does not start with a letter.
#include <string>
#include <string_view>

namespace mcph::postgres_mcp {

std::string first_keyword(std::string_view sql);

}  // namespace mcph::postgres_mcp
