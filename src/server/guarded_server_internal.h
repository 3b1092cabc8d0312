// GuardedServer: an httplib::Server whose connections are handled by us, so
// that slow or hostile clients cannot take the server away from others
// (slowloris). httplib still parses requests and routes them; we own the
// sockets between accept and close:
//
//   accept thread --> gate (one poll thread) --> main lane (limits.workers threads)
//                                           \--> health lane (2 threads): GET /healthz,
//                                                /readyz, /metrics
//
// - The gate reads each request head without a thread per connection and
//   hands it on only when complete, within limits.header_timeout_ms in total
//   (else 408) and limits.max_head_bytes (else 431).
// - A client (peer IP address) has at most limits.max_connections_per_client
//   connections; a new one evicts that client's oldest connection still in
//   the gate, or is refused with 503 when all are being served. At most
//   limits.max_connections in all (503 beyond).
// - Bodies are read within limits.body_timeout_ms in total, at most
//   limits.max_body_bytes (413); responses are written within
//   limits.write_timeout_ms per write. One request per connection.
// - Health and metrics requests have their own lane, so they are answered
//   while every worker is busy (a long /api/jobs/run, say).
//
// Thread-safety: construct and mount routes on one thread, then
// StartThreads(); Shutdown() (after httplib's stop()) from any one thread.
// Ownership: owns the threads and every accepted socket.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.h"

namespace lakestream::server::internal {

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ServerLimits limits);
  ~GuardedServer() override;

  // After the bind: raises the listen backlog, starts the gate and lanes.
  void StartThreads();
  // Stops the gate and the lanes (joining requests being served) and closes
  // every connection still waiting. Idempotent.
  void Shutdown();

  const ServerLimits& limits() const { return limits_; }

 private:
  struct Conn {
    int fd = -1;
    std::string ip;
    std::string head;  // bytes read by the gate (the request head, maybe more)
    int64_t deadline_ms = 0;
    bool evicted = false;  // guarded by mu_
  };
  using ConnPtr = std::shared_ptr<Conn>;
  struct Lane {
    std::deque<ConnPtr> queue;
    std::condition_variable cv;
    std::vector<std::thread> threads;
  };

  // Called by httplib's accept loop (through the inline task queue) for
  // each accepted socket: hands it to the gate, never blocks.
  bool process_and_close_socket(socket_t sock) override;

  void GateLoop();
  void LaneLoop(Lane* lane);
  void Serve(const ConnPtr& conn);
  // Closes the socket and forgets the connection in the client counts.
  void Finish(const ConnPtr& conn);
  void Uncount(const ConnPtr& conn);
  void Wake();

  const ServerLimits limits_;
  std::mutex mu_;
  bool stopping_ = false;
  bool started_ = false;
  std::list<ConnPtr> pending_;  // in the gate, oldest first
  std::set<int> serving_;       // sockets a lane is serving
  std::map<std::string, int> per_client_;
  int total_ = 0;
  Lane main_, health_;
  std::thread gate_;
  int wake_[2] = {-1, -1};  // self-pipe: wakes the gate's poll
};

}  // namespace lakestream::server::internal
