// The Delta schema of NDJSON column specs (pipeline/json_batch_builder.h ParseColumnSpecs):
// what `write --schema` and `catalog create-table --schema` take.
#pragma once

#include <vector>

#include "common/status.h"
#include "delta/schema.h"
#include "pipeline/json_batch_builder.h"

namespace lakestream::cli {

// json columns become strings. Defined in delta_write_commands.cc.
Result<delta::DeltaType> SchemaOfSpecs(const std::vector<pipeline::ColumnSpec>& specs);

}  // namespace lakestream::cli
