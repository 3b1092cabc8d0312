// HttpListener: the collector's HTTP/1.1 server on Boost.Beast/Asio: an
// event loop on a few threads, not a thread per connection, so thousands of
// idle keep-alive connections cost a socket and a small buffer each.
//
// Per connection: wait for the first byte of a request up to `idle` (a
// kept-alive connection is closed after that), then the whole header must
// arrive within `header` and the body within `body` of their starts, so a
// client that trickles bytes (slowloris) is cut off. Bodies beyond
// max_body_bytes are answered 413 without being read; headers past 16 KiB
// 431; malformed requests 400, then the connection closes. One request at a
// time per connection (no pipelined overlap). Past max_connections, new
// connections get 503 and are closed.
//
// Thread-safety: Start/Stop from one thread; the handler is called on the
// loop threads and its Respond may be called from any thread (the response
// is posted back to the connection's strand). Ownership: owns its threads
// and sockets; the handler must stay valid until Stop() returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "collect/collector.h"
#include "common/status.h"
#include "metrics/registry.h"

namespace lakestream::collect {

class HttpListener {
 public:
  struct Options {
    std::string host = "0.0.0.0";
    int port = 0;  // 0: any free port (see port())
    int threads = 2;
    int64_t max_connections = 20000;
    int64_t header_timeout_ms = 10000;
    int64_t body_timeout_ms = 30000;
    int64_t idle_timeout_ms = 120000;
    int64_t max_body_bytes = 1 << 20;
  };
  using Handler = std::function<void(HttpRequest, Respond)>;

  // Binds and starts the loop threads. IOError naming host:port when the bind fails.
  static Result<std::unique_ptr<HttpListener>> Start(const Options& options, Handler handler,
                                                     metrics::Registry* registry);
  ~HttpListener();
  // Stops accepting, closes every connection, joins the threads.
  void Stop();
  int port() const { return port_; }
  int64_t connections() const;

 private:
  struct Impl;
  HttpListener() = default;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace lakestream::collect
