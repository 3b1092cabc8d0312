"""delta-rs peers of lakestream's write and SCD2 merge benchmarks (tests/peers/.venv).

    deltars_bench.py write NDJSON TABLE SCHEMA_JSON
        NDJSON -> a new Delta table: pyarrow.json reads the file with the column types of
        SCHEMA_JSON (bench/clickstream_schema.json), then deltalake.write_deltalake writes
        it (Parquet zstd level 3, lakestream's default). pyarrow's JSON reader cannot keep a
        nested object as text, so a `json` column (properties) is read as the struct pyarrow
        infers for it: the same data, a different column type than lakestream's string.
    deltars_bench.py merge TARGET BATCH
        The SCD2 step of bench/merge_bench.cc as a delta-rs MERGE: the batch (a Delta table
        written by `merge_bench batch`) is staged with DataFusion SQL (QueryBuilder) the way
        Delta's SCD2 recipe does -- every batch row keyed by user_id (closes the current
        version when a tracked column changed and the event is newer) UNION ALL the changed
        rows with a NULL key (inserted as the new current version) -- and merged into
        TARGET in one transaction (copy-on-write, zstd level 3).
    deltars_bench.py summary TABLE [TABLE...]
        Reads each table with delta-rs and prints rows, current and closed versions; exits
        1 if the tables' rows differ (all columns, sorted by user_id, valid_from).
    deltars_bench.py counts TABLE
        Reads user_id, valid_to and is_current of an SCD2 dimension with delta-rs and prints
        rows, current and closed versions and, over the closed ones, the sums of user_id, of
        valid_to's whole seconds and of its microseconds within the second (merge_bench
        summary prints the same figures).
    deltars_bench.py rows EXPECTED TABLE [TABLE...]
        Reads each clickstream events table with delta-rs and prints its rows and distinct
        event_ids; exits 1 unless each holds EXPECTED rows, each event_id once, and the
        tables agree on column sums and the event_time range.
Each prints one line of key=value figures on stdout; errors go to stderr with exit 1.
"""
import json
import sys

TRACKED = ["country", "city", "os", "browser", "device_id", "app_version"]


def die(msg):
    sys.stderr.write(f"deltars_bench: {msg}\n")
    sys.exit(1)


def zstd3():
    from deltalake import WriterProperties
    return WriterProperties(compression="ZSTD", compression_level=3)


def write(ndjson, table, schema_path):
    import pyarrow as pa
    import pyarrow.json as pj
    from deltalake import write_deltalake

    types = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(),
             "double": pa.float64(), "timestamp": pa.timestamp("us", tz="UTC"),
             "date": pa.date32(), "boolean": pa.bool_()}
    with open(schema_path) as f:
        columns = json.load(f)["columns"]
    fields = []
    for c in columns:
        if c["type"] == "json":
            continue  # inferred (a struct): see the module doc
        if c["type"] not in types:
            die(f"{schema_path}: unknown column type {c['type']!r} for {c['name']}")
        fields.append(pa.field(c["name"], types[c["type"]]))
    t = pj.read_json(ndjson, parse_options=pj.ParseOptions(
        explicit_schema=pa.schema(fields), unexpected_field_behavior="infer"),
        read_options=pj.ReadOptions(block_size=16 << 20))
    # The file's column order, as lakestream writes it.
    t = t.select([c["name"] for c in columns])
    write_deltalake(table, t, mode="error", writer_properties=zstd3())
    print(f"deltars write rows={t.num_rows}")


