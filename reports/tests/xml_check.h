#pragma once
// Checking the writers' output with an XML parser: xmllint (libxml2-utils) when it is
// installed, and always a small well-formedness checker of our own.
#include <string>
#include <string_view>
#include <vector>

namespace mcph::reports::testing {

// The first well-formedness problem of `xml` (balanced elements, quoted attributes, known
// entities only, no raw '<' or '&' in text, no characters XML 1.0 forbids), or "" if none.
// Knows the prolog forms the writers use: <?xml …?>, <!DOCTYPE …>, comments.
std::string well_formedness_problem(std::string_view xml);

bool have_xmllint();

struct LintResult {
  int exit_code = -1;
  std::string output;
};
// Runs `xmllint <arguments…> <file>` on `content` written to a temporary file.
LintResult xmllint(std::string_view content, const std::vector<std::string>& arguments);

}  // namespace mcph::reports::testing
