// Test helper: runs a Node test peer (Azurite, the fault proxy, the OAuth
// token double) as a child process on 127.0.0.1 and a free port, and stops it
// by PID. Used by the io tests; header-only so it stays out of the library.
//
// The peer must print "... listens on http://127.0.0.1:PORT" (Azurite) or
// "listening on http://127.0.0.1:PORT" (our scripts) to stdout; the port is
// read from there, so nothing races for a fixed port.
//
// Thread-safety: one NodePeer per test process or fixture; not shared.
// Ownership: owns the child process; the destructor kills it (SIGTERM, then
// SIGKILL), and the child gets SIGTERM if the test process dies first.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lakestream::io::testpeer {

inline std::string SourceDir() {
#ifdef LAKESTREAM_SOURCE_DIR
  return LAKESTREAM_SOURCE_DIR;
#else
  return ".";
#endif
}

// The well-known Azurite account and key (public, documented by Microsoft).
inline constexpr char kAzuriteAccount[] = "devstoreaccount1";
inline constexpr char kAzuriteKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

class NodePeer {
 public:
  NodePeer() = default;
  NodePeer(const NodePeer&) = delete;
  NodePeer& operator=(const NodePeer&) = delete;
  ~NodePeer() { Stop(); }

  // Starts `argv` with stdout/stderr to a temp log; waits up to 60 s for the
  // port line. Returns an empty string on success, else what went wrong.
  std::string Start(std::vector<std::string> argv) {
    char dir[] = "/tmp/ls_peer_XXXXXX";
    if (::mkdtemp(dir) == nullptr) return "mkdtemp failed";
    dir_ = dir;
    log_ = dir_ + "/out.log";
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) return "fork failed";
    if (pid_ == 0) {
      // The peer dies with us even if the test crashes before Stop().
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    std::regex re("listen[a-z ]*on http://127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 600; ++i) {
      std::ifstream in(log_);
      std::stringstream ss;
      ss << in.rdbuf();
      std::smatch m;
      std::string text = ss.str();
      if (std::regex_search(text, m, re)) {
        port_ = std::stoi(m[1]);
        return "";
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return argv[0] + " exited early: " + text;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return argv[0] + " did not report a port within 60 s";
  }

  void Stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
      }
    }
    if (!dir_.empty()) {
      std::string cmd = "rm -rf '" + dir_ + "'";
      (void)!std::system(cmd.c_str());
      dir_.clear();
    }
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_, log_;
};

// Starts Azurite's blob service in memory on a free port.
inline std::string StartAzurite(NodePeer* peer) {
  std::string bin = SourceDir() + "/tests/node/node_modules/.bin/azurite-blob";
  if (::access(bin.c_str(), X_OK) != 0) {
    return bin + " is missing: run ./run deps (npm ci in tests/node)";
  }
  return peer->Start({bin, "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence",
                      "--skipApiVersionCheck", "--disableTelemetry", "--loose"});
}

}  // namespace lakestream::io::testpeer
