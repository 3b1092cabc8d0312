#!/usr/bin/env python3
"""Parquet with pyarrow, both ways (issue 13 §2).

1. pyarrow reads every kind of file our writer produces (`lakestream parquet write-sample`:
   every type we write, nested, nulls; every codec we write; dictionary and PLAIN; many
   row groups and pages; and `lakestream parquet from-json`, the ingest path) and returns
   exactly the rows we wrote.
2. lakestream reads files pyarrow writes (every codec, data page v2, page indexes, bloom
   filters, page checksums, dictionary, PLAIN, DELTA_* and BYTE_STREAM_SPLIT encodings, small
   pages and row groups) and `lakestream parquet cat` prints exactly what pyarrow reads.

Values are compared one by one in the file's order, typed by the Arrow schema pyarrow reads
(decimals exactly, floats bit for bit at their width, timestamps in microseconds).

usage: parquet_pyarrow.py --bin LAKESTREAM --work DIR [--markdown FILE]
Prints one line per case and ends with "N passed, M failed".
"""

import argparse
import base64
import datetime
import decimal
import json
import math
import os
import random
import struct
import subprocess
import sys
import time

import pyarrow as pa

import pyarrow.compute as pc
import pyarrow.parquet as pq

decimal.getcontext().prec = 100  # DECIMAL(38, s) quantizes exactly

# ---------------------------------------------------------------- canonical values


def canon_float(x, single):
    if isinstance(x, str):
        if x in ("NaN", "Infinity", "-Infinity"):
            return x
        return ("bad-float", x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if single:
        x = struct.unpack("<f", struct.pack("<f", x))[0]
    return x


def micros_of_text(s):
    """'2023-11-14T22:13:23.703701Z' -> microseconds since the epoch (or of the day)."""
    if s.endswith("Z"):
        s = s[:-1]
    frac = 0
    if "." in s:
        s, f = s.split(".", 1)
        frac = int((f + "000000")[:6])
    if "T" in s:
        d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S")
        delta = d - datetime.datetime(1970, 1, 1)
        return (delta.days * 86400 + delta.seconds) * 1000000 + frac
    h, m, sec = (int(x) for x in s.split(":"))
    return ((h * 60 + m) * 60 + sec) * 1000000 + frac


UNIT_TO_MICROS = {"s": (1000000, 1), "ms": (1000, 1), "us": (1, 1), "ns": (1, 1000)}


def canon(v, typ, ours):
    """A hashable canonical form: v is our NDJSON value if ours, else pyarrow's to_pylist value
    (with timestamps and times already turned into integers in their unit)."""
    if v is None:
        return None
    if pa.types.is_dictionary(typ):
        return canon(v, typ.value_type, ours)
    if pa.types.is_boolean(typ):
        return v if isinstance(v, bool) else ("bad-bool", repr(v))
    if pa.types.is_integer(typ):
        return int(v) if isinstance(v, int) and not isinstance(v, bool) else ("bad-int", repr(v))
    if pa.types.is_float32(typ):
        return canon_float(v, True)
    if pa.types.is_float64(typ):
        return canon_float(v, False)
    if pa.types.is_decimal(typ):
        q = decimal.Decimal(1).scaleb(-typ.scale)
        return str(decimal.Decimal(str(v)).quantize(q))
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return v if isinstance(v, str) else ("bad-string", repr(v))
    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ) or \
            pa.types.is_fixed_size_binary(typ):
        return base64.b64decode(v) if ours else bytes(v)
    if pa.types.is_date32(typ):
        return v if ours else v.isoformat()
    if pa.types.is_timestamp(typ) or pa.types.is_time(typ):
        if ours:
            return micros_of_text(v)
        mul, div = UNIT_TO_MICROS[typ.unit]
        return v * mul // div  # floor, as a printer of microseconds must
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        if not isinstance(v, list):
            return ("bad-list", repr(v))
        return tuple(canon(x, typ.value_type, ours) for x in v)
    if pa.types.is_map(typ):
        if ours and isinstance(v, dict):
            pairs = [(canon(k, typ.key_type, ours), canon(x, typ.item_type, ours))
                     for k, x in v.items()]
        elif ours and isinstance(v, list):
            pairs = [(canon(e.get("key"), typ.key_type, ours),
                      canon(e.get("value"), typ.item_type, ours)) for e in v]
        elif not ours:
            pairs = [(canon(k, typ.key_type, ours), canon(x, typ.item_type, ours)) for k, x in v]
        else:
            return ("bad-map", repr(v))
        return tuple(pairs)  # in file order: both sides keep the entries' order
    if pa.types.is_struct(typ):
        if not isinstance(v, dict):
            return ("bad-struct", repr(v))
        names = [typ.field(i).name for i in range(typ.num_fields)]
        out = tuple((n, canon(v[n], typ.field(i).type, ours) if n in v else "<missing>")
                    for i, n in enumerate(names))
        extra = sorted(set(v) - set(names))
        return out + ((("<extra>", tuple(extra)),) if extra else ())
    return ("unhandled-type", str(typ), repr(v))


