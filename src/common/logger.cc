#include "common/logger.h"

#include <chrono>
#include <cstdio>

#include "common/json_escape.h"
#include "common/redact.h"
#include "common/time_format.h"

namespace lakestream {

std::optional<LogLevel> ParseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warn" || s == "warning") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return std::nullopt;
}

std::optional<LogFormat> ParseLogFormat(std::string_view s) {
  if (s == "text") return LogFormat::kText;
  if (s == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Logger::Logger()
    : sink_([](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
      }),
      clock_(RealClock()) {}

void Logger::SetFormat(LogFormat f) {
  std::lock_guard<std::mutex> lock(mu_);
  format_ = f;
}
void Logger::SetMinLevel(LogLevel l) {
  std::lock_guard<std::mutex> lock(mu_);
  min_level_ = l;
}
void Logger::SetSink(std::function<void(std::string_view)> sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sink_ = std::move(sink);
}
void Logger::SetClock(Clock* clock) {
  std::lock_guard<std::mutex> lock(mu_);
  clock_ = ClockOrReal(clock);
}

bool Logger::Enabled(LogLevel l) const {
  std::lock_guard<std::mutex> lock(mu_);
  return l >= min_level_;
}

namespace {

// "2026-11-24T22:00:00.123Z" from FormatTimestampMicros' microsecond form.
std::string Timestamp(int64_t ms) {
  std::string t = FormatTimestampMicros(ms * 1000);
  // ...T22:00:00.123000Z -> ...T22:00:00.123Z
  if (t.size() > 4 && t.back() == 'Z') t.erase(t.size() - 4, 3);
  return t;
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\\') return true;
  }
  return false;
}

}  // namespace

std::string Logger::Format(LogLevel level, std::string_view component, std::string_view msg,
                           const LogFields& fields) const {
  LogFormat format;
  int64_t now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    format = format_;
    now = clock_->NowMillis();
  }
  std::string out;
  if (format == LogFormat::kJson) {
    out += "{\"ts\":\"" + Timestamp(now) + "\",\"level\":\"";
    out += LogLevelName(level);
    out += "\",\"component\":";
    AppendJsonString(component, &out);
    out += ",\"msg\":";
    AppendJsonString(msg, &out);
    for (const auto& [k, v] : fields) {
      out += ',';
      AppendJsonString(k, &out);
      out += ':';
      AppendJsonString(v, &out);
    }
    out += '}';
    return out;
  }
  out += Timestamp(now);
  out += ' ';
  std::string lvl(LogLevelName(level));
  for (char& c : lvl) c = static_cast<char>(c - 'a' + 'A');
  out += lvl;
  out += ' ';
  out += component;
  out += ": ";
  out += msg;
  for (const auto& [k, v] : fields) {
    out += ' ';
    out += k;
    out += '=';
    if (NeedsQuotes(v)) {
      AppendJsonString(v, &out);
    } else {
      out += v;
    }
  }
  return out;
}

void Logger::Log(LogLevel level, std::string_view component, std::string_view msg,
                 const LogFields& fields) {
  if (!Enabled(level)) return;
  // Every log line is redacted (common/redact.h): the message and each field.
  LogFields redacted;
  redacted.reserve(fields.size());
  for (const auto& [k, v] : fields) {
    redacted.emplace_back(k, IsCredentialName(k) ? std::string(kRedacted) : Redact(v));
  }
  std::string line = Format(level, component, Redact(msg), redacted);
  std::lock_guard<std::mutex> lock(mu_);
  sink_(line);
}

Logger& DefaultLogger() {
  static Logger* logger = new Logger();
  return *logger;
}

}  // namespace lakestream
