#pragma once
// libpq's keyword/value connection strings ("host=… user='…'").
#include <string>

namespace mcph::postgres {

// A value in single quotes, with backslash and quote escaped, as libpq reads it.
std::string quote_conninfo(const std::string& value);

}  // namespace mcph::postgres
