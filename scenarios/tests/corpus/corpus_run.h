#pragma once
// One variant of a corpus server, running beside a local stand-in stack: its private work
// directory (mode 0700) with the files its corpus.json asks for, the process started with its
// placeholders filled, and the external stack file that names it with the stack's services.
#include <filesystem>
#include <memory>
#include <string>

#include "corpus_server.h"
#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario::corpus {

class CorpusRun {
 public:
  // Starts `variant` of `server` against `local` (the stand-in stack's file). Throws
  // std::runtime_error saying what did not start or which placeholder it cannot fill.
  CorpusRun(const CorpusServer& server, const std::string& variant, const stack::StackFile& local,
            const std::filesystem::path& corpus_dir);
  ~CorpusRun();
  CorpusRun(const CorpusRun&) = delete;
  CorpusRun& operator=(const CorpusRun&) = delete;

  // The local stack's services, those the server plays replaced by its stack entries. Throws
  // std::runtime_error when the harness refuses an entry (the message is the harness's).
  stack::StackFile stack_file() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::harness::scenario::corpus