def merge(target, batch):
    from deltalake import DeltaTable, QueryBuilder

    dt = DeltaTable(target)
    changed = " OR ".join(f"(b.{c} IS DISTINCT FROM t.{c})" for c in TRACKED)
    cols = ", ".join(f"b.{c}" for c in ["user_id"] + TRACKED + ["event_time"])
    staged = (QueryBuilder().register("t", dt).register("b", DeltaTable(batch)).execute(f"""
        SELECT b.user_id AS merge_key, {cols} FROM b
        UNION ALL
        SELECT CAST(NULL AS BIGINT) AS merge_key, {cols}
        FROM b JOIN t ON t.user_id = b.user_id AND t.is_current
        WHERE b.event_time > t.event_time AND ({changed})""").read_all())
    changed_s = " OR ".join(f"(s.{c} IS DISTINCT FROM t.{c})" for c in TRACKED)
    insert = {c: f"s.{c}" for c in ["user_id"] + TRACKED + ["event_time"]}
    insert.update({"valid_from": "s.event_time", "valid_to": "NULL", "is_current": "true"})
    m = (dt.merge(source=staged, predicate="t.user_id = s.merge_key AND t.is_current",
                  source_alias="s", target_alias="t", writer_properties=zstd3(),
                  streamed_exec=False)
         .when_matched_update(updates={"is_current": "false", "valid_to": "s.event_time"},
                              predicate=f"s.event_time > t.event_time AND ({changed_s})")
         .when_not_matched_insert(updates=insert)
         .execute())
    print("deltars merge staged_rows={} inserted={} updated={} files_added={} "
          "files_removed={}".format(staged.num_rows, m.get("num_target_rows_inserted"),
                                    m.get("num_target_rows_updated"),
                                    m.get("num_target_files_added"),
                                    m.get("num_target_files_removed")))


def summary(tables):
    import pyarrow as pa
    import pyarrow.compute as pc
    from deltalake import DeltaTable

    first = None
    for path in tables:
        t = DeltaTable(path).to_pyarrow_table()
        cols = ["user_id"] + TRACKED + ["event_time", "valid_from", "valid_to", "is_current"]
        t = t.select(cols).sort_by([("user_id", "ascending"), ("valid_from", "ascending")])
        t = t.cast(pa.schema([pa.field(c, t.schema.field(c).type) for c in cols]))
        current = pc.sum(pc.cast(t["is_current"], pa.int64())).as_py()
        print(f"table={path} rows={t.num_rows} current={current} closed={t.num_rows - current}")
        if first is None:
            first = (path, t)
        elif not t.equals(first[1]):
            die(f"{path} and {first[0]} hold different rows")


def counts(table):
    import pyarrow as pa
    import pyarrow.compute as pc
    from deltalake import DeltaTable

    t = DeltaTable(table).to_pyarrow_table(columns=["user_id", "valid_to", "is_current"])
    closed = t.filter(pc.invert(t["is_current"]))
    us = pc.cast(pc.cast(closed["valid_to"], pa.timestamp("us")), pa.int64()).to_pylist()
    print("summary rows={} current={} closed={} closed_user_id_sum={} closed_valid_to_s_sum={} "
          "closed_valid_to_us_sum={}".format(
              t.num_rows, t.num_rows - closed.num_rows, closed.num_rows,
              sum(closed["user_id"].to_pylist()), sum(v // 1000000 for v in us if v is not None),
              sum(v % 1000000 for v in us if v is not None)))


def rows(expected, tables):
    import pyarrow.compute as pc
    from deltalake import DeltaTable

    first = None
    for path in tables:
        t = DeltaTable(path).to_pyarrow_table(
            columns=["event_id", "user_id", "duration_ms", "revenue", "screen_width", "event_time"])
        fig = (t.num_rows, pc.count_distinct(t["event_id"]).as_py(),
               pc.sum(t["user_id"]).as_py(), pc.sum(t["duration_ms"]).as_py(),
               pc.sum(t["screen_width"]).as_py(), round(pc.sum(t["revenue"]).as_py() * 100),
               str(pc.min(t["event_time"]).as_py()), str(pc.max(t["event_time"]).as_py()))
        print(f"table={path} rows={fig[0]} distinct_event_ids={fig[1]}")
        if fig[0] != int(expected) or fig[1] != int(expected):
            die(f"{path}: {fig[0]} rows, {fig[1]} distinct event_ids; expected {expected} of each")
        if first is None:
            first = (path, fig)
        elif fig != first[1]:
            die(f"{path} and {first[0]} differ: {fig} vs {first[1]}")


def main():
    if len(sys.argv) < 3:
        die("usage: deltars_bench.py write NDJSON TABLE SCHEMA | merge TARGET BATCH | "
            "summary TABLE... | counts TABLE | rows EXPECTED TABLE...")
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "write" and len(args) == 3:
        write(*args)
    elif cmd == "merge" and len(args) == 2:
        merge(*args)
    elif cmd == "summary":
        summary(args)
    elif cmd == "counts" and len(args) == 1:
        counts(*args)
    elif cmd == "rows" and len(args) >= 2:
        rows(args[0], args[1:])
    else:
        die(f"bad arguments: {' '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
