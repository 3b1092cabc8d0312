// Reading a data file of a snapshot back as rows in the table's layout:
// one kStruct per row with one Value per table schema field (partition
// values typed from add.partitionValues, columns a file lacks as null), as
// TableWriter takes them. Used to rewrite files (delete) and by tests.
// Column-mapped tables are resolved as in table_scan.h.
//
// ScanFileFields reads only some fields (a projection) and, optionally, only
// some rows: the merge's key scan and its fetch of the matched rows. Only the
// chosen fields' columns are decoded; top-level primitive columns are turned
// into Values for the rows visited only, nested ones are assembled per row
// group and picked.
//
// Thread-safety: pure function of the storage.
#pragma once

#include <functional>
#include <vector>

#include "common/status.h"
#include "delta/snapshot.h"
#include "parquet/value.h"

namespace lakestream::delta {

// Appends the rows of `add` to *rows, less those its deletion vector
// deletes, and, with `row_indexes`, each row's index in the file (what a
// deletion vector names). Reader and deletion vector errors name the file.
Status ReadFileRows(const Snapshot& snapshot, const AddFile& add,
                    std::vector<parquet::Value>* rows,
                    std::vector<uint64_t>* row_indexes = nullptr);

// Calls fn(row_index, values) for each live row of `add` (deletion vector
// applied) in ascending file row index, or, with `at` (ascending distinct
// file row indexes of live rows), for those rows only; `values` holds the
// table fields `fields` (indexes into the schema, in that order), converted
// as ReadFileRows does. fn may move `values` or its items away. An `at` row past the
// file's end or deleted is Corruption naming the file.
using FieldVisitor = std::function<Status(uint64_t row_index, std::vector<parquet::Value>& values)>;
Status ScanFileFields(const Snapshot& snapshot, const AddFile& add, const std::vector<int>& fields,
                      const std::vector<uint64_t>* at, const FieldVisitor& fn);

// The fast path of a merge's key scan: the values of one integer key field
// (a top-level INT32/INT64 column the file stores as the table types it, no
// widening) for the live rows of `add`, with their file row indexes; null
// rows are left out. NotSupported when the field is not such a column in
// this file (a partition column, nested, widened...): use ScanFileFields.
Status ReadIntegerColumn(const Snapshot& snapshot, const AddFile& add, int field,
                         std::vector<uint64_t>* row_indexes, std::vector<int64_t>* values);

}  // namespace lakestream::delta
