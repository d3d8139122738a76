#pragma once
// The slice of JQL the demo's tools send: clauses joined by AND, each `field = value`,
// `field != value`, `field ~ text`, `field IN (a, b)` or `field IS [NOT] EMPTY`, values bare
// or quoted, `currentUser()`, and a trailing ORDER BY (ignored). Fields: project, key
// (issuekey), status, assignee, reporter, issuetype (type), priority, summary, description,
// text.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mock_jira {

struct JqlClause {
  std::string field;                // lower-cased, aliases resolved
  std::string op;                   // "=", "!=", "~", "in", "is empty", "is not empty"
  std::vector<std::string> values;  // currentUser() is "currentUser()"
};

struct JqlQuery {
  std::vector<JqlClause> clauses;   // all must hold
};

// Throws JqlError with Jira's wording for a query it cannot parse or a field it does not know.
class JqlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
JqlQuery parse_jql(std::string_view jql);

}  // namespace mcph::mock_jira
