// GuardedServer: the gate, the lanes and the stream they hand to httplib.
#include "server/guarded_server_internal.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/clock.h"

namespace lakestream::server::internal {
namespace {

int64_t NowMs() { return RealClock()->MonotonicMillis(); }

// Runs each task at once on the calling (accept) thread: our
// process_and_close_socket only hands the socket to the gate.
class InlineQueue : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

std::string AddressText(const sockaddr_storage& ss, int* port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
    if (port) *port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    if (port) *port = ntohs(a->sin6_port);
  }
  return buf;
}

std::string PeerIp(int fd, int* port = nullptr) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  return AddressText(ss, port);
}

// Best effort: a short status line for a connection we give up on.
void SendAndClose(int fd, int status, const char* reason) {
  std::string msg = std::string(reason) + "\n";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                    "\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
                    std::to_string(msg.size()) + "\r\n\r\n" + msg;
  (void)!send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

bool HeadComplete(const std::string& head) {
  return head.find("\r\n\r\n") != std::string::npos || head.find("\n\n") != std::string::npos;
}

// A request without Content-Length or Transfer-Encoding has no body (RFC
// 9112 6.3), but httplib would read one until the connection closes (a
// `curl -X POST` without data would hang until the body deadline): say so.
void MarkEmptyBody(std::string* head) {
  size_t end = head->find("\r\n\r\n");
  std::string_view eol = "\r\n";
  if (end == std::string::npos) {
    end = head->find("\n\n");
    eol = "\n";
  }
  if (end == std::string::npos) return;
  std::string lower = head->substr(0, end);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("\ncontent-length:") != std::string::npos ||
      lower.find("\ntransfer-encoding:") != std::string::npos) {
    return;
  }
  head->insert(end, std::string(eol) + "Content-Length: 0");
}

// GET /healthz, /readyz, /metrics (with or without a query string).
bool IsHealthRequest(const std::string& head) {
  for (const char* p : {"GET /healthz", "GET /readyz", "GET /metrics"}) {
    size_t n = std::strlen(p);
    if (head.compare(0, n, p) == 0 && head.size() > n && (head[n] == ' ' || head[n] == '?')) {
      return true;
    }
  }
  return false;
}

// The socket as httplib's Stream: first the bytes the gate already read,
// then the socket, within a total read deadline and a per-write timeout.
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(int fd, std::string prefix, int64_t read_deadline_ms, int64_t write_timeout_ms)
      : fd_(fd),
        prefix_(std::move(prefix)),
        read_deadline_ms_(read_deadline_ms),
        write_timeout_ms_(write_timeout_ms) {}

  bool is_readable() const override { return pos_ < prefix_.size() || WaitFor(POLLIN); }
  bool is_writable() const override { return Poll(POLLOUT, write_timeout_ms_); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ < prefix_.size()) {
      size_t n = std::min(size, prefix_.size() - pos_);
      std::memcpy(ptr, prefix_.data() + pos_, n);
      pos_ += n;
      return static_cast<ssize_t>(n);
    }
    while (true) {
      if (!WaitFor(POLLIN)) return -1;  // the body's time is up
      ssize_t n = recv(fd_, ptr, size, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
      return n;
    }
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      if (!Poll(POLLOUT, write_timeout_ms_)) return -1;
      ssize_t n = send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return -1;
      }
      done += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(done);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = PeerIp(fd_, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      ip = AddressText(ss, &port);
    }
  }
  socket_t socket() const override { return fd_; }

 private:
  bool WaitFor(short events) const {
    int64_t left = read_deadline_ms_ - NowMs();
    return left > 0 && Poll(events, left);
  }
  bool Poll(short events, int64_t timeout_ms) const {
    pollfd p{fd_, events, 0};
    int r;
    do {
      r = poll(&p, 1, static_cast<int>(std::min<int64_t>(timeout_ms, 1 << 30)));
    } while (r < 0 && errno == EINTR);
    return r > 0 && (p.revents & (events | POLLHUP | POLLERR));
  }

  int fd_;
  std::string prefix_;
  size_t pos_ = 0;
  int64_t read_deadline_ms_;
  int64_t write_timeout_ms_;
};

}  // namespace

GuardedServer::GuardedServer(ServerLimits limits) : limits_(limits) {
  new_task_queue = [] { return new InlineQueue(); };
  set_payload_max_length(limits_.max_body_bytes);
  set_keep_alive_max_count(1);
}

GuardedServer::~GuardedServer() { Shutdown(); }

void GuardedServer::StartThreads() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  // httplib listens with a backlog of 5: a burst of connects would wait for
  // SYN retries. Linux lets listen() on a listening socket raise it.
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, 512);
  if (pipe(wake_) == 0) {
    fcntl(wake_[0], F_SETFL, O_NONBLOCK);
    fcntl(wake_[1], F_SETFL, O_NONBLOCK);
  }
  gate_ = std::thread([this] { GateLoop(); });
  for (int i = 0; i < std::max(1, limits_.workers); ++i) {
    main_.threads.emplace_back([this] { LaneLoop(&main_); });
  }
  for (int i = 0; i < 2; ++i) health_.threads.emplace_back([this] { LaneLoop(&health_); });
}

void GuardedServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  Wake();
  main_.cv.notify_all();
  health_.cv.notify_all();
  {
    // A client still sending its body or reading the response must not
    // hold the shutdown up to the body deadline: its reads end now.
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : serving_) ::shutdown(fd, SHUT_RDWR);
  }
  if (gate_.joinable()) gate_.join();
  for (Lane* lane : {&main_, &health_}) {
    for (std::thread& t : lane->threads) t.join();
    lane->threads.clear();
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto* list : {&main_.queue, &health_.queue}) {
    for (const ConnPtr& c : *list) close(c->fd);
    list->clear();
  }
  for (const ConnPtr& c : pending_) close(c->fd);
  pending_.clear();
  for (int& fd : wake_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

void GuardedServer::Wake() {
  if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  auto conn = std::make_shared<Conn>();
  conn->fd = sock;
  conn->ip = PeerIp(sock);
  conn->deadline_ms = NowMs() + limits_.header_timeout_ms;
  fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    lock.unlock();
    close(sock);
    return false;
  }
  int& mine = per_client_[conn->ip];
  if (mine >= limits_.max_connections_per_client) {
    // Evict this client's oldest connection still sending its head: a
    // client that opens too many slow connections only hurts itself.
    auto oldest = std::find_if(pending_.begin(), pending_.end(), [&](const ConnPtr& c) {
      return c->ip == conn->ip && !c->evicted;
    });
    if (oldest == pending_.end()) {
      lock.unlock();
      SendAndClose(sock, 503, "Too many connections from this client");
      return false;
    }
    (*oldest)->evicted = true;  // the gate closes it; it no longer counts
    --mine;
    --total_;
  }
  if (total_ >= limits_.max_connections) {
    lock.unlock();
    SendAndClose(sock, 503, "Too many connections");
    return false;
  }
  ++mine;
  ++total_;
  pending_.push_back(conn);
  lock.unlock();
  Wake();
  return true;
}

void GuardedServer::Finish(const ConnPtr& conn) {
  shutdown(conn->fd, SHUT_RDWR);
  close(conn->fd);
  Uncount(conn);
}

void GuardedServer::Uncount(const ConnPtr& conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->evicted) return;  // uncounted when it was evicted
  auto it = per_client_.find(conn->ip);
  if (it != per_client_.end() && --it->second <= 0) per_client_.erase(it);
  --total_;
}

void GuardedServer::GateLoop() {
  std::vector<pollfd> fds;
  std::vector<ConnPtr> conns;
  char buf[4096];
  while (true) {
    fds.assign(1, pollfd{wake_[0], POLLIN, 0});
    conns.clear();
    int64_t next_deadline = NowMs() + 1000;
    std::vector<ConnPtr> evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      for (auto it = pending_.begin(); it != pending_.end();) {
        if ((*it)->evicted) {
          evicted.push_back(*it);
          it = pending_.erase(it);
          continue;
        }
        fds.push_back(pollfd{(*it)->fd, POLLIN, 0});
        conns.push_back(*it);
        next_deadline = std::min(next_deadline, (*it)->deadline_ms);
        ++it;
      }
    }
    for (const ConnPtr& c : evicted) {
      SendAndClose(c->fd, 503, "Too many connections from this client");
    }
    int timeout = static_cast<int>(std::max<int64_t>(0, next_deadline - NowMs()));
    int r = poll(fds.data(), fds.size(), timeout);
    if (r < 0 && errno != EINTR) continue;
    if (fds[0].revents & POLLIN) {
      while (::read(wake_[0], buf, sizeof(buf)) > 0) {
      }
    }
    const int64_t now = NowMs();
    for (size_t i = 1; i < fds.size(); ++i) {
      const ConnPtr& c = conns[i - 1];
      enum { kWait, kDrop, kTimeout, kTooLarge, kReady } what = kWait;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        size_t room = limits_.max_head_bytes + 1 - std::min(c->head.size(), limits_.max_head_bytes);
        ssize_t n = recv(c->fd, buf, std::min(room, sizeof(buf)), 0);
        if (n > 0) {
          c->head.append(buf, static_cast<size_t>(n));
          if (HeadComplete(c->head)) {
            what = kReady;
          } else if (c->head.size() > limits_.max_head_bytes) {
            what = kTooLarge;
          }
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          what = kDrop;
        }
      }
      if (what == kWait && now >= c->deadline_ms) what = kTimeout;
      if (what == kWait) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (c->evicted) continue;  // closed on the next round
        pending_.remove(c);
        if (what == kReady) {
          Lane* lane = IsHealthRequest(c->head) ? &health_ : &main_;
          lane->queue.push_back(c);
          lane->cv.notify_one();
          continue;
        }
      }
      if (what == kTimeout) {
        SendAndClose(c->fd, 408, "Request Timeout");
        Uncount(c);
      } else if (what == kTooLarge) {
        SendAndClose(c->fd, 431, "Request Header Fields Too Large");
        Uncount(c);
      } else {
        Finish(c);
      }
    }
  }
}

void GuardedServer::LaneLoop(Lane* lane) {
  while (true) {
    ConnPtr c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      lane->cv.wait(lock, [&] { return stopping_ || !lane->queue.empty(); });
      if (stopping_) return;
      c = lane->queue.front();
      lane->queue.pop_front();
    }
    Serve(c);
  }
}

void GuardedServer::Serve(const ConnPtr& conn) {
  bool stopping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping = stopping_;
    if (!stopping) serving_.insert(conn->fd);
  }
  if (stopping) return Finish(conn);
  MarkEmptyBody(&conn->head);
  GuardedStream stream(conn->fd, std::move(conn->head), NowMs() + limits_.body_timeout_ms,
                       limits_.write_timeout_ms);
  bool closed = false;
  process_request(stream, /*close_connection=*/true, closed, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    serving_.erase(conn->fd);
  }
  Finish(conn);
}

}  // namespace lakestream::server::internal