def integers_for_time(table):
    """Top-level timestamp/time columns as integers in their unit (avoids datetime's range and
    precision); nested ones stay as pyarrow gives them."""
    cols = []
    for i, f in enumerate(table.schema):
        c = table.column(i)
        if pa.types.is_timestamp(f.type) or pa.types.is_time(f.type):
            width = pa.int32() if pa.types.is_time32(f.type) else pa.int64()
            c = pc.cast(c, width)
        cols.append(c)
    return pa.table(cols, names=table.schema.names)


def pyarrow_rows(path):
    table = pq.read_table(path)
    return table.schema, integers_for_time(table).to_pylist()


def compare(schema, pa_rows, ours_lines, label):
    """Row by row, in order. Returns (same, detail)."""
    struct_type = pa.struct(list(schema))
    ours = [canon(json.loads(line), struct_type, True) for line in ours_lines if line.strip()]
    theirs = [canon(r, struct_type, False) for r in pa_rows]
    if ours == theirs:
        return True, f"{len(theirs)} rows identical"
    detail = f"{label}: pyarrow {len(theirs)} rows, lakestream {len(ours)}"
    shown = 0
    for i, (a, b) in enumerate(zip(theirs, ours)):
        if a != b:
            for (name, x), (_, y) in zip(a, b):
                if x != y:
                    detail += f"\n      row {i} column {name}: pyarrow {x!r} lakestream {y!r}"
                    shown += 1
                    break
            if shown >= 3:
                break
    return False, detail


# ---------------------------------------------------------------- 1. pyarrow reads ours


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, timeout=300, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: "
                           f"{p.stderr.decode('utf-8', 'replace').strip()[-500:]}")
    return p.stdout.decode("utf-8")


OURS_SAMPLE = [
    # (case, codec, rows, row group KiB, page KiB, extra flags)
    ("ours uncompressed", "none", 3000, 0, 0, []),
    ("ours snappy", "snappy", 3000, 0, 0, []),
    ("ours gzip", "gzip", 3000, 0, 0, []),
    ("ours zstd", "zstd", 3000, 0, 0, []),
    ("ours lz4_raw", "lz4_raw", 3000, 0, 0, []),
    ("ours lz4 (hadoop)", "lz4", 3000, 0, 0, []),
    ("ours brotli", "brotli", 3000, 0, 0, []),
    ("ours plain (no dictionary)", "zstd", 3000, 0, 0, ["--no-dictionary"]),
    ("ours many row groups and pages", "snappy", 40000, 256, 8, []),
]


def ours_sample_cases(binary, work):
    for case, codec, rows, rg, page, extra in OURS_SAMPLE:
        f = os.path.join(work, case.replace(" ", "_").replace("(", "").replace(")", "")
                         + ".parquet")
        run([binary, "parquet", "write-sample", f, "--rows", str(rows), "--compression", codec,
             "--row-group-kb", str(rg), "--page-kb", str(page), "--expected", f + ".expected"]
            + extra)
        meta = pq.ParquetFile(f).metadata
        codecs = {meta.row_group(g).column(c).compression
                  for g in range(meta.num_row_groups) for c in range(meta.num_columns)}
        schema, rows_read = pyarrow_rows(f)
        with open(f + ".expected", encoding="utf-8") as fh:
            same, detail = compare(schema, rows_read, fh.read().splitlines(), case)
        note = f"{meta.num_row_groups} row groups, {'/'.join(sorted(codecs))}"
        yield case, same, detail, note


