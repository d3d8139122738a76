// postgres_server: a throwaway PostgreSQL for tests that are not written in C++ (the third-party
// client tests of mock-vault's database engine), started the way the C++ tests start theirs
// (mcph::postgres::Server). Prints `listening postgresql://postgres:postgres@127.0.0.1:PORT/mcp_demo`
// (the test superuser's fixed password), serves until SIGTERM or SIGINT, or until its parent
// dies, then stops the cluster and removes it.
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>

#include "mcph/postgres/server.h"
#include "mcph/proc/listen_line.h"

int main() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A test runner killed outright must not leave a database behind.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() == 1) return 1;
  try {
    auto server = mcph::postgres::Server::start({});
    std::printf("%s\n", mcph::proc::listen_line(server.url()).c_str());
    std::fflush(stdout);
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "postgres_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
