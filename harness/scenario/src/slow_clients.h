#pragma once
// Clients that start a request and never finish it: each sends the start, then a little more
// every so often (a slowloris client, or a body that trickles in). They run beside a scenario's
// next steps, on a thread of their own, until `hold` has passed or they are destroyed (the
// scenario's end), so that those steps show whether the server still serves others meanwhile.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mcph::harness::scenario {

struct SlowClientsOptions {
  std::string host;
  int port = 0;
  int connections = 1;
  std::string start;    // sent once on each connection
  std::string trickle;  // then this, on each connection still open …
  std::chrono::milliseconds every{1000};  // … this far apart …
  std::chrono::milliseconds hold{5000};   // … until this has passed
};

class SlowClients {
 public:
  // Connects every client and sends its start. Throws std::runtime_error when a connection
  // cannot be made (what was opened is closed).
  explicit SlowClients(SlowClientsOptions options);
  ~SlowClients();  // stops the trickle and closes every connection
  SlowClients(const SlowClients&) = delete;
  SlowClients& operator=(const SlowClients&) = delete;

 private:
  void trickle();
  void close_all();

  SlowClientsOptions options_;
  std::vector<int> fds_;  // -1 once the server closed it
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mcph::harness::scenario
