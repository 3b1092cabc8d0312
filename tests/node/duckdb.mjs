#!/usr/bin/env node
// duckdb.mjs: DuckDB as a reference peer for lakestream's tests and benchmarks.
//
//   node tests/node/duckdb.mjs [--timing] [--db FILE] "SQL"
//   node tests/node/duckdb.mjs [--timing] [--db FILE] --file script.sql
//
// Runs the statements in order (separated by ';', split by DuckDB's own
// parser, so ';' inside string literals is fine) and prints the result of the
// last one as NDJSON: one JSON object per row, column names as keys, in column
// order. Values are written in a canonical form so they can be compared with
// lakestream's own NDJSON output:
//
//   NULL                       null
//   BOOLEAN                    true / false
//   integers (any width, signed or unsigned, HUGEINT)
//                              JSON number, digits printed exactly from the
//                              integer (never rounded through a double)
//   FLOAT, DOUBLE              JSON number, shortest text that round-trips
//                              (FLOAT at float32 precision); -0 as -0;
//                              NaN / Infinity / -Infinity as strings
//   DECIMAL(p,s)               string with exactly s fractional digits, "-12.50"
//   VARCHAR, JSON, ENUM, UUID  string (JSON.stringify escaping: only '"', '\'
//                              and control characters escaped; UTF-8 as is)
//   BLOB                       string, standard base64 with padding
//   DATE                       "YYYY-MM-DD"
//   TIMESTAMP, TIMESTAMPTZ, TIMESTAMP_S, TIMESTAMP_MS
//                              "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, 6 digits)
//   TIMESTAMP_NS               same with 9 fractional digits
//   TIME                       "HH:MM:SS.ffffff"
//   infinite DATE/TIMESTAMP    "infinity" / "-infinity"
//   LIST, ARRAY                array
//   STRUCT                     object, fields in declared order
//   MAP                        object if keys are VARCHAR, else [{"key":k,"value":v},...]
//   UNION                      the value of the active member
//   anything else (INTERVAL, BIT, TIME_TZ, ...)
//                              string, DuckDB's own text
//
// --timing prints "duckdb_ms=<n>" to stderr: wall-clock milliseconds to run
// the last statement to completion (the result is materialized), excluding
// printing it. On failure the DuckDB error goes to stderr and the exit code is 1
// (2 for bad usage).
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, DuckDBTypeId as T } from '@duckdb/node-api';

function usage(message) {
  process.stderr.write(
    `duckdb.mjs: ${message}\n` +
      'usage: node duckdb.mjs [--timing] [--db FILE] ("SQL" | --file script.sql)\n');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { timing: false, db: ':memory:', sql: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--timing') {
      args.timing = true;
    } else if (a === '--db') {
      if (++i >= argv.length) usage('--db needs a file');
      args.db = argv[i];
    } else if (a === '--file') {
      if (++i >= argv.length) usage('--file needs a path');
      if (args.sql !== null) usage('give SQL or --file, not both');
      args.sql = readFileSync(argv[i], 'utf8');
    } else if (a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      if (args.sql !== null) usage('give SQL or --file, not both');
      args.sql = a;
    }
  }
  if (args.sql === null || args.sql.trim() === '') usage('no SQL given');
  return args;
}

// ---- canonical value text -------------------------------------------------

const pad = (n, width) => String(n).padStart(width, '0');

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
                          Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function yearText(y) {
  return y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
}

function dateText(days) {
  const { y, m, d } = civilFromDays(days);
  return `${yearText(y)}-${pad(m, 2)}-${pad(d, 2)}`;
}

const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

// `ticks` units of 10^-digits seconds since the epoch, as ISO-8601 UTC.
function timestampText(ticks, digits) {
  const perSecond = 10n ** BigInt(digits);
  const secs = floorDiv(ticks, perSecond);
  const frac = ticks - secs * perSecond;
  const days = floorDiv(secs, 86400n);
  const sod = Number(secs - days * 86400n);
  const h = Math.floor(sod / 3600);
  const mi = Math.floor(sod / 60) % 60;
  const s = sod % 60;
  return `${dateText(Number(days))}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.` +
         `${pad(frac, digits)}Z`;
}

function timeText(ticks, digits) {
  const perSecond = 10n ** BigInt(digits);
  const sod = Number(ticks / perSecond);
  const frac = ticks % perSecond;
  return `${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:` +
         `${pad(sod % 60, 2)}.${pad(frac, digits)}`;
}

function decimalText(value, scale) {
  const negative = value < 0n;
  let digits = String(negative ? -value : value);
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (negative ? '-' : '') + digits;
}

