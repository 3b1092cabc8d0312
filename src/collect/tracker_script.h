// The browser tracker the collector serves at GET /v1/tracker.js
// (src/collect/tracker/tracker.js, docs/collector.md "Browser tracker"). The script is a
// plain file in the repository, embedded into the binary at build time
// (cmake/EmbedFile.cmake), so a collector needs no file beside it and users no build step.
//
// Thread-safety: every function may be called from any thread; the gzip'd copy is made once,
// on first use. Ownership: the bytes are static; nothing to free.
#pragma once

#include <string_view>

#include "collect/collector.h"

namespace lakestream::collect {

// The script's bytes, exactly as in src/collect/tracker/tracker.js, and their SHA-256 (hex).
// Defined in the generated tracker_script_data.cc.
std::string_view TrackerScript();
std::string_view TrackerScriptSha256();

// The answer to a request for /v1/tracker.js:
//   GET -> 200 text/javascript, gzip'd when the request
//   accepts gzip; Cache-Control public for an hour; a strong ETag per encoding, and 304
//   without a body when If-None-Match names it. CORS as the event endpoints: the request's
//   Origin is echoed when `origin_allowed` (some source allows it), with Vary: Origin.
//   Other methods -> 405 with Allow: GET.
HttpResponse TrackerScriptResponse(const HttpRequest& request, bool origin_allowed);

}  // namespace lakestream::collect
