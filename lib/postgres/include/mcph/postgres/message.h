#pragma once
// The text of a libpq or PostgreSQL message.
#include <string>

namespace mcph::postgres {

// libpq ends its messages (PQerrorMessage, libpqxx's exceptions) with a newline, some with a
// space before it: the message without them, to quote in one line.
std::string message_text(std::string message);

}  // namespace mcph::postgres
