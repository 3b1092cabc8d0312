// Dataflow: the transform step that builds gold tables from silver tables,
// declared in a JSON config (docs/odata.md):
//   {"dataflows": [{
//      "name": "sales_by_customer",
//      "source": "/lake/silver/orders", "target": "/lake/gold/sales_by_customer",
//      "filter": "status != 'C'",               // delta predicate on source columns
//      "columns": [                             // select / rename / cast / derive
//        {"name": "customer"},                  // select
//        {"name": "cur", "from": "currency"},   // rename
//        {"name": "qty", "from": "quantity", "type": "long"},        // cast
//        {"name": "net", "expr": "amount * (1 - 0.19)", "type": "double"}  // derived
//      ],
//      "group_by": ["customer", "cur"],         // optional
//      "aggregates": [{"name": "orders", "fn": "count"},
//                     {"name": "revenue", "fn": "sum", "column": "net"},
//                     {"name": "last_change", "fn": "max", "column": "modifiedAt"}]}]}
// Expressions: + - * / over columns and numbers, parentheses, 'text',
// concat(a, b, ...), upper(x), lower(x), coalesce(a, b), year(x), month(x),
// day(x) (dates/timestamps). Null operands give null. Aggregates: count,
// sum, avg, min, max. Each run rebuilds the gold table with one overwrite
// commit (readers see the old or the new gold, never a mix).
//
// Thread-safety: RunDataflow may run concurrently for different targets.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"

namespace lakestream::odata {

struct DataflowColumn {
  std::string name;
  std::string from;  // empty: `name` (unless expr)
  std::string expr;  // derived column
  std::string type;  // Delta type name; empty: the source's (double for expr)
};

struct DataflowAggregate {
  std::string name, fn, column;
};

struct Dataflow {
  std::string name, source, target, filter;
  std::vector<DataflowColumn> columns;  // empty: all source columns
  std::vector<std::string> group_by;
  std::vector<DataflowAggregate> aggregates;
};

// Parses {"dataflows": [...]}; InvalidArgument naming the dataflow/field.
Result<std::vector<Dataflow>> ParseDataflows(const std::string& json_text);
// Reads the file through `fs` (the local disk when null); errors name it.
Result<std::vector<Dataflow>> LoadDataflows(const std::string& path, io::FileSystem* fs = nullptr);

struct DataflowResult {
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  int64_t version = -1;
};

// Builds `flow.target` from `flow.source`. NotFound when the source table
// does not exist; InvalidArgument for unknown columns, bad expressions or
// values that do not cast (naming the column and the row's value).
Result<DataflowResult> RunDataflow(const Dataflow& flow);

}  // namespace lakestream::odata
