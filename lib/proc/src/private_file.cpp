#include "mcph/proc/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mcph::proc {

void write_private_file(const std::filesystem::path& path, const std::string& text) {
  const std::string temp = path.string() + ".tmp";
  const auto fail = [&](const std::string& what) {
    const std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write " + path.string() + ": " + what + ": " + why);
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) fail("open");
  // A temporary file left by an earlier run keeps its mode through O_CREAT: set it.
  if (::fchmod(fd, 0600) != 0) {
    ::close(fd);
    fail("fchmod");
  }
  for (std::size_t written = 0; written < text.size();) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail("close");
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("rename");
}

}  // namespace mcph::proc
