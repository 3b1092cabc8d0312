// HttpServer: the embedded HTTP server of long-running commands
// (`lakestream serve`, `lakestream ingest --http`): cpp-httplib parses and
// routes requests; connections are ours (guarded_server_internal.h), so slow
// clients cannot starve the server (ServerLimits), and health endpoints
// answer while every worker is busy.
//
// Access (docs/security.md): routes are Access::kToken unless mounted as
// kPublic. With an API token set, a kToken route needs it (Authorization:
// Bearer T or X-API-Token: T; compared in constant time), else 401. Without
// one, kToken routes answer only on a loopback listener and to a loopback
// Host header (no DNS rebinding), and Start() refuses a non-loopback address.
// Every POST must be JSON (Content-Type: application/json) or carry a custom
// header (X-Requested-By, X-API-Token or Authorization): a browser cannot send
// those cross-site without a CORS preflight we never grant (CSRF), else 415.
//
// Modules mount routes before Start(): through the small Route API below
// (no httplib types needed), or through raw() for anything it lacks (static
// files, streaming responses, other methods). Routes are matched by exact
// path, except that a segment "{name}" matches one path segment of letters,
// digits, '_', '-' and '.', handed to the handler as path_params["name"]
// ("/api/runs/{id}"); raw() also accepts httplib's regex patterns.
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

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace httplib {
class Server;
}

namespace lakestream::server {

namespace internal {
class GuardedServer;
}

struct HttpRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;  // query string
  std::map<std::string, std::string> path_params;  // "{name}" segments of the route
  std::string body;
  // The first value of query parameter `name`, or `fallback`.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

enum class Access {
  kPublic,  // /metrics, /healthz, /readyz, static pages
  kToken,   // everything that changes state or reveals data
};

// Connection limits (defaults in docs/security.md).
struct ServerLimits {
  int64_t header_timeout_ms = 10000;  // the whole request head, from accept (else 408)
  int64_t body_timeout_ms = 30000;    // the whole body, once the head is in
  int64_t write_timeout_ms = 10000;   // each write of the response
  size_t max_head_bytes = 16 * 1024;  // request line + headers (else 431)
  size_t max_body_bytes = 1 << 20;    // else 413
  int max_connections_per_client = 16;  // per peer IP address
  int max_connections = 256;            // in all (else 503)
  int workers = 8;                      // threads serving requests (+2 for health)
};

struct HttpServerOptions {
  std::string api_token;  // empty: no token (loopback only for kToken routes)
  ServerLimits limits;
  // Start() waits on it for the listen loop to run (borrowed, never null).
  Clock* clock = RealClock();
};

// True for 127.0.0.0/8, ::1 and localhost.
bool IsLoopbackHost(const std::string& host);
// Equality whose time depends only on the length of `want`.
bool ConstantTimeEquals(const std::string& given, const std::string& want);

// "host:port" -> (host, port). InvalidArgument naming the text when the port
// is missing or not in 0..65535.
Result<std::pair<std::string, int>> ParseListenAddress(const std::string& text);

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Before Start(). The token is also registered for redaction.
  void SetApiToken(std::string token);
  bool has_api_token() const { return !api_token_.empty(); }

  void Get(const std::string& path, Handler handler, Access access = Access::kToken);
  void Post(const std::string& path, Handler handler, Access access = Access::kToken);
  // The underlying server, to mount what the Route API lacks; such routes
  // check access themselves and count as kToken routes for Start().
  httplib::Server& raw();

  // Binds `listen` ("127.0.0.1:8080"; port 0 picks a free one) and serves
  // on a background thread. IOError when the address cannot be bound;
  // InvalidArgument for a non-loopback address with kToken routes and no
  // API token.
  Status Start(const std::string& listen);
  // Stops serving and joins the thread (idempotent).
  void Stop();

  int port() const { return port_; }
  const std::string& host() const { return host_; }

 private:
  void Mount(const std::string& method, const std::string& path, Handler handler, Access access);

  std::string api_token_;
  bool has_token_routes_ = false;
  std::unique_ptr<internal::GuardedServer> server_;
  Clock* clock_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace lakestream::server
