#include "collect/http_listener.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>
#include <thread>
#include <vector>

#include "common/json_escape.h"

namespace lakestream::collect {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

struct Shared {
  HttpListener::Options options;
  HttpListener::Handler handler;
  std::atomic<int64_t> connections{0};
  metrics::Gauge* open = nullptr;
  metrics::CounterFamily* closed = nullptr;  // by reason
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string();
    shared_->connections.fetch_add(1);
    if (shared_->open) shared_->open->Inc();
  }
  ~Session() {
    shared_->connections.fetch_sub(1);
    if (shared_->open) shared_->open->Dec();
  }

  void Run() { WaitForRequest(); }

 private:
  void Closed(const char* reason) {
    if (shared_->closed) shared_->closed->WithLabels({reason}).Inc();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  // Idle: wait for the first byte of the next request.
  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadHeader();
    stream_.expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Closed(ec == beast::error::timeout ? "idle" : "peer");
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(static_cast<uint64_t>(shared_->options.max_body_bytes));
    stream_.expires_after(std::chrono::milliseconds(shared_->options.header_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->ReadFailed(ec, "header");
                              self->ReadBody();
                            });
  }

  void ReadBody() {
    auto len = parser_->content_length();
    if (len && *len > static_cast<uint64_t>(shared_->options.max_body_bytes)) {
      return Fail(413, "body of " + std::to_string(*len) + " bytes is over the " +
                           std::to_string(shared_->options.max_body_bytes) + "-byte limit");
    }
    stream_.expires_after(std::chrono::milliseconds(shared_->options.body_timeout_ms));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->ReadFailed(ec, "body");
      self->OnRequest();
    });
  }

  void ReadFailed(beast::error_code ec, const char* phase) {
    if (ec == beast::error::timeout) {
      // Slowloris or a stalled client: no answer can reach it in time anyway.
      return Closed(phase[0] == 'h' ? "header_timeout" : "body_timeout");
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset) {
      return Closed("peer");
    }
    if (ec == http::error::body_limit) {
      return Fail(413, "body is over the " + std::to_string(shared_->options.max_body_bytes) + "-byte limit");
    }
    if (ec == http::error::header_limit) return Fail(431, "request header is over 16384 bytes");
    return Fail(400, std::string("malformed HTTP request: ") + ec.message());
  }

  // Answers an error and closes.
  void Fail(int status, const std::string& reason) {
    HttpResponse r;
    r.status = status;
    r.body = "{\"error\":";
    AppendJsonString(reason, &r.body);
    r.body += "}";
    keep_alive_ = false;
    Write(std::move(r));
  }

  void OnRequest() {
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.peer = peer_;
    parser_.reset();
    auto self = shared_from_this();
    shared_->handler(std::move(req), [self](HttpResponse r) {
      net::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->Write(std::move(r)); });
    });
  }

  void Write(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->result(static_cast<unsigned>(r.status));
    res->version(11);
    res->set(http::field::server, "lakestream-collect");
    if (!r.body.empty() || r.status != 204) res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(shared_->options.body_timeout_ms));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (ec) return self->Closed("write");
      if (!self->keep_alive_) return self->Closed("done");
      self->WaitForRequest();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Shared> shared_;
  std::string peer_;
  bool keep_alive_ = true;
};

}  // namespace

struct HttpListener::Impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  std::vector<std::thread> threads;

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        if (shared->connections.load() >= shared->options.max_connections) {
          static const char kBusy[] =
              "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n"
              "Content-Length: 0\r\n\r\n";
          beast::error_code ignored;
          socket.non_blocking(true, ignored);
          socket.write_some(net::buffer(kBusy, sizeof(kBusy) - 1), ignored);
          if (shared->closed) shared->closed->WithLabels({"over_max_connections"}).Inc();
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), shared)->Run();
        }
      }
      Accept();
    });
  }
};

Result<std::unique_ptr<HttpListener>> HttpListener::Start(const Options& options, Handler handler,
                                                          metrics::Registry* registry) {
  auto l = std::unique_ptr<HttpListener>(new HttpListener());
  l->impl_ = std::make_unique<Impl>();
  Impl& im = *l->impl_;
  im.shared->options = options;
  im.shared->handler = std::move(handler);
  if (registry != nullptr) {
    ASSIGN_OR_RETURN(auto* open, registry->AddGauge("lakestream_collect_connections", "Open client connections"));
    im.shared->open = &open->WithLabels({});
    ASSIGN_OR_RETURN(im.shared->closed, registry->AddCounter("lakestream_collect_connections_closed_total",
                                                             "Closed client connections by reason", {"reason"}));
  }
  std::string where = options.host + ":" + std::to_string(options.port);
  beast::error_code ec;
  auto addr = net::ip::make_address(options.host, ec);
  if (ec) return Status::InvalidArgument("collect: listen address " + where + ": " + ec.message());
  tcp::endpoint ep(addr, static_cast<unsigned short>(options.port));
  im.acceptor.open(ep.protocol(), ec);
  if (!ec) im.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(ep, ec);
  if (!ec) im.acceptor.listen(4096, ec);
  if (ec) return Status::IOError("collect: listen on " + where + ": " + ec.message());
  l->port_ = im.acceptor.local_endpoint().port();
  im.Accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    im.threads.emplace_back([&im] { im.ioc.run(); });
  }
  return l;
}

HttpListener::~HttpListener() { Stop(); }

void HttpListener::Stop() {
  if (!impl_ || impl_->threads.empty()) return;
  beast::error_code ec;
  net::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

int64_t HttpListener::connections() const { return impl_->shared->connections.load(); }

}  // namespace lakestream::collect
