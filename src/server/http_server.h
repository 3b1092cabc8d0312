// HttpServer: the embedded HTTP server of long-running commands
// (`lakestream serve`, `lakestream ingest --http`), a thin owner of a
// cpp-httplib server running on its own thread pool.
//
// Modules mount routes before Start(): through the small Route API below
// (no httplib types needed), or through raw() for anything it lacks (static
// files, streaming responses, other methods). Routes are matched by exact
// path; raw() also accepts httplib's regex patterns.
//
//   HttpServer server;
//   server.Get("/api/ping", [](const HttpRequest&) { return HttpResponse::Text(200, "pong\n"); });
//   RETURN_IF_ERROR(server.Start("127.0.0.1:0"));   // port 0: any free port
//   ... server.port() ...
//   server.Stop();
//
// Thread-safety: mount routes, then Start(), from one thread; handlers run
// on the server's worker threads, concurrently; Stop() from any thread.
// Ownership: owns the httplib server and its thread; the destructor stops.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace httplib {
class Server;
}

namespace lakestream::server {

struct HttpRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;  // query string
  std::string body;
  // The first value of query parameter `name`, or `fallback`.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// "host:port" -> (host, port). InvalidArgument naming the text when the port
// is missing or not in 0..65535.
Result<std::pair<std::string, int>> ParseListenAddress(const std::string& text);

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Get(const std::string& path, Handler handler);
  void Post(const std::string& path, Handler handler);
  // The underlying server, to mount what the Route API lacks.
  httplib::Server& raw();

  // Binds `listen` ("127.0.0.1:8080"; port 0 picks a free one) and serves
  // on a background thread. IOError when the address cannot be bound.
  Status Start(const std::string& listen);
  // Stops serving and joins the thread (idempotent).
  void Stop();

  int port() const { return port_; }
  const std::string& host() const { return host_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace lakestream::server
