#include "killing_file_system.h"

#include <csignal>
#include <cstdio>

namespace lakestream::testing {

KillingFileSystem::KillingFileSystem(std::shared_ptr<io::FileSystem> base, double percent,
                                     uint64_t seed)
    : base_(std::move(base)), percent_(percent), rng_(seed) {}

Status KillingFileSystem::PutIfAbsent(const std::string& path, std::string_view data) {
  const bool log_write = path.find("/_delta_log/") != std::string::npos;
  if (log_write) MaybeDie("before", path);
  Status st = base_->PutIfAbsent(path, data);
  if (log_write && st.ok()) MaybeDie("after", path);
  return st;
}

void KillingFileSystem::MaybeDie(const char* when, const std::string& path) {
  bool die = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    die = std::uniform_real_distribution<double>(0, 100)(rng_) < percent_;
  }
  if (!die) return;
  std::fprintf(stderr, "ingest: test crash point %s %s: SIGKILL\n", when, path.c_str());
  std::fflush(stderr);
  std::raise(SIGKILL);
}

}  // namespace lakestream::testing
