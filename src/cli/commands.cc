#include "cli/commands.h"

#include <iostream>

namespace lakestream::cli {
namespace {
int g_exit_code = 0;
}

void Fail(const Status& status) {
  std::cerr << "lakestream: " << status.ToString() << "\n";
  g_exit_code = status.IsInvalidArgument() ? 2 : 1;
}

int ExitCode() { return g_exit_code; }

}  // namespace lakestream::cli
