// main() of a fuzz target outside the fuzz preset: runs every file named on the command line,
// or found (recursively) under a folder named there, through LLVMFuzzerTestOneInput once — the
// seed corpus and the regressions/ folder, so every crash ever found stays a test under any
// compiler. A missing folder counts as empty; no input at all is an error (a test that ran
// nothing must not pass). A finding aborts the process, as it does under libFuzzer.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

std::vector<std::filesystem::path> inputs_under(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_regular_file(path)) {
    files.push_back(path);
  } else if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& file : inputs_under(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      std::fprintf(stderr, "running %s (%zu bytes)\n", file.c_str(), bytes.size());
      // A copy of exactly the input's size, so that ASan sees a read past its end.
      std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
      LLVMFuzzerTestOneInput(data.data(), data.size());
      ++ran;
    }
  }
  if (ran == 0) {
    std::fprintf(stderr, "no input found under the given paths\n");
    return 1;
  }
  std::fprintf(stderr, "%zu inputs ran without a finding\n", ran);
  return 0;
}
