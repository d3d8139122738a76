#include "mcph/mock_backend/credential_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

namespace mcph::mock_backend {

CredentialFile::CredentialFile(std::string path, Service service)
    : path_(std::move(path)),
      service_(service),
      credentials_(std::make_shared<const CredentialSet>(CredentialSet::load(path_, service))),
      loaded_(version_now()) {}

CredentialFile::CredentialFile(CredentialSet fixed)
    : service_(Service::jira), credentials_(std::make_shared<const CredentialSet>(std::move(fixed))) {}

std::optional<CredentialFile::Version> CredentialFile::version_now() const {
  if (path_.empty()) return std::nullopt;
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) return std::nullopt;
  return Version{static_cast<std::uint64_t>(info.st_ino),
                 static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
                 static_cast<std::int64_t>(info.st_size)};
}

std::shared_ptr<const CredentialSet> CredentialFile::current() {
  const auto now = version_now();
  std::lock_guard lock(mutex_);
  if (!now || now == loaded_ || now == rejected_) return credentials_;
  try {
    credentials_ = std::make_shared<const CredentialSet>(CredentialSet::load(path_, service_));
    loaded_ = now;
    std::fprintf(stderr, "credentials: %s read again: %zu credential(s)\n", path_.c_str(), credentials_->size());
  } catch (const std::exception& e) {
    rejected_ = now;
    std::fprintf(stderr, "credentials: %s changed and cannot be used (%s); the previous credentials stay in force\n",
                 path_.c_str(), e.what());
  }
  return credentials_;
}

}  // namespace mcph::mock_backend
