#include "server/http_server.h"

#include <httplib.h>

#include <atomic>
#include <charconv>
#include <chrono>

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

namespace {

httplib::Server::Handler Adapt(Handler h) {
  return [h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    r.body = req.body;
    HttpResponse out = h(r);
    res.status = out.status;
    res.set_content(out.body, out.content_type.c_str());
  };
}

}  // namespace

HttpServer::HttpServer() : server_(std::make_unique<httplib::Server>()) {
  // httplib's default also sets SO_REUSEPORT, which lets a second process
  // bind a port already in use and silently split the traffic; keep only
  // SO_REUSEADDR (quick restarts) so a taken port fails Start().
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof(yes));
  });
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Get(const std::string& path, Handler handler) {
  server_->Get(path, Adapt(std::move(handler)));
}

void HttpServer::Post(const std::string& path, Handler handler) {
  server_->Post(path, Adapt(std::move(handler)));
}

httplib::Server& HttpServer::raw() { return *server_; }

Status HttpServer::Start(const std::string& listen) {
  if (thread_.joinable()) return Status::InvalidArgument("http: already started");
  ASSIGN_OR_RETURN(auto addr, ParseListenAddress(listen));
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
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::OK();
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace lakestream::server
