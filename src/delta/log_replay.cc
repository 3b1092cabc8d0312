#include "delta/log_replay.h"

namespace lakestream::delta {

void LogReplay::Apply(Action&& action) {
  if (auto* a = std::get_if<AddFile>(&action)) {
    FileKey key = KeyOf(*a);
    tombstones_.erase(key);
    files_.insert_or_assign(std::move(key), std::move(*a));
  } else if (auto* r = std::get_if<RemoveFile>(&action)) {
    FileKey key = KeyOf(*r);
    files_.erase(key);
    tombstones_.insert_or_assign(std::move(key), std::move(*r));
  } else if (auto* m = std::get_if<Metadata>(&action)) {
    metadata_ = std::move(*m);
  } else if (auto* p = std::get_if<Protocol>(&action)) {
    protocol_ = std::move(*p);
  } else if (auto* t = std::get_if<SetTransaction>(&action)) {
    std::string app = t->app_id;
    txns_.insert_or_assign(std::move(app), std::move(*t));
  } else if (auto* d = std::get_if<DomainMetadata>(&action)) {
    if (d->removed) {
      domains_.erase(d->domain);
    } else {
      std::string domain = d->domain;
      domains_.insert_or_assign(std::move(domain), std::move(*d));
    }
  }
  // commitInfo, cdc, checkpointMetadata, sidecar: not part of the state.
}

}  // namespace lakestream::delta
