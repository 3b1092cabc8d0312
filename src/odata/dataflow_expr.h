// The expression language of dataflow derived columns (dataflow.h): a
// recursive-descent parser into a small tree and its evaluation over one
// row (a JSON object as `lakestream cat` prints rows: decimals and
// timestamps as text). Internal to src/odata.
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakestream::odata {

struct ExprNode {
  enum class Kind { kColumn, kNumber, kString, kBinary, kNegate, kCall };
  Kind kind = Kind::kNumber;
  std::string text;  // column, string literal or function name
  char op = 0;       // kBinary: + - * /
  double number = 0;
  std::vector<ExprNode> args;
};

// InvalidArgument with the position for a syntax error or unknown function.
Result<ExprNode> ParseExpr(std::string_view text);
// Column names the expression reads.
void ExprColumns(const ExprNode& e, std::vector<std::string>* out);
// Evaluates over `row`; null operands give null. InvalidArgument for
// arithmetic on non-numbers and division by zero.
Result<nlohmann::json> EvalExpr(const ExprNode& e, const nlohmann::json& row);
// Whether the result is text ("string"), a calendar part ("integer") or a number ("double").
std::string ExprResultType(const ExprNode& e);

}  // namespace lakestream::odata
