#pragma once
#include <filesystem>
#include <string>

namespace mcph::proc {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "mcph");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }
  // Keep the directory on destruction (to inspect logs after a failure).
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace mcph::proc
