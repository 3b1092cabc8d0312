#include "server/http_server.h"

#include <httplib.h>

#include <atomic>
#include <charconv>

#include "common/json_escape.h"
#include "common/redact.h"
#include "server/guarded_server_internal.h"

namespace lakestream::server {

std::string HttpRequest::Param(const std::string& name, const std::string& fallback) const {
  auto it = params.find(name);
  return it == params.end() ? fallback : it->second;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

Result<std::pair<std::string, int>> ParseListenAddress(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("http: listen address '" + text +
                                   "': expected host:port, e.g. 127.0.0.1:9464");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  const char* b = text.data() + colon + 1;
  const char* e = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(b, e, port);
  if (ec != std::errc() || ptr != e || port < 0 || port > 65535) {
    return Status::InvalidArgument("http: listen address '" + text + "': bad port");
  }
  return std::make_pair(host, port);
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

bool ConstantTimeEquals(const std::string& given, const std::string& want) {
  // Every byte of `want` is compared whatever `given` holds.
  unsigned char diff = given.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < want.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(want[i]));
  }
  return diff == 0;
}

namespace {

void SendError(httplib::Response& res, int status, const std::string& error) {
  std::string body = "{\"error\":";
  AppendJsonString(error, &body);
  body += "}\n";
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json");
}

// The host part of a Host header ("127.0.0.1:9464", "[::1]:9464").
std::string HostOnly(std::string h) {
  if (!h.empty() && h.front() == '[') {
    size_t e = h.find(']');
    return e == std::string::npos ? h : h.substr(1, e - 1);
  }
  size_t c = h.rfind(':');
  return c == std::string::npos ? h : h.substr(0, c);
}

// Access and CSRF checks (see the header); false when `res` holds the refusal.
bool Allowed(const httplib::Request& req, httplib::Response& res, Access access,
             const std::string& token) {
  if (access == Access::kToken) {
    if (!token.empty()) {
      std::string given = req.get_header_value("X-API-Token");
      std::string auth = req.get_header_value("Authorization");
      if (given.empty() && auth.rfind("Bearer ", 0) == 0) given = auth.substr(7);
      if (!ConstantTimeEquals(given, token)) {
        res.set_header("WWW-Authenticate", "Bearer");
        SendError(res, 401, "missing or wrong API token (Authorization: Bearer T or X-API-Token: T)");
        return false;
      }
    } else if (!IsLoopbackHost(HostOnly(req.get_header_value("Host")))) {
      SendError(res, 403,
                "no API token is set: the control API answers only to loopback Host names "
                "(set LAKESTREAM_API_TOKEN)");
      return false;
    }
  }
  if (req.method != "GET" && req.method != "HEAD") {
    std::string type = req.get_header_value("Content-Type");
    bool json = type.rfind("application/json", 0) == 0;
    if (!json && !req.has_header("X-Requested-By") && !req.has_header("X-API-Token") &&
        !req.has_header("Authorization")) {
      SendError(res, 415,
                req.method + " needs Content-Type: application/json or an X-Requested-By header");
      return false;
    }
  }
  return true;
}

// A route path -> httplib's pattern: each "{name}" segment becomes a capture
// group (names in order into `names`); everything else matches literally.
std::string RoutePattern(const std::string& path, std::vector<std::string>* names) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t open = path.find('{', i);
    size_t close = open == std::string::npos ? open : path.find('}', open);
    if (close == std::string::npos) {
      open = path.size();
    }
    for (size_t k = i; k < open; ++k) {
      if (std::string_view("\\^$.|?*+()[]{}").find(path[k]) != std::string_view::npos) {
        out += '\\';
      }
      out += path[k];
    }
    if (open == path.size()) break;
    names->push_back(path.substr(open + 1, close - open - 1));
    out += "([A-Za-z0-9_.-]+)";
    i = close + 1;
  }
  return out;
}

httplib::Server::Handler Adapt(Handler h, Access access, const std::string* token,
                               std::vector<std::string> names) {
  return [h = std::move(h), access, token, names = std::move(names)](const httplib::Request& req,
                                                                    httplib::Response& res) {
    if (!Allowed(req, res, access, *token)) return;
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
      r.path_params[names[i]] = req.matches[i + 1];
    }
    r.body = req.body;
    HttpResponse out = h(r);
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_content(out.body, out.content_type.c_str());
  };
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options)
    : server_(std::make_unique<internal::GuardedServer>(options.limits)),
      clock_(ClockOrReal(options.clock)) {
  SetApiToken(std::move(options.api_token));
  // httplib's default also sets SO_REUSEPORT, which lets a second process
  // bind a port already in use and silently split the traffic; keep only
  // SO_REUSEADDR (quick restarts) so a taken port fails Start().
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof(yes));
  });
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::SetApiToken(std::string token) {
  api_token_ = std::move(token);
  RegisterSecret(api_token_);
}

void HttpServer::Mount(const std::string& method, const std::string& path, Handler handler,
                       Access access) {
  if (access == Access::kToken) has_token_routes_ = true;
  // The token lives in this object, which outlives the server's threads.
  std::vector<std::string> names;
  std::string pattern = RoutePattern(path, &names);
  auto h = Adapt(std::move(handler), access, &api_token_, std::move(names));
  if (method == "GET") {
    server_->Get(pattern, std::move(h));
  } else {
    server_->Post(pattern, std::move(h));
  }
}

void HttpServer::Get(const std::string& path, Handler handler, Access access) {
  Mount("GET", path, std::move(handler), access);
}

void HttpServer::Post(const std::string& path, Handler handler, Access access) {
  Mount("POST", path, std::move(handler), access);
}

httplib::Server& HttpServer::raw() {
  has_token_routes_ = true;
  return *server_;
}

Status HttpServer::Start(const std::string& listen) {
  if (thread_.joinable()) return Status::InvalidArgument("http: already started");
  ASSIGN_OR_RETURN(auto addr, ParseListenAddress(listen));
  if (has_token_routes_ && api_token_.empty() && !IsLoopbackHost(addr.first)) {
    return Status::InvalidArgument(
        "http: refusing to serve the control API on " + listen +
        " without an API token: set LAKESTREAM_API_TOKEN, or listen on 127.0.0.1 "
        "(docs/security.md)");
  }
  host_ = addr.first;
  if (addr.second == 0) {
    port_ = server_->bind_to_any_port(host_);
    if (port_ <= 0) return Status::IOError("http: cannot bind " + listen);
  } else {
    if (!server_->bind_to_port(host_, addr.second)) {
      return Status::IOError("http: cannot bind " + listen + " (in use or not permitted)");
    }
    port_ = addr.second;
  }
  server_->StartThreads();
  auto exited = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, exited] {
    server_->listen_after_bind();
    exited->store(true);
  });
  // httplib's stop() is a no-op until the listen loop runs: wait for it so a
  // Stop() right after Start() cannot leave the thread serving forever. If
  // the loop ends without ever running, the listen failed.
  while (!server_->is_running()) {
    if (exited->load()) {
      thread_.join();
      return Status::IOError("http: " + listen + ": listening failed");
    }
    clock_->SleepForMillis(1);
  }
  return Status::OK();
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
  server_->Shutdown();
}

}  // namespace lakestream::server