# The ingest path (`parquet from-json`): the column types a pipeline declares.
FROM_JSON_SPEC = {"columns": [
    {"name": "id", "type": "int64"},
    {"name": "n", "type": "int32"},
    {"name": "name", "type": "string"},
    {"name": "score", "type": "double"},
    {"name": "ok", "type": "boolean"},
    {"name": "at", "type": "timestamp"},
    {"name": "day", "type": "date"},
    {"name": "payload", "type": "json"},
]}


def from_json_input(rows):
    rng = random.Random(13)
    out = []
    for i in range(rows):
        micros = 1700000000000000 + i * 987654321 + rng.randrange(1000000)
        at = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros)
        out.append({
            "id": i * 1000000007,
            "n": None if i % 9 == 0 else rng.randrange(-2**31, 2**31),
            "name": None if i % 7 == 0 else f"näme {i % 37} \"q\" \\",
            "score": None if i % 11 == 0 else rng.uniform(-1e6, 1e6),
            "ok": None if i % 5 == 0 else i % 2 == 0,
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "day": (datetime.date(2000, 1, 1) + datetime.timedelta(days=i % 9000)).isoformat(),
            "payload": {"k": i, "list": [1, "two", None], "nested": {"x": i % 3 == 0}},
        })
    return out


def from_json_cases(binary, work):
    spec = os.path.join(work, "spec.json")
    with open(spec, "w", encoding="utf-8") as fh:
        json.dump(FROM_JSON_SPEC, fh)
    data = from_json_input(5000)
    src = os.path.join(work, "input.ndjson")
    with open(src, "w", encoding="utf-8") as fh:
        for r in data:
            fh.write(json.dumps(r) + "\n")
    for codec in ("zstd", "snappy", "brotli"):
        f = os.path.join(work, f"from_json_{codec}.parquet")
        run([binary, "parquet", "from-json", "--schema", spec, src, f, "--compression", codec])
        table = pq.read_table(f)
        rows_read = integers_for_time(table).to_pylist()
        problems = []
        for i, (want, got) in enumerate(zip(data, rows_read)):
            for k, w in want.items():
                g = got.get(k)
                if k == "at":
                    ok = g == micros_of_text(w)  # timestamp[us] as an integer
                elif k == "day":
                    ok = g is not None and g.isoformat() == w
                elif k == "payload":
                    ok = isinstance(g, str) and json.loads(g) == w
                elif k == "score" and w is not None:
                    ok = g == w
                else:
                    ok = g == w
                if not ok:
                    problems.append(f"row {i} {k}: wrote {w!r}, pyarrow read {g!r}")
        if len(rows_read) != len(data):
            problems.insert(0, f"wrote {len(data)} rows, pyarrow read {len(rows_read)}")
        ts_type = table.schema.field("at").type
        if not (pa.types.is_timestamp(ts_type) and ts_type.tz is not None):
            problems.append(f"column at is {ts_type}, want a UTC timestamp")
        detail = "; ".join(problems[:3]) if problems else f"{len(data)} rows identical"
        yield f"ours from-json {codec}", not problems, detail, "ingest path"


# ---------------------------------------------------------------- 2. we read pyarrow's


