#include "cli/commands.h"

#include <iostream>
#include <sstream>

namespace lakestream::cli {
namespace {
int g_exit_code = 0;
}

void Fail(const Status& status) {
  std::cerr << "lakestream: " << status.ToString() << "\n";
  g_exit_code = status.IsInvalidArgument() ? 2 : 1;
}

int ExitCode() { return g_exit_code; }

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace lakestream::cli
