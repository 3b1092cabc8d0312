// Predicates over a Delta table's columns, for scans (`--where`), deletes,
// replaceWhere overwrites and the read sets of transactions.
//
// Grammar (keywords case-insensitive):
//   expr    := or
//   or      := and ("OR" and)*
//   and     := primary ("AND" primary)*
//   primary := "(" expr ")" | column op literal | column ["NOT"] "IN" "(" literal, ... ")"
//            | column "IS" ["NOT"] "NULL"
//   op      := = | != | <> | < | <= | > | >=
//   literal := 'single-quoted string' ('' escapes a quote) | number | TRUE | FALSE
//   column  := identifier | "double-quoted identifier"  (top-level columns)
// Strings compare to date, timestamp and string columns; numbers to numeric
// ones. Dates are 'YYYY-MM-DD', timestamps ISO-8601 (UTC when no zone).
//
// A predicate is bound to a table schema once, then evaluated three ways:
//  - on a file (partition values and stats): kFalse when no row of the file
//    can match, kTrue when every row must, kUnknown otherwise. Stats follow
//    PROTOCOL.md "Per-file Statistics"; timestamp maxima are truncated to
//    milliseconds there, so they are widened by 999 microseconds.
//  - on one row, with SQL semantics (a comparison with null is unknown).
//
// Thread-safety: immutable after Bind; evaluation is const and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/schema.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::delta {

// Three-valued logic: kUnknown is SQL's null (rows) or "cannot tell" (files).
enum class Tri { kFalse, kTrue, kUnknown };

// A typed scalar for comparisons. Dates are days and timestamps micros
// (kInt); decimals, floats and doubles kDouble.
struct Scalar {
  enum class Kind { kNull, kInt, kDouble, kString, kBool };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string s;
  bool b = false;
  bool is_null() const { return kind == Kind::kNull; }
};
// <0, 0, >0; nullopt when the kinds cannot be compared.
std::optional<int> CompareScalars(const Scalar& a, const Scalar& b);

struct Expr {
  enum class Kind { kAnd, kOr, kCompare, kIn, kNotIn, kIsNull, kIsNotNull };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  struct Literal {
    enum class Kind { kString, kNumber, kBool };
    Kind kind = Kind::kString;
    std::string text;
  };
  Kind kind = Kind::kCompare;
  Op op = Op::kEq;
  std::string column;
  std::vector<Literal> literals;
  std::vector<Expr> children;  // kAnd, kOr

  // Canonical text, e.g. "(a = 1 AND b IN ('x', 'y'))".
  std::string ToString() const;
};

// InvalidArgument with the position for malformed text.
// Parentheses nest at most this deep; deeper input is InvalidArgument (not a stack overflow).
inline constexpr int kMaxPredicateDepth = 100;

Result<Expr> ParsePredicate(std::string_view text);

class BoundPredicate {
 public:
  // InvalidArgument for unknown columns, nested-typed columns, and literals
  // that are not values of their column's type.
  static Result<BoundPredicate> Bind(const Expr& expr, const DeltaType& schema,
                                     const std::vector<std::string>& partition_columns);

  const Expr& expr() const { return expr_; }
  // Top-level schema field indexes the predicate reads (sorted, unique).
  const std::vector<int>& columns() const { return columns_; }
  // True if every column it reads is a partition column.
  bool partition_only() const { return partition_only_; }

  // On a file, from its partition values and (if present) stats.
  Tri EvalFile(const AddFile& add) const;
  // On one row: `row` is a kStruct with one Value per table schema field
  // (only columns() need be filled), laid out as ToParquetSchema(schema).
  Tri EvalRow(const parquet::Value& row) const;

  struct Leaf;  // one comparison, resolved (defined in predicate_eval.cc)

 private:
  struct Node {
    Expr::Kind kind;
    int leaf = -1;  // index into leaves_
    std::vector<Node> children;
  };
  Tri EvalFileNode(const Node& n, const AddFile& add, const void* stats) const;
  Tri EvalRowNode(const Node& n, const parquet::Value& row) const;

  Expr expr_;
  std::shared_ptr<const std::vector<Leaf>> leaves_;
  std::shared_ptr<const DeltaType> schema_;
  std::shared_ptr<const std::vector<parquet::SchemaNode>> nodes_;  // per schema field
  Node root_;
  std::vector<int> columns_;
  bool partition_only_ = true;
};

// The Scalar of a value of `node` with Delta type `type`.
Scalar ToScalar(const DeltaType& type, const parquet::SchemaNode& node, const parquet::Value& v);

}  // namespace lakestream::delta
