#pragma once
// A mock backend's credentials as its secrets file holds them now: the file is read again when
// it changes, so that users added to a running stack (`mcp-harness run --provision`) are known
// at once. The file is replaced by a rename, never written in place; a new version that cannot
// be read or parsed is reported once on stderr, and the previous credentials stay in force.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcph/mock_backend/credentials.h"

namespace mcph::mock_backend {

class CredentialFile {
 public:
  // Throws std::runtime_error, as CredentialSet::load, when the file cannot be used at all.
  CredentialFile(std::string path, Service service);
  // Credentials no file backs (an in-process backend in a test): never read again.
  explicit CredentialFile(CredentialSet fixed);

  // The credentials of the file's latest readable version.
  std::shared_ptr<const CredentialSet> current();

 private:
  // A rename gives the file a new inode; mtime and size also tell an edit in place.
  struct Version {
    std::uint64_t inode = 0;
    std::int64_t written_ns = 0;
    std::int64_t size = 0;
    bool operator==(const Version&) const = default;
  };
  std::optional<Version> version_now() const;

  std::string path_;
  Service service_;
  std::mutex mutex_;
  std::shared_ptr<const CredentialSet> credentials_;
  std::optional<Version> loaded_;    // the version credentials_ came from
  std::optional<Version> rejected_;  // the last version that could not be used, reported once
};

}  // namespace mcph::mock_backend
