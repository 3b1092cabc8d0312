#include "cli/commands.h"

#include <iostream>
#include <sstream>

#include "common/logger.h"
#include "io/file_system.h"

namespace lakestream::cli {
namespace {
int g_exit_code = 0;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  if (status.IsInvalidArgument()) return kExitUsage;
  if (status.IsNotFound()) return kExitNotFound;
  if (status.IsUnavailable() || status.IsConflict()) return kExitTransient;
  return kExitFailure;
}

void Fail(const Status& status) {
  std::cerr << "lakestream: " << status.ToString() << "\n";
  g_exit_code = ExitCodeFor(status);
}

int ExitCode() { return g_exit_code; }

namespace {
bool g_log_flags = false;
}

bool LogFlagsGiven() { return g_log_flags; }

void AddLogFlags(CLI::App& app) {
  app.add_option_function<std::string>(
         "--log-format",
         [](const std::string& v) {
           g_log_flags = true;
           DefaultLogger().SetFormat(*ParseLogFormat(v));
         },
         "Log lines as json or text (default text)")
      ->check(CLI::IsMember({"json", "text"}));
  app.add_option_function<std::string>(
         "--log-level",
         [](const std::string& v) {
           g_log_flags = true;
           DefaultLogger().SetMinLevel(*ParseLogLevel(v));
         },
         "Minimum level: debug, info, warn, error (default info)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Status WritePortFile(const std::string& path, int port) {
  return io::NewLocalFileSystem()
      ->WriteFile(path, std::to_string(port) + "\n")
      .WithContext("--port-file " + path);
}

}  // namespace lakestream::cli
