#include "mcph/reports/junit.h"

#include <ostream>
#include <utility>

#include "mcph/reports/taxonomy.h"
#include "output_file.h"
#include "text.h"

namespace mcph::reports {
namespace {

using detail::clean;
using detail::escape;
using detail::markup_attribute;
using Status = ScenarioResult::Status;

// Failure and error messages are one line in CI overviews; the element's body has the rest.
constexpr std::size_t kMaxMessageBytes = 1000;

std::string short_attribute(std::string_view raw) {
  const std::string text = clean(raw);
  if (text.size() <= kMaxMessageBytes) return escape(text, true);
  return escape(std::string(detail::truncate_utf8(text, kMaxMessageBytes)) + "…", true);
}

bool digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]: what consumers parse as a timestamp. Anything else
// is left out rather than written where a date belongs.
bool is_timestamp(std::string_view t) {
  if (t.size() < 19 || !digits(t.substr(0, 4)) || t[4] != '-' || !digits(t.substr(5, 2)) || t[7] != '-' ||
      !digits(t.substr(8, 2)) || t[10] != 'T' || !digits(t.substr(11, 2)) || t[13] != ':' ||
      !digits(t.substr(14, 2)) || t[16] != ':' || !digits(t.substr(17, 2))) {
    return false;
  }
  std::string_view rest = t.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1) return false;
    rest = rest.substr(n);
  }
  if (rest.empty() || rest == "Z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest.substr(1, 2)) && rest[3] == ':' &&
         digits(rest.substr(4, 2));
}

std::string expected_got(const Failure& failure) {
  if (failure.expectation.empty()) return failure.actual;
  return "expected " + failure.expectation + "; got " + failure.actual;
}

std::string file_stem(const SuiteResult& suite) {
  if (suite.file.empty()) return suite.name;
  return std::filesystem::path(suite.file).stem().string();
}

std::string suite_name(const SuiteResult& suite) {
  return suite.name.empty() ? file_stem(suite) : suite.name;
}

std::string class_name(const SuiteResult& suite, const ScenarioResult& scenario) {
  const std::string& family = scenario.family.empty() ? suite.family : scenario.family;
  const std::string stem = file_stem(suite);
  if (family.empty()) return stem;
  if (stem.empty()) return family;
  return family + "." + stem;
}

// The one-line message of a failed or broken scenario.
std::string message_of(const ScenarioResult& scenario) {
  std::string message = scenario.message;
  if (!scenario.failures.empty()) {
    if (!message.empty()) message += ": ";
    message += expected_got(scenario.failures.front());
    if (scenario.failures.size() > 1) {
      message += " (+" + std::to_string(scenario.failures.size() - 1) + " more)";
    }
  }
  if (message.empty()) message = to_string(scenario.status);
  return message;
}

// Every finding and failure with its step, for the body of <failure>/<error> (what GitLab
// shows: it reads no testcase properties). Already escaped.
std::string failure_details(const ScenarioResult& scenario) {
  std::string body;
  if (!scenario.message.empty()) body += clean(scenario.message) + "\n";
  for (const Finding& finding : scenario.findings) {
    if (!body.empty()) body += "\n";
    body += "finding: " + clean(finding.server) + " " + clean(finding.property) + "\n";
    body += "shown by step: " + clean(finding.step) + "\n";
    body += "evidence: " + clean(finding.evidence) + "\n";
    if (finding.bounded()) body += "bounded: " + clean(finding.bound) + "\n";
  }
  for (const Failure& failure : scenario.failures) {
    if (!body.empty()) body += "\n";
    body += "step: " + clean(failure.step) + "\n";
    body += "expected: " + clean(failure.expectation) + "\n";
    body += "actual: " + clean(failure.actual) + "\n";
  }
  return escape(body, false);
}

// Each step and what it checked, for <system-out>: what a passing scenario asserted, too.
std::string steps_text(const ScenarioResult& scenario) {
  if (scenario.steps.empty()) return "";
  std::string out = "\nsteps:\n";
  for (const StepRecord& step : scenario.steps) {
    out += "  " + clean(step.title) + " (";
    if (!step.server.empty()) out += clean(step.server) + ", ";
    if (step.http_status != 0) out += "HTTP " + std::to_string(step.http_status) + ", ";
    out += detail::seconds_text(step.ms / 1000) + " s)\n";
    if (!step.error.empty()) out += "    could not be carried out: " + clean(step.error) + "\n";
    if (!step.statuses.empty()) {
      out += "    " + burst_summary(step.statuses) +
             (step.retry_after.empty() ? "" : "; Retry-After: " + clean(step.retry_after)) + "\n";
    }
    for (const LoadLevel& level : step.load) {
      out += "    " + std::to_string(level.concurrency) + " in flight: " + std::to_string(level.calls) + " calls, " +
             std::to_string(level.failed) + " failed, p50 " + detail::seconds_text(level.p50_ms / 1000) + " s, p99 " +
             detail::seconds_text(level.p99_ms / 1000) + " s\n";
    }
    for (const Check& check : step.checks) {
      out += std::string("    ") + to_string(check.verdict) + ": " + clean(check.expectation);
      if (!check.actual.empty()) out += " — " + clean(check.actual);
      out += "\n";
    }
  }
  return out;
}