def pyarrow_table(rows):
    rng = random.Random(26)

    def maybe(v, every=7):
        return None if rng.randrange(every) == 0 else v

    cols = {}
    cols["id"] = pa.array(range(rows), pa.int64())
    cols["i8"] = pa.array([maybe(rng.randrange(-128, 128)) for _ in range(rows)], pa.int8())
    cols["i16"] = pa.array([maybe(rng.randrange(-2**15, 2**15)) for _ in range(rows)], pa.int16())
    cols["i32"] = pa.array([maybe(rng.randrange(-2**31, 2**31)) for _ in range(rows)], pa.int32())
    cols["i64"] = pa.array([maybe(rng.randrange(-2**63, 2**63)) for _ in range(rows)], pa.int64())
    cols["u8"] = pa.array([maybe(rng.randrange(0, 2**8)) for _ in range(rows)], pa.uint8())
    cols["u16"] = pa.array([maybe(rng.randrange(0, 2**16)) for _ in range(rows)], pa.uint16())
    cols["u32"] = pa.array([maybe(rng.randrange(0, 2**32)) for _ in range(rows)], pa.uint32())
    cols["u64"] = pa.array([maybe(rng.randrange(0, 2**64)) for _ in range(rows)], pa.uint64())
    specials = [float("nan"), float("inf"), float("-inf"), -0.0, 1e-300, 1.7976931348623157e308]
    cols["f32"] = pa.array([maybe(rng.uniform(-1e5, 1e5) if i % 50 else specials[i // 50 % 3])
                            for i in range(rows)], pa.float32())
    cols["f64"] = pa.array([maybe(rng.uniform(-1e12, 1e12) if i % 40 else
                                  specials[i // 40 % len(specials)]) for i in range(rows)],
                           pa.float64())
    cols["flag"] = pa.array([maybe(rng.random() < 0.5) for _ in range(rows)], pa.bool_())
    cols["s"] = pa.array([maybe(f"str-{rng.randrange(100)}-ü€😀") for _ in range(rows)], pa.string())
    cols["s_large"] = pa.array([maybe("x" * rng.randrange(0, 40)) for _ in range(rows)],
                               pa.large_string())
    cols["s_unique"] = pa.array([f"unique value {i:08d}" for i in range(rows)], pa.string())
    cols["bin"] = pa.array([maybe(bytes(rng.randrange(256) for _ in range(rng.randrange(6))))
                            for _ in range(rows)], pa.binary())
    cols["fixed"] = pa.array([maybe(bytes([i % 256, 0, 255])) for i in range(rows)],
                             pa.binary(3))
    dec = decimal.Decimal
    cols["dec5"] = pa.array([maybe(dec(rng.randrange(-99999, 100000)).scaleb(-2))
                             for _ in range(rows)], pa.decimal128(5, 2))
    cols["dec18"] = pa.array([maybe(dec(rng.randrange(-10**18 + 1, 10**18)).scaleb(-6))
                              for _ in range(rows)], pa.decimal128(18, 6))
    cols["dec38"] = pa.array([maybe(dec(rng.randrange(-10**38 + 1, 10**38)).scaleb(-9))
                              for _ in range(rows)], pa.decimal128(38, 9))
    cols["day"] = pa.array([maybe(datetime.date(1900, 1, 1) +
                                  datetime.timedelta(days=rng.randrange(0, 80000)))
                            for _ in range(rows)], pa.date32())
    base = 1700000000000000
    cols["ts_ms"] = pa.array([maybe((base + rng.randrange(-10**15, 10**15)) // 1000)
                              for _ in range(rows)], pa.timestamp("ms", tz="UTC"))
    cols["ts_us"] = pa.array([maybe(base + rng.randrange(-10**16, 10**16)) for _ in range(rows)],
                             pa.timestamp("us", tz="UTC"))
    cols["ts_us_local"] = pa.array([maybe(base + rng.randrange(-10**15, 10**15))
                                    for _ in range(rows)], pa.timestamp("us"))
    # Nanoseconds in whole microseconds: we print microseconds.
    cols["ts_ns"] = pa.array([maybe((base + rng.randrange(-10**15, 10**15)) * 1000)
                              for _ in range(rows)], pa.timestamp("ns", tz="UTC"))
    cols["t_ms"] = pa.array([maybe(rng.randrange(86400000)) for _ in range(rows)],
                            pa.time32("ms"))
    cols["t_us"] = pa.array([maybe(rng.randrange(86400000000)) for _ in range(rows)],
                            pa.time64("us"))
    cols["dict_s"] = pa.array([maybe(f"category {rng.randrange(5)}") for _ in range(rows)],
                              pa.string()).dictionary_encode()
    cols["l_i32"] = pa.array([maybe([maybe(rng.randrange(-1000, 1000), 5)
                                     for _ in range(rng.randrange(0, 5))]) for _ in range(rows)],
                             pa.list_(pa.int32()))
    cols["l_s"] = pa.array([maybe([f"t{rng.randrange(9)}" for _ in range(rng.randrange(0, 4))])
                            for _ in range(rows)], pa.large_list(pa.string()))
    cols["ll"] = pa.array([maybe([maybe([rng.randrange(10**12) for _ in range(rng.randrange(3))],
                                        4) for _ in range(rng.randrange(3))])
                           for _ in range(rows)], pa.list_(pa.list_(pa.int64())))
    st = pa.struct([("a", pa.int32()), ("b", pa.string()), ("c", pa.list_(pa.float64())),
                    ("d", pa.struct([("x", pa.date32()), ("y", pa.decimal128(10, 3))]))])
    cols["st"] = pa.array([maybe({"a": maybe(i), "b": maybe(f"b{i % 13}"),
                                  "c": maybe([i * 0.5, None]),
                                  "d": maybe({"x": datetime.date(2024, 1, 1 + i % 28),
                                              "y": dec(i).scaleb(-3)})}) for i in range(rows)],
                          st)
    cols["m_s"] = pa.array([maybe([(f"k{j}", maybe(rng.randrange(100)))
                                   for j in range(rng.randrange(0, 4))]) for _ in range(rows)],
                           pa.map_(pa.string(), pa.int64()))
    cols["m_i"] = pa.array([maybe([(j * 7, f"v{j}") for j in range(rng.randrange(0, 3))])
                            for _ in range(rows)], pa.map_(pa.int32(), pa.string()))
    cols["l_st"] = pa.array([maybe([{"x": maybe(j), "y": j % 2 == 0}
                                    for j in range(rng.randrange(0, 3))]) for _ in range(rows)],
                            pa.list_(pa.struct([("x", pa.int16()), ("y", pa.bool_())])))
    return pa.table(cols)


NO_DICT_ENCODINGS = {
    "id": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
    "u32": "DELTA_BINARY_PACKED", "ts_us": "DELTA_BINARY_PACKED", "day": "DELTA_BINARY_PACKED",
    "s": "DELTA_LENGTH_BYTE_ARRAY", "s_unique": "DELTA_BYTE_ARRAY", "bin": "DELTA_BYTE_ARRAY",
    "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT", "dec18": "BYTE_STREAM_SPLIT",
    "fixed": "BYTE_STREAM_SPLIT",
}
BLOOM = {"s_unique": {"ndv": 20000, "fpp": 0.01}, "id": True, "s": {"ndv": 200},
         "i64": {"ndv": 20000}}

THEIRS = [
    # (case, write_table keyword arguments)
    ("pyarrow uncompressed", dict(compression="NONE")),
    ("pyarrow snappy", dict(compression="SNAPPY")),
    ("pyarrow gzip", dict(compression="GZIP")),
    ("pyarrow zstd", dict(compression="ZSTD")),
    ("pyarrow lz4 (LZ4_RAW)", dict(compression="LZ4")),
    ("pyarrow brotli", dict(compression="BROTLI")),
    ("pyarrow data page v2", dict(compression="ZSTD", data_page_version="2.0")),
    ("pyarrow data page v2 uncompressed", dict(compression="NONE", data_page_version="2.0")),
    ("pyarrow page index", dict(compression="SNAPPY", write_page_index=True,
                                data_page_size=2048)),
    ("pyarrow bloom filters", dict(compression="ZSTD", bloom_filter_options=BLOOM)),
    ("pyarrow plain + DELTA_* + BYTE_STREAM_SPLIT", dict(compression="SNAPPY",
                                                         use_dictionary=False,
                                                         column_encoding=NO_DICT_ENCODINGS)),
    ("pyarrow plain v2 + DELTA_*", dict(compression="ZSTD", use_dictionary=False,
                                        data_page_version="2.0",
                                        column_encoding=NO_DICT_ENCODINGS)),
    ("pyarrow page checksums", dict(compression="GZIP", write_page_checksum=True)),
    ("pyarrow small pages and row groups", dict(compression="ZSTD", row_group_size=700,
                                                data_page_size=512, max_rows_per_page=100)),
    ("pyarrow decimals as integers", dict(compression="SNAPPY", store_decimal_as_integer=True)),
    ("pyarrow everything at once", dict(compression="ZSTD", data_page_version="2.0",
                                        write_page_index=True, bloom_filter_options=BLOOM,
                                        write_page_checksum=True, row_group_size=1500,
                                        data_page_size=1024, store_decimal_as_integer=True)),
]


def file_facts(path):
    """What the file really has: codecs, page indexes, bloom filters, row groups."""
    meta = pq.ParquetFile(path).metadata
    codecs, page_index, bloom = set(), 0, 0
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            cc = meta.row_group(g).column(c)
            codecs.add(cc.compression)
            page_index += bool(cc.has_offset_index and cc.has_column_index)
            bloom += cc.bloom_filter_offset is not None and cc.bloom_filter_offset > 0
    return meta.num_row_groups, codecs, page_index, bloom


def theirs_cases(binary, work, rows):
    table = pyarrow_table(rows)
    for case, kw in THEIRS:
        f = os.path.join(work, "theirs_" + "".join(ch if ch.isalnum() else "_" for ch in case)
                         + ".parquet")
        pq.write_table(table, f, **kw)
        groups, codecs, page_index, bloom = file_facts(f)
        problems = []
        if kw.get("write_page_index") and page_index == 0:
            problems.append("pyarrow wrote no page index")
        if kw.get("bloom_filter_options") and bloom == 0:
            problems.append("pyarrow wrote no bloom filter")
        schema, rows_read = pyarrow_rows(f)
        p = subprocess.run([binary, "parquet", "cat", f], capture_output=True, timeout=300)
        if p.returncode != 0:
            problems.append(f"lakestream exit {p.returncode}: "
                            f"{p.stderr.decode('utf-8', 'replace').strip()[-400:]}")
            same, detail = False, ""
        else:
            same, detail = compare(schema, rows_read, p.stdout.decode("utf-8").splitlines(), case)
        note = (f"{groups} row groups, {'/'.join(sorted(codecs))}"
                + (f", page index on {page_index} chunks" if page_index else "")
                + (f", bloom filters on {bloom} chunks" if bloom else ""))
        ok = same and not problems
        yield case, ok, "; ".join(problems + ([detail] if detail else [])), note


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", type=int, default=6000)
    ap.add_argument("--markdown", default="")
    a = ap.parse_args()
    t0 = time.time()
    passed = failed = 0
    md = []
    for part, gen in (("1. pyarrow reads lakestream's files", ours_sample_cases(a.bin, a.work)),
                      ("1b. pyarrow reads lakestream's ingest files", from_json_cases(a.bin, a.work)),
                      ("2. lakestream reads pyarrow's files",
                       theirs_cases(a.bin, a.work, a.rows))):
        print(f"== {part}", flush=True)
        while True:
            try:
                case, ok, detail, note = next(gen)
            except StopIteration:
                break
            except Exception as e:  # noqa: BLE001 - a case that cannot even run fails
                failed += 1
                print(f"FAIL {part}: {e}", flush=True)
                break
            if ok:
                passed += 1
                print(f"ok   {case}: {detail} ({note})", flush=True)
            else:
                failed += 1
                print(f"FAIL {case}: {detail} ({note})", flush=True)
            md.append(f"| {case} | {note} | {'identical' if ok else 'DIFFERENT'} |")
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as fh:
            fh.write("| case | file | result |\n| --- | --- | --- |\n" + "\n".join(md) + "\n")
    print(f"parquet pyarrow: {time.time() - t0:.0f}s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
