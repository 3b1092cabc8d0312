// Reading a data file of a snapshot back as rows in the table's layout:
// one kStruct per row with one Value per table schema field (partition
// values typed from add.partitionValues, columns a file lacks as null), as
// TableWriter takes them. Used to rewrite files (delete) and by tests.
// Column-mapped tables are resolved as in table_scan.h.
//
// Thread-safety: pure function of the storage.
#pragma once

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
// The same with the fields of `schema` (the snapshot's plus extra columns,
// e.g. a change data file's _change_type) instead of the snapshot's schema.
Status ReadFileRows(const Snapshot& snapshot, const DeltaType& schema, const AddFile& add,
                    std::vector<parquet::Value>* rows,
                    std::vector<uint64_t>* row_indexes = nullptr);

}  // namespace lakestream::delta
