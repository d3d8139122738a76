#include "xml_check.h"

#include <fstream>
#include <vector>

#include "mcph/proc/child_process.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::reports::testing {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == ':' || c == '.';
}

// Checks the entity reference at xml[i] == '&'; returns its length or 0.
std::size_t entity_length(std::string_view xml, std::size_t i) {
  const std::size_t end = xml.find(';', i);
  if (end == std::string_view::npos || end - i > 10) return 0;
  const std::string_view name = xml.substr(i + 1, end - i - 1);
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return end - i + 1;
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (const char c : digits) {
      const bool ok = (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
      if (!ok) return 0;
    }
    return end - i + 1;
  }
  return 0;
}

std::string check_text(std::string_view text, std::size_t offset) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return "control character " + std::to_string(c) + " at " + std::to_string(offset + i);
    }
    if (c == '<') return "raw '<' at " + std::to_string(offset + i);
    if (c == '&' && entity_length(text, i) == 0) return "bad entity at " + std::to_string(offset + i);
  }
  return "";
}

}  // namespace

std::string well_formedness_problem(std::string_view xml) {
  std::vector<std::string> open;
  bool root_seen = false;
  std::size_t i = 0;
  while (i < xml.size()) {
    const std::size_t lt = xml.find('<', i);
    const std::string_view text = xml.substr(i, (lt == std::string_view::npos ? xml.size() : lt) - i);
    if (std::string problem = check_text(text, i); !problem.empty()) return problem;
    if (open.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      return "text outside the root element at " + std::to_string(i);
    }
    if (lt == std::string_view::npos) break;
    i = lt;
    const std::string_view rest = xml.substr(i);
    if (rest.starts_with("<?")) {
      const std::size_t end = xml.find("?>", i);
      if (end == std::string_view::npos) return "unterminated processing instruction";
      i = end + 2;
    } else if (rest.starts_with("<!--")) {
      const std::size_t end = xml.find("-->", i + 4);
      if (end == std::string_view::npos) return "unterminated comment";
      i = end + 3;
    } else if (rest.starts_with("<!DOCTYPE")) {
      if (root_seen) return "DOCTYPE after the root element";
      const std::size_t end = xml.find('>', i);
      if (end == std::string_view::npos) return "unterminated DOCTYPE";
      i = end + 1;
    } else if (rest.starts_with("</")) {
      std::size_t p = i + 2;
      while (p < xml.size() && is_name_char(xml[p])) ++p;
      const std::string name(xml.substr(i + 2, p - i - 2));
      while (p < xml.size() && (xml[p] == ' ' || xml[p] == '\n')) ++p;
      if (p >= xml.size() || xml[p] != '>') return "bad end tag at " + std::to_string(i);
      if (open.empty() || open.back() != name) {
        return "end tag </" + name + "> does not match " + (open.empty() ? "nothing" : "<" + open.back() + ">");
      }
      open.pop_back();
      i = p + 1;
    } else {
      std::size_t p = i + 1;
      while (p < xml.size() && is_name_char(xml[p])) ++p;
      const std::string name(xml.substr(i + 1, p - i - 1));
      if (name.empty()) return "raw '<' at " + std::to_string(i);
      if (open.empty() && root_seen) return "second root element <" + name + ">";
      root_seen = true;
      std::vector<std::string> attributes;
      while (true) {
        while (p < xml.size() && (xml[p] == ' ' || xml[p] == '\n' || xml[p] == '\t')) ++p;
        if (p >= xml.size()) return "unterminated start tag <" + name + ">";
        if (xml[p] == '>') {
          open.push_back(name);
          ++p;
          break;
        }
        if (xml.substr(p, 2) == "/>") {
          p += 2;
          break;
        }
        const std::size_t attribute_start = p;
        while (p < xml.size() && is_name_char(xml[p])) ++p;
        const std::string attribute(xml.substr(attribute_start, p - attribute_start));
        if (attribute.empty() || p + 1 >= xml.size() || xml[p] != '=' || (xml[p + 1] != '"' && xml[p + 1] != '\'')) {
          return "bad attribute in <" + name + "> at " + std::to_string(attribute_start);
        }
        for (const std::string& seen : attributes) {
          if (seen == attribute) return "duplicate attribute " + attribute + " in <" + name + ">";
        }
        attributes.push_back(attribute);
        const char quote = xml[p + 1];
        const std::size_t value_end = xml.find(quote, p + 2);
        if (value_end == std::string_view::npos) return "unterminated attribute value in <" + name + ">";
        if (std::string problem = check_text(xml.substr(p + 2, value_end - p - 2), p + 2); !problem.empty()) {
          return problem + " (attribute " + attribute + ")";
        }
        p = value_end + 1;
      }
      i = p;
    }
  }
  if (!open.empty()) return "element <" + open.back() + "> is never closed";
  if (!root_seen) return "no root element";
  return "";
}

bool have_xmllint() { return std::string_view(MCPH_XMLLINT_PATH).size() > 0; }

LintResult xmllint(std::string_view content, const std::vector<std::string>& arguments) {
  proc::TempDir dir("mcph-reports-test");
  const auto file = dir.path() / "input.xml";
  std::ofstream(file, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
  proc::SpawnOptions options;
  options.argv.push_back(MCPH_XMLLINT_PATH);
  options.argv.insert(options.argv.end(), arguments.begin(), arguments.end());
  options.argv.push_back(file.string());
  const proc::CommandResult result = proc::run_command(options, std::chrono::seconds(30));
  return LintResult{result.exit_code, result.output};
}

}  // namespace mcph::reports::testing
