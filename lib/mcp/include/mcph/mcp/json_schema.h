#pragma once
// The subset of JSON Schema (2020-12 / draft-07 vocabulary) that tool input schemas use, to
// validate tools/call arguments before a handler sees them: type (one or a list; "integer"
// accepts 3.0), properties, required, additionalProperties (false or a schema), items (one
// schema), enum, const, minimum/maximum and their exclusive forms, minLength/maxLength,
// minItems/maxItems, anyOf/oneOf/allOf. Other keywords ($schema, title, description, default,
// format, pattern, $ref …) are accepted and not checked.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcph::mcp {

// Problems found, each starting with the JSON Pointer of the offending value ("/issue_key: …",
// "(root): …"); empty when `instance` is valid. At most `max_problems` are reported.
std::vector<std::string> validate_json_schema(const nlohmann::json& schema, const nlohmann::json& instance,
                                              std::size_t max_problems = 10);

}  // namespace mcph::mcp