// The findings as testcase properties: Jenkins' JUnit plugin shows them on the test's page
// (with keepProperties; it keeps one value per name, hence the numbers), as do other readers of
// testcase properties (pytest writes them the same way). Already indented.
std::string finding_properties(const ScenarioResult& scenario) {
  if (scenario.findings.empty()) return "";
  std::string xml = "      <properties>\n";
  int number = 0;
  for (const Finding& finding : scenario.findings) {
    const std::string prefix = "finding." + std::to_string(++number) + ".";
    const Rule rule = rule_for(finding.property_id);
    for (const auto& [name, value] : {std::pair<std::string, const std::string*>{"server", &finding.server},
                                      {"property", &finding.property},
                                      {"rule", &rule.id},
                                      {"owasp_mcp", &rule.owasp_mcp},
                                      {"cwe", &rule.cwe},
                                      {"step", &finding.step},
                                      {"evidence", &finding.evidence},
                                      {"bound", &finding.bound}}) {
      if (value->empty() && (name == "owasp_mcp" || name == "cwe" || name == "bound")) continue;  // none fits
      xml += "        <property name=\"" + prefix + name + "\" value=\"" + short_attribute(*value) + "\"/>\n";
    }
  }
  return xml + "      </properties>\n";
}

// Description, each user's flow and the trace file, for <system-out>. Already escaped.
std::string scenario_output(const ScenarioResult& scenario) {
  std::string out;
  if (!scenario.description.empty()) out += clean(scenario.description) + "\n";
  for (const UserFlow& flow : scenario.flows) {
    out += "\nflow of " + clean(flow.user) + ":\n";
    int number = 0;
    for (const FlowStep& step : flow.steps) {
      out += "  " + std::to_string(++number) + ". " + clean(step.stage) + ": " + clean(step.detail) + "\n";
    }
  }
  out += steps_text(scenario);
  if (!scenario.trace_file.empty()) {
    const std::string trace = clean(scenario.trace_file);
    // GitLab and Jenkins' attachments plugin turn this tag into a link to the file.
    out += "\ntrace: " + trace + "\n[[ATTACHMENT|" + trace + "]]\n";
  }
  return escape(out, false);
}

void write_testcase(std::string& xml, const SuiteResult& suite, const ScenarioResult& scenario) {
  xml += "    <testcase classname=\"" + markup_attribute(class_name(suite, scenario)) + "\" name=\"" +
         markup_attribute(scenario.name) + "\" time=\"" + detail::seconds_text(scenario.seconds) + "\"";
  if (!suite.file.empty()) xml += " file=\"" + markup_attribute(suite.file) + "\"";
  const std::string output = scenario_output(scenario);
  const std::string properties = finding_properties(scenario);
  if (scenario.status == Status::passed && output.empty() && properties.empty()) {
    xml += "/>\n";
    return;
  }
  xml += ">\n" + properties;
  switch (scenario.status) {
    case Status::passed: break;
    case Status::failed:
      xml += "      <failure message=\"" + short_attribute(message_of(scenario)) + "\" type=\"expectation\">" +
             failure_details(scenario) + "</failure>\n";
      break;
    case Status::skipped:
      xml += scenario.message.empty()
                 ? std::string("      <skipped/>\n")
                 : "      <skipped message=\"" + short_attribute(scenario.message) + "\"/>\n";
      break;
    default:
      // An inconclusive check is an error of the run, never a failure of the target.
      xml += "      <error message=\"" + short_attribute(message_of(scenario)) + "\" type=\"" +
             (is_inconclusive(scenario) ? "inconclusive" : "error") + "\">" +
             failure_details(scenario) + "</error>\n";
      break;
  }
  if (!output.empty()) xml += "      <system-out>" + output + "</system-out>\n";
  xml += "    </testcase>\n";
}

void write_counts(std::string& xml, const Counts& counts) {
  xml += " tests=\"" + std::to_string(counts.tests) + "\" failures=\"" + std::to_string(counts.failures) +
         "\" errors=\"" + std::to_string(counts.errors) + "\" skipped=\"" + std::to_string(counts.skipped) + "\"";
}

void write_property(std::string& xml, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  xml += "      <property name=\"" + std::string(name) + "\" value=\"" + markup_attribute(value) + "\"/>\n";
}

}  // namespace

std::string junit_xml(const RunReport& report) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" +
                    markup_attribute(report.title) + "\"";
  write_counts(xml, report.counts());
  xml += " time=\"" + detail::seconds_text(report.seconds) + "\"";
  if (is_timestamp(report.started_at)) xml += " timestamp=\"" + report.started_at + "\"";
  xml += ">\n";
  int id = 0;
  for (const SuiteResult& suite : report.suites) {
    const std::string& started = suite.started_at.empty() ? report.started_at : suite.started_at;
    xml += "  <testsuite name=\"" + markup_attribute(suite_name(suite)) + "\" id=\"" + std::to_string(id++) + "\"";
    write_counts(xml, suite.counts());
    xml += " time=\"" + detail::seconds_text(suite.seconds()) + "\"";
    if (is_timestamp(started)) xml += " timestamp=\"" + started + "\"";
    xml += ">\n";
    std::string properties;
    write_property(properties, "family", suite.family);
    write_property(properties, "file", suite.file);
    write_property(properties, "stack_mode", report.stack_mode);
    if (!report.stack_idp.empty()) write_property(properties, "stack_idp", report.stack_idp);
    write_property(properties, "stack_file", report.stack_file);
    write_property(properties, "seed", report.seed);
    if (report.shuffled) write_property(properties, "shuffled", "true");
    if (!properties.empty()) xml += "    <properties>\n" + properties + "    </properties>\n";
    for (const ScenarioResult& scenario : suite.scenarios) write_testcase(xml, suite, scenario);
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

void write_junit(const RunReport& report, std::ostream& out) { out << junit_xml(report); }

void write_junit_file(const RunReport& report, const std::filesystem::path& path) {
  detail::write_file(path, junit_xml(report));
}

}  // namespace mcph::reports
