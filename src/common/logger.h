// Logger: structured, levelled log lines for long-running commands
// (`lakestream serve`, `lakestream ingest`). One line per call, to stderr by
// default, either as JSON
//   {"ts":"2026-11-24T22:00:00.123Z","level":"error","component":"serve",
//    "msg":"stream failed","job":"stream","error":"IOError: ..."}
// or as text
//   2026-11-24T22:00:00.123Z ERROR serve: stream failed job=stream error="IOError: ..."
// Lines below the minimum level are dropped before formatting.
//
// The process-wide logger (Default()) is configured once at startup from the
// --log-format / --log-level flags; libraries log through it.
//
// Thread-safety: every method may be called from any thread; a line is
// written whole under a mutex. Ownership: the sink function is owned.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace lakestream {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

// "debug"/"info"/"warn"/"error" and "text"/"json"; nullopt otherwise.
std::optional<LogLevel> ParseLogLevel(std::string_view s);
std::optional<LogFormat> ParseLogFormat(std::string_view s);
std::string_view LogLevelName(LogLevel level);

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Logger {
 public:
  // Writes to stderr by default.
  Logger();
  void SetFormat(LogFormat f);
  void SetMinLevel(LogLevel l);
  // Replaces the output (tests); `sink` gets one line without the newline.
  void SetSink(std::function<void(std::string_view)> sink);
  // The clock for "ts" (borrowed; must outlive the logger); defaults to RealClock().
  void SetClock(Clock* clock);

  bool Enabled(LogLevel l) const;
  void Log(LogLevel level, std::string_view component, std::string_view msg,
           const LogFields& fields = {});
  void Debug(std::string_view c, std::string_view m, const LogFields& f = {}) {
    Log(LogLevel::kDebug, c, m, f);
  }
  void Info(std::string_view c, std::string_view m, const LogFields& f = {}) {
    Log(LogLevel::kInfo, c, m, f);
  }
  void Warn(std::string_view c, std::string_view m, const LogFields& f = {}) {
    Log(LogLevel::kWarn, c, m, f);
  }
  void Error(std::string_view c, std::string_view m, const LogFields& f = {}) {
    Log(LogLevel::kError, c, m, f);
  }

  // The line Log would write (exposed for tests).
  std::string Format(LogLevel level, std::string_view component, std::string_view msg,
                     const LogFields& fields) const;

 private:
  mutable std::mutex mu_;
  LogFormat format_ = LogFormat::kText;
  LogLevel min_level_ = LogLevel::kInfo;
  std::function<void(std::string_view)> sink_;
  Clock* clock_;
};

// The process-wide logger.
Logger& DefaultLogger();

}  // namespace lakestream
