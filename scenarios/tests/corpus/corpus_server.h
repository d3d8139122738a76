#pragma once
// A server of the corpus (corpus/<server>/, corpus/README.md): one the project did not design,
// built on another language's SDK. Its corpus.json says how to run it and which suites run
// against it; its expected-<variant>.json lists every finding the harness must report on that
// variant, and nothing else.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_params.h"

namespace mcph::harness::scenario::corpus {

struct ExpectedFinding {
  std::string property;  // the taxonomy id
  std::string scenario;  // "<suite> / <scenario name>"
  std::string why;
  // Optional: words of the step that must show it ("aud names another service"), so that the
  // same property found at another step (a control that failed) does not pass for it.
  std::string step;
};

struct CorpusServer {
  std::string name;  // its directory's name
  std::filesystem::path dir;
  nlohmann::json spec;  // corpus.json
  std::vector<std::string> suites;
  std::vector<std::string> must_run;  // "<suite> / <scenario name>": skipped or broken fails the test
  // "<suite> / <scenario name>" → why the harness cannot address this server there yet (a
  // convention no profile key describes): such a scenario must end without a verdict, and an
  // expected finding in it is blocked, not missing; one that reaches a verdict fails the test
  // until it moves to must_run.
  std::map<std::string, std::string> not_addressable;
  std::map<std::string, std::vector<std::string>> variants;  // name → its extra argv

  // expected-<variant>.json. Throws std::runtime_error when it is missing or malformed.
  std::vector<ExpectedFinding> expected(const std::string& variant) const;
};

// The stand-in stack the server runs beside: the suites' own (scenario_suite_params), with the
// identity provider and generated users its corpus.json's "stack" names. Throws
// std::runtime_error naming a bad value.
stack::StackParams corpus_stack_params(const CorpusServer& server);

// Every corpus/*/corpus.json, by name. Throws std::runtime_error naming a malformed one.
std::vector<CorpusServer> find_corpus_servers(const std::filesystem::path& corpus_dir);
// The corpus server of that name. Throws std::runtime_error when there is none.
CorpusServer find_corpus_server(const std::filesystem::path& corpus_dir, const std::string& name);

// The interpreter of the server's runtime as corpus/install-runtimes installs it (for a Go server,
// its own binary, built from its current sources). Throws
// std::runtime_error naming the command to run when it is not installed or out of date.
std::filesystem::path runtime_interpreter(const CorpusServer& server, const std::filesystem::path& corpus_dir);

// Where a Node server's packages are (its NODE_PATH); empty for other runtimes.
std::filesystem::path node_modules(const CorpusServer& server);

}  // namespace mcph::harness::scenario::corpus