function floatText(v, isFloat32) {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (Object.is(v, -0)) return '-0';
  if (isFloat32) {
    // The shortest decimal that reads back as the same float32.
    for (let p = 1; p <= 9; p++) {
      const candidate = Number(v.toPrecision(p));
      if (Math.fround(candidate) === v) return String(candidate);
    }
  }
  return String(v);  // JavaScript prints the shortest round-trip form of a double
}

function infiniteText(value) {
  return JSON.stringify(String(value).startsWith('-') ? '-infinity' : 'infinity');
}

// Returns the canonical JSON text of one value of DuckDB type `type`.
function valueJson(v, type) {
  if (v === null || v === undefined) return 'null';
  switch (type.typeId) {
    case T.BOOLEAN:
      return v ? 'true' : 'false';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER:
    case T.BIGINT: case T.UBIGINT: case T.HUGEINT: case T.UHUGEINT:
      return String(v);  // numbers are exact below 2^31; bigints print exactly
    case T.BIGNUM:
      return String(v);
    case T.FLOAT:
      return floatText(v, true);
    case T.DOUBLE:
      return floatText(v, false);
    case T.DECIMAL:
      return JSON.stringify(decimalText(v.value, v.scale));
    case T.VARCHAR:
      return JSON.stringify(v);
    case T.BLOB:
      return JSON.stringify(Buffer.from(v.bytes).toString('base64'));
    case T.DATE:
      return v.isFinite ? JSON.stringify(dateText(v.days)) : infiniteText(v);
    case T.TIMESTAMP:
    case T.TIMESTAMP_TZ:
      return v.isFinite ? JSON.stringify(timestampText(v.micros, 6)) : infiniteText(v);
    case T.TIMESTAMP_S:
      return v.isFinite ? JSON.stringify(timestampText(v.seconds * 1000000n, 6)) : infiniteText(v);
    case T.TIMESTAMP_MS:
      return v.isFinite ? JSON.stringify(timestampText(v.millis * 1000n, 6)) : infiniteText(v);
    case T.TIMESTAMP_NS:
      return v.isFinite ? JSON.stringify(timestampText(v.nanos, 9)) : infiniteText(v);
    case T.TIME:
      return JSON.stringify(timeText(v.micros, 6));
    case T.TIME_NS:
      return JSON.stringify(timeText(v.nanos, 9));
    case T.LIST:
    case T.ARRAY:
      return '[' + v.items.map((item) => valueJson(item, type.valueType)).join(',') + ']';
    case T.STRUCT:
      return '{' + type.entryNames.map((name, i) =>
        JSON.stringify(name) + ':' + valueJson(v.entries[name], type.entryTypes[i])).join(',') + '}';
    case T.MAP:
      if (type.keyType.typeId === T.VARCHAR) {
        return '{' + v.entries.map((e) =>
          JSON.stringify(e.key) + ':' + valueJson(e.value, type.valueType)).join(',') + '}';
      }
      return '[' + v.entries.map((e) =>
        `{"key":${valueJson(e.key, type.keyType)},"value":${valueJson(e.value, type.valueType)}}`)
        .join(',') + ']';
    case T.UNION:
      return valueJson(v.value, type.memberTypeForTag(v.tag));
    case T.ENUM:
    case T.UUID:
    default:
      return JSON.stringify(String(v));
  }
}

// ---- main -----------------------------------------------------------------

async function write(text) {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(args.db);
  const connection = await instance.connect();
  const statements = await connection.extractStatements(args.sql);
  if (statements.count === 0) usage('no statements in the SQL');

  let result = null;
  let elapsedMs = 0;
  for (let i = 0; i < statements.count; i++) {
    // Prepare each statement only after the previous ones ran, so a script
    // can create a table and then query it.
    const prepared = await statements.prepare(i);
    const start = performance.now();
    result = await prepared.run();
    elapsedMs = performance.now() - start;
  }

  const names = result.columnNames();
  const types = result.columnTypes();
  const keys = names.map((n) => JSON.stringify(n) + ':');
  let out = '';
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0;
       chunk = await result.fetchChunk()) {
    for (const row of chunk.getRows()) {
      let line = '{';
      for (let c = 0; c < row.length; c++) {
        if (c) line += ',';
        line += keys[c] + valueJson(row[c], types[c]);
      }
      out += line + '}\n';
      if (out.length >= 1 << 20) {
        await write(out);
        out = '';
      }
    }
  }
  await write(out);
  if (args.timing) process.stderr.write(`duckdb_ms=${elapsedMs.toFixed(1)}\n`);
  connection.closeSync?.();
  instance.closeSync?.();
}

main().catch((err) => {
  process.stderr.write(`duckdb.mjs: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
