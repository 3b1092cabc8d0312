// Random (version 4) UUIDs in their 8-4-4-4-12 lowercase text form, for
// unique data file names and Delta table ids.
//
// Thread-safety: safe to call from any thread (a thread-local generator
// seeded from std::random_device).
#pragma once

#include <string>

namespace lakestream {

std::string NewUuid();

}  // namespace lakestream
