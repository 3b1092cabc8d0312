#!/usr/bin/env node
// delta_sql.mjs: builds the DuckDB query that reads a Delta table the way our
// snapshot says to: the exact data files `lakestream files` lists, the
// table's non-partition columns from each, and the partition values our
// snapshot typed, added back as literals; rows deletion vectors hide are left
// out when the listing has their indexes (`lakestream files --deleted-rows`).
//
//   node delta_sql.mjs DESCRIBE_JSON FILES_NDJSON   (prints the SQL)
import { readFileSync } from 'node:fs';

const describe = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const files = readFileSync(process.argv[3], 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const parts = new Set(describe.metadata.partitionColumns);
const ident = (s) => '"' + s.replaceAll('"', '""') + '"';
const str = (s) => "'" + String(s).replaceAll("'", "''") + "'";
const literal = (v) => {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return str(v);
};
const selects = files.map((f) => {
  const cols = describe.schema.map((c) => (parts.has(c.name)
    ? `${literal(f.partitionValues[c.name])} AS ${ident(c.name)}`
    : ident(c.name)));
  // Rows a deletion vector hides (`lakestream files --deleted-rows`) are left out by their
  // row index in the file.
  if (f.deletedRows && !f.deletedRowIndexes) {
    throw new Error(`${f.path} has a deletion vector: list the files with --deleted-rows`);
  }
  if (f.deletedRowIndexes && f.deletedRowIndexes.length > 0) {
    return `SELECT ${cols.join(', ')} FROM read_parquet(${str(f.path)}, file_row_number = true)` +
      ` WHERE file_row_number NOT IN (${f.deletedRowIndexes.join(', ')})`;
  }
  return `SELECT ${cols.join(', ')} FROM read_parquet(${str(f.path)})`;
});
if (selects.length === 0) {
  console.log('SELECT 1 WHERE false');
} else {
  console.log(selects.join('\nUNION ALL\n'));
}
