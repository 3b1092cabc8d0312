#!/usr/bin/env python3
"""Spark's tables, read by lakestream (issue 13 §2).

One local Spark session (Delta Lake from tests/peers/spark/jars, no network) writes one Delta
table per feature Delta 4.x can enable. For each table, `lakestream cat` must either return
exactly Spark's rows (as a multiset, compared value by value with Spark's types) or fail with
NotSupported naming the feature. Which of the two is PINNED below: a change of outcome fails
the test, so the protocol work that closes a gap has to flip the pin and docs/interop.md.

Also failing, whatever the pin: lakestream crashing (killed by a signal), a read that succeeds
with rows that differ from Spark's, or an error that is not NotSupported. The version before
the last is read by time travel too (`cat --version`) and must agree with Spark's
`versionAsOf` the same way, and `describe`, `files` and `history` must not crash.

usage: spark_tables.py --bin LAKESTREAM --work DIR --jars DIR [--only NAME,...] [--markdown F]
Prints one line per table and ends with "N passed, M failed".
"""

import argparse
import base64
import collections
import datetime
import decimal
import glob
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import time

# The pinned outcome of every table: "identical", or "NotSupported:<table feature>".
# To change one (say, lakestream learns deletion vectors), flip it here and in the table of
# docs/interop.md ("Spark's tables read by lakestream").
PINS = {
    "defaults": "identical",
    "classic_checkpoint": "identical",
    "partitioned_escaping": "identical",
    "timestamp_ntz": "identical",
    "change_data_feed": "identical",
    "row_tracking": "identical",
    "liquid_clustering": "identical",
    "identity_column": "identical",
    "generated_columns": "identical",
    "check_constraints": "identical",
    "in_commit_timestamps": "identical",
    "deletion_vectors_delete": "identical",
    "deletion_vectors_update": "identical",
    "deletion_vectors_merge": "identical",
    "column_mapping_name": "identical",
    "column_mapping_id": "identical",
    "column_mapping_partitioned": "identical",
    "v2_checkpoint": "identical",
    "type_widening": "identical",
    "variant": "NotSupported:variantType",
    # delta-rs's test tables with deletion vectors (shared/testdata/delta-rs), copied as they
    # are: Databricks and Spark 3.x wrote them; Spark reads them beside lakestream.
    "deletion_vectors_rs_small": "identical",
    "deletion_vectors_rs_logs": "identical",
    "deletion_vectors_rs_cdf": "identical",
    # delta-rs's column-mapped tables (Databricks wrote them): physical names with spaces in
    # the logical ones; a table switched to column mapping, then its partition column renamed.
    "column_mapping_rs_name": "identical",
    "column_mapping_rs_renamed_partition": "identical",
    # lakestream writes the table, DELETEs and MERGEs (SCD1) through deletion vectors and
    # checkpoints; Spark then DELETEs more rows (its DV merges ours) from that checkpoint. The
    # version before the last is ours.
    "deletion_vectors_ours": "identical",
    # An SCD2 dimension lakestream creates with deletion vectors (as it creates the streaming
    # user_profile) and keeps with two `merge --mode scd2` batches (versions closed through
    # DVs by the key scan, nothing copied); Spark then UPDATEs current rows on top.
    "scd2_dimension_ours": "identical",
    # lakestream writes the table with in-commit timestamps off, turns them on (`alter
    # set-property`) and appends; Spark appends after ours. Both engines must give the same
    # commit times (DESCRIBE HISTORY vs `lakestream history`) and the same rows for TIMESTAMP AS
    # OF every commit's time, before and after the enablement.
    "in_commit_timestamps_ours": "identical",
}

# The delta-rs test tables the deletion_vectors_rs_* entries copy.
TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                        "testdata", "delta-rs")
RS_TABLES = {
    "deletion_vectors_rs_small": "table-with-dv-small",
    "deletion_vectors_rs_logs": "table_with_deletion_logs",
    "deletion_vectors_rs_cdf": "cdf-table-with-cdc-and-dvs",
    "column_mapping_rs_name": "table_with_column_mapping",
    "column_mapping_rs_renamed_partition": "table_with_partitioning_mapping",
}

# Table features a NotSupported message may name.
FEATURES = [
    "deletionVectors", "columnMapping", "v2Checkpoint", "typeWidening", "typeWidening-preview",
    "variantType", "variantType-preview", "timestampNtz", "rowTracking", "domainMetadata",
    "clustering", "identityColumns", "generatedColumns", "checkConstraints", "inCommitTimestamp",
    "changeDataFeed", "vacuumProtocolCheck", "catalogManaged", "catalogOwned-preview",
]

# The lakestream binary (--bin), for tables lakestream writes first.
LAKESTREAM = ""

# Rows of the data-generating queries; small, but several files per table.
N = 240


decimal.getcontext().prec = 100  # DECIMAL(38, s) quantizes exactly

# ---------------------------------------------------------------- Spark session


def spark_session(jars_dir, work):
    from pyspark.sql import SparkSession

    jars = sorted(glob.glob(os.path.join(jars_dir, "delta-*.jar")))
    if not any("delta-spark" in j for j in jars):
        sys.exit(f"spark_tables: no delta-spark jar in {jars_dir} (run ./run deps)")
    return (
        SparkSession.builder.master("local[2]")
        .appName("lakestream-spark-tables")
        .config("spark.jars", ",".join(jars))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", os.path.join(work, "warehouse"))
        .config("spark.driver.extraJavaOptions",
                f"-Duser.timezone=UTC -Dderby.system.home={work}/derby")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .getOrCreate()
    )


# ---------------------------------------------------------------- the tables Spark writes

# Every builder gets (spark, path) and writes a table at path with Spark alone.

# A batch covering Delta's primitive and nested types, with nulls.
ALL_TYPES = """
  id AS id,
  CAST(id % 100 - 50 AS TINYINT) AS i8,
  CAST(id * 37 % 60000 - 30000 AS SMALLINT) AS i16,
  CAST(id * 1000003 % 2000000000 AS INT) AS i32,
  id * 1234567890123 AS i64,
  CASE WHEN id % 7 = 0 THEN NULL ELSE CAST(id / 8.0 AS FLOAT) END AS f32,
  CASE WHEN id % 11 = 0 THEN NULL ELSE id / 3.0D - 40 END AS f64,
  CAST(id * 12.34 - 999 AS DECIMAL(9,2)) AS dec9,
  CAST(id * 98765.4321 AS DECIMAL(18,4)) AS dec18,
  CAST(id * -1.5 AS DECIMAL(38,10)) AS dec38,
  CASE WHEN id % 5 = 0 THEN NULL ELSE concat('name-', id % 17, ' ü') END AS str,
  unhex(lpad(hex(id), 6, '0')) AS bin,
  id % 3 = 0 AS flag,
  date_add(DATE'2020-02-28', CAST(id AS INT)) AS day,
  timestamp_micros(1700000000000000 + id * 1234567) AS ts,
  CASE WHEN id % 4 = 0 THEN NULL ELSE array(concat('t', id % 3), NULL, 'x') END AS tags,
  map('k1', CAST(id AS INT), 'k2', CAST(NULL AS INT)) AS attrs,
  named_struct('country', CASE WHEN id % 2 = 0 THEN 'DE' ELSE 'US' END,
               'points', array(id * 0.5D, CAST(NULL AS DOUBLE))) AS geo,
  array(array(CAST(id AS INT)), array()) AS matrix
"""


def range_df(spark, start, count, parts=2):
    return spark.range(start, start + count, 1, parts)


def t(path):
    return f"delta.`{path}`"


def insert(spark, path, start, count, *exprs, columns=""):
    """INSERT INTO the table (by position, or into `columns`) one row per id in
    [start, start + count), in two tasks, so two files."""
    spark.sql(f"INSERT INTO {t(path)} {'(' + columns + ')' if columns else ''} "
              f"SELECT {', '.join(exprs)} FROM range({start}, {start + count}, 1, 2)")


def all_types(spark, start, count):
    range_df(spark, start, count).createOrReplaceTempView("all_types_ids")
    return spark.sql(f"SELECT {ALL_TYPES} FROM all_types_ids")


def build_defaults(spark, path):
    all_types(spark, 0, N).write.format("delta").save(path)
    all_types(spark, N, N // 2).write.format("delta").mode("append").save(path)


def build_classic_checkpoint(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v STRING, n DOUBLE) USING delta "
              "TBLPROPERTIES ('delta.checkpointInterval' = '3')")
    for b in range(7):
        insert(spark, path, b * 40, 40, "id", "concat('v', id) AS v", "id * 0.25D AS n")
    spark.sql(f"DELETE FROM {t(path)} WHERE id % 9 = 0")
    spark.sql(f"UPDATE {t(path)} SET v = 'updated' WHERE id % 10 = 1")


ESCAPING = ["a b", "x/y", "k=v", "100%", "colon:x", "ünï", "#hash", "quote's", "tab\tc",
            "{brace}", "semi;colon", "dollar$", "back\\slash", "question?", None]


def build_partitioned_escaping(spark, path):
    from pyspark.sql import Row
    rows = []
    for i in range(N):
        rows.append(Row(id=i, p=ESCAPING[i % len(ESCAPING)],
                        d=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 4),
                        n=(i % 6 if i % 13 else None), v=f"value {i}"))
    df = spark.createDataFrame(rows, "id LONG, p STRING, d DATE, n INT, v STRING")
    df.write.format("delta").partitionBy("p", "d", "n").save(path)


def build_timestamp_ntz(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, ntz TIMESTAMP_NTZ, ts TIMESTAMP, "
              "s STRUCT<at: TIMESTAMP_NTZ, n: INT>) USING delta")
    insert(spark, path, 0, N, "id",
           "CASE WHEN id % 9 = 0 THEN NULL ELSE "
           "  CAST(timestamp_micros(-86400000000 * 365 + id * 987654321) AS TIMESTAMP_NTZ) END",
           "timestamp_micros(1600000000000000 + id * 1000001)",
           "named_struct('at', CAST(timestamp_micros(id * 1000) AS TIMESTAMP_NTZ), "
           "             'n', CAST(id AS INT))")


def build_change_data_feed(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v STRING, n INT) USING delta "
              "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', "
              "'delta.enableDeletionVectors' = 'false')")
    insert(spark, path, 0, N, "id", "concat('v', id)", "CAST(id % 10 AS INT)")
    spark.sql(f"UPDATE {t(path)} SET v = 'changed' WHERE n = 3")
    spark.sql(f"DELETE FROM {t(path)} WHERE n = 7")
    range_df(spark, N - 20, 40).selectExpr("id", "concat('m', id) AS v", "CAST(-1 AS INT) AS n") \
        .createOrReplaceTempView("cdf_src")
    spark.sql(f"MERGE INTO {t(path)} tgt USING cdf_src src ON tgt.id = src.id "
              "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")


def build_row_tracking(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v STRING) USING delta "
              "TBLPROPERTIES ('delta.enableRowTracking' = 'true', "
              "'delta.enableDeletionVectors' = 'false')")
    insert(spark, path, 0, N, "id", "concat('v', id)")
    # UPDATE rewrites files and materializes row ids / commit versions in hidden columns.
    spark.sql(f"UPDATE {t(path)} SET v = 'updated' WHERE id % 4 = 0")
    insert(spark, path, N, 10, "id", "'late'")


def build_liquid_clustering(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, k STRING, day DATE) USING delta "
              "CLUSTER BY (k, day)")
    for b in range(3):
        insert(spark, path, b * 100, 100, "id", "concat('k', id % 7)", "date_add(DATE'2025-01-01', CAST(id % 30 AS INT))")
    spark.sql(f"OPTIMIZE {t(path)}")


def build_identity_column(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT GENERATED ALWAYS AS IDENTITY "
              "(START WITH 10 INCREMENT BY 5), v STRING, "
              "seq BIGINT GENERATED BY DEFAULT AS IDENTITY) USING delta")
    spark.sql(f"INSERT INTO {t(path)} (v) SELECT concat('v', id) FROM range(50)")
    spark.sql(f"INSERT INTO {t(path)} (v, seq) VALUES ('explicit', 1000), ('another', -3)")


def build_generated_columns(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, ts TIMESTAMP, "
              "day DATE GENERATED ALWAYS AS (CAST(ts AS DATE)), "
              "v_upper STRING GENERATED ALWAYS AS (upper(v)), v STRING) "
              "USING delta PARTITIONED BY (day)")
    insert(spark, path, 0, N, "id", "timestamp_micros(1700000000000000 + id * 3600000000)",
           "concat('v', id % 5)", columns="id, ts, v")


def build_check_constraints(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT NOT NULL, qty INT, v STRING) USING delta")
    spark.sql(f"ALTER TABLE {t(path)} ADD CONSTRAINT qty_positive CHECK (qty > 0)")
    spark.sql(f"ALTER TABLE {t(path)} ADD CONSTRAINT v_len CHECK (length(v) < 10)")
    insert(spark, path, 0, N, "id", "CAST(id % 50 + 1 AS INT)", "concat('v', id)")
    try:  # a violating row must be refused, leaving the table as it was
        spark.sql(f"INSERT INTO {t(path)} VALUES (999, -1, 'bad')")
        raise RuntimeError("check constraint did not refuse qty = -1")
    except Exception as e:  # noqa: BLE001 - Spark raises a Py4J/analysis error
        if "qty_positive" not in str(e) and "CHECK" not in str(e).upper():
            raise


def build_in_commit_timestamps(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v STRING) USING delta "
              "TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')")
    for b in range(4):
        insert(spark, path, b * 30, 30, "id", "concat('b', id)")


def dv_table(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v STRING, n INT) USING delta "
              "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')")
    # Two files of many rows each, so a predicate hits part of a file: a deletion vector.
    insert(spark, path, 0, N, "id", "concat('v', id)", "CAST(id % 10 AS INT)")


def build_deletion_vectors_delete(spark, path):
    dv_table(spark, path)
    spark.sql(f"DELETE FROM {t(path)} WHERE n = 3 OR id = 100")


def build_deletion_vectors_ours(spark, path):
    work = os.path.dirname(os.path.dirname(path))
    schema = os.path.join(work, "dv_ours_schema.json")
    rows = os.path.join(work, "dv_ours.ndjson")
    changes = os.path.join(work, "dv_ours_changes.ndjson")
    with open(schema, "w", encoding="utf-8") as fh:
        json.dump({"columns": [{"name": "id", "type": "int64", "nullable": False},
                               {"name": "v", "type": "string"}, {"name": "n", "type": "int32"}]},
                  fh)
    with open(rows, "w", encoding="utf-8") as fh:
        for i in range(N):
            fh.write(json.dumps({"id": i, "v": f"v{i}", "n": i % 10}) + "\n")
    with open(changes, "w", encoding="utf-8") as fh:  # SCD1: 3 updates, 1 insert
        for i in (5, 17, 200, 1000):
            fh.write(json.dumps({"id": i, "v": f"m{i}", "n": 20}) + "\n")
    for args in (["write", path, "--from-json", rows, "--schema", schema, "--table-property",
                  "delta.enableDeletionVectors=true"],
                 ["delete", path, "--where", "n = 3 OR id = 100"],
                 ["merge", path, "--source", changes, "--schema", schema, "--keys", "id",
                  "--mode", "scd1", "--sequence-by", "n"],
                 # Spark's next version then starts from our checkpoint's deletionVector structs.
                 ["checkpoint", path]):
        p = subprocess.run([LAKESTREAM, *args], capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"lakestream {args[0]}: {p.stderr.decode()[-300:]}")
        if args[0] != "write" and '"deletion_vectors_added":0' in p.stdout.decode():
            raise RuntimeError(f"lakestream {args[0]} wrote no deletion vector: "
                               f"{p.stdout.decode()}")
    spark.sql(f"DELETE FROM {t(path)} WHERE n = 5 OR id = 7")


def build_scd2_dimension_ours(spark, path):
    work = os.path.dirname(os.path.dirname(path))
    schema = os.path.join(work, "scd2_ours_schema.json")
    source_schema = os.path.join(work, "scd2_ours_source_schema.json")
    rows = os.path.join(work, "scd2_ours.ndjson")
    cols = [{"name": "id", "type": "int64", "nullable": False}, {"name": "attr", "type": "string"},
            {"name": "event_time", "type": "timestamp"}]
    with open(schema, "w", encoding="utf-8") as fh:
        json.dump({"columns": cols + [{"name": "valid_from", "type": "timestamp"},
                                      {"name": "valid_to", "type": "timestamp"},
                                      {"name": "is_current", "type": "boolean"}]}, fh)
    with open(source_schema, "w", encoding="utf-8") as fh:
        json.dump({"columns": cols}, fh)

    def ts(day, i):
        return f"2026-01-{day:02d}T00:00:{i % 60:02d}Z"

    with open(rows, "w", encoding="utf-8") as fh:
        for i in range(N):
            fh.write(json.dumps({"id": i, "attr": f"a{i % 7}", "event_time": ts(1, i),
                                 "valid_from": ts(1, i), "valid_to": None,
                                 "is_current": True}) + "\n")
    steps = [["write", path, "--from-json", rows, "--schema", schema, "--table-property",
              "delta.enableDeletionVectors=true"]]
    for day, step in ((5, 3), (9, 5)):  # every 3rd, then every 5th user changes attr
        batch = os.path.join(work, f"scd2_ours_{day}.ndjson")
        with open(batch, "w", encoding="utf-8") as fh:
            for i in range(0, N + 20, step):
                fh.write(json.dumps({"id": i, "attr": f"d{day}", "event_time": ts(day, i)}) + "\n")
            fh.write(json.dumps({"id": 1, "attr": "a1", "event_time": ts(1, 1)}) + "\n")  # replay
        steps.append(["merge", path, "--source", batch, "--schema", source_schema, "--keys", "id",
                      "--mode", "scd2", "--sequence-by", "event_time", "--track", "attr"])
    for args in steps:
        p = subprocess.run([LAKESTREAM, *args], capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"lakestream {args[0]}: {p.stderr.decode()[-300:]}")
        out = p.stdout.decode()
        if args[0] == "merge" and ('"deletion_vectors_added":0' in out or
                                   '"rows_copied":0' not in out):
            raise RuntimeError(f"lakestream merge did not close versions through DVs: {out}")
    spark.sql(f"UPDATE {t(path)} SET attr = 'spark' WHERE is_current AND id % 11 = 0")


def lakestream(*args):
    p = subprocess.run([LAKESTREAM, *args], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"lakestream {args[0]}: {p.stderr.decode()[-300:]}")
    return p.stdout.decode()


def commit_infos(path):
    """{version: the commitInfo of that commit file}, from the first line of each."""
    out = {}
    for f in glob.glob(os.path.join(path, "_delta_log", "[0-9]*.json")):
        with open(f, encoding="utf-8") as fh:
            first = json.loads(fh.readline())
        out[int(os.path.basename(f)[:20])] = first.get("commitInfo")
    return out


def build_in_commit_timestamps_ours(spark, path):
    work = os.path.dirname(os.path.dirname(path))
    schema = os.path.join(work, "ict_ours_schema.json")
    with open(schema, "w", encoding="utf-8") as fh:
        json.dump({"columns": [{"name": "id", "type": "int64", "nullable": False},
                               {"name": "v", "type": "string"}]}, fh)

    def rows(first, n):
        f = os.path.join(work, f"ict_ours_{first}.ndjson")
        with open(f, "w", encoding="utf-8") as fh:
            for i in range(first, first + n):
                fh.write(json.dumps({"id": i, "v": f"v{i}"}) + "\n")
        return f

    lakestream("write", path, "--from-json", rows(0, 40), "--schema", schema,
               "--table-property", "delta.enableInCommitTimestamps=false")
    lakestream("write", path, "--from-json", rows(40, 40), "--schema", schema)
    lakestream("alter", path, "set-property", "delta.enableInCommitTimestamps=true")  # v2
    lakestream("write", path, "--from-json", rows(80, 40), "--schema", schema)
    lakestream("write", path, "--from-json", rows(120, 40), "--schema", schema)
    insert(spark, path, 1000, 20, "id", "concat('spark', id)")  # v5, Spark's
    check_in_commit_timestamps(spark, path, enabled_at=2)


def check_in_commit_timestamps(spark, path, enabled_at):
    """Raises unless Spark and lakestream agree on every commit's time and on the rows as of
    each of those times, and the log carries in-commit timestamps from `enabled_at` on."""
    infos = commit_infos(path)
    last = max(infos)
    icts = {v: (infos[v] or {}).get("inCommitTimestamp") for v in infos}
    if any(icts[v] is not None for v in infos if v < enabled_at) or \
            any(icts[v] is None for v in infos if v >= enabled_at):
        raise RuntimeError(f"in-commit timestamps by version: {icts}")
    after = [icts[v] for v in range(enabled_at, last + 1)]
    if after != sorted(set(after)):
        raise RuntimeError(f"in-commit timestamps not strictly increasing: {after}")
    before = os.stat(os.path.join(path, "_delta_log", f"{enabled_at - 1:020d}.json"))
    if icts[enabled_at] <= before.st_mtime_ns // 1_000_000:
        raise RuntimeError("the enabling commit's in-commit timestamp is not past the previous "
                           "commit's file time")
    conf = dict(r for r in spark.sql(f"SHOW TBLPROPERTIES {t(path)}").collect())
    want = {"delta.inCommitTimestampEnablementVersion": str(enabled_at),
            "delta.inCommitTimestampEnablementTimestamp": str(icts[enabled_at])}
    if any(conf.get(k) != x for k, x in want.items()):
        raise RuntimeError(f"Spark sees the enablement as {conf}, want {want}")

    spark_times = {int(r["version"]): ts_micros_of_datetime(r["timestamp"]) // 1000
                   for r in spark.sql(f"DESCRIBE HISTORY {t(path)}").collect()}
    ours = {}
    for line in lakestream("history", path).splitlines():
        h = json.loads(line)
        ours[h["version"]] = ts_micros_of_text(h["timestamp"]) // 1000
    if spark_times != ours:
        raise RuntimeError(f"commit times differ: spark {spark_times}, lakestream {ours}")
    for v in range(enabled_at, last + 1):
        if ours[v] != icts[v]:
            raise RuntimeError(f"version {v}: history says {ours[v]}, inCommitTimestamp "
                               f"{icts[v]}")

    for v, ms in sorted(ours.items()):
        at = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
        text = at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]  # UTC, the session's time zone
        df = spark.read.format("delta").option("timestampAsOf", text).load(path)
        rc, out, err = run_lakestream(LAKESTREAM, path, "--timestamp", str(ms))
        if rc != 0:
            raise RuntimeError(f"lakestream cat --timestamp {ms}: {err.strip()[-300:]}")
        same, detail = compare_rows(df.schema, df.collect(), out.splitlines())
        if not same:
            raise RuntimeError(f"TIMESTAMP AS OF {text} (version {v}): {detail}")


def build_deletion_vectors_update(spark, path):
    dv_table(spark, path)
    spark.sql(f"UPDATE {t(path)} SET v = 'updated' WHERE n = 4")


def build_deletion_vectors_merge(spark, path):
    dv_table(spark, path)
    range_df(spark, N - 30, 60).selectExpr("id", "concat('m', id) AS v", "CAST(-1 AS INT) AS n") \
        .createOrReplaceTempView("dv_src")
    spark.sql(f"MERGE INTO {t(path)} tgt USING dv_src src ON tgt.id = src.id "
              "WHEN MATCHED AND src.id % 2 = 0 THEN DELETE "
              "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")


def column_mapping(spark, path, mode):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, `a col` STRING, b INT, "
              "s STRUCT<x: INT, y: STRING>) USING delta "
              f"TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}')")
    insert(spark, path, 0, N, "id", "concat('a', id)", "CAST(id * 2 AS INT)",
           "named_struct('x', CAST(id AS INT), 'y', 'why')")
    spark.sql(f"ALTER TABLE {t(path)} RENAME COLUMN `a col` TO renamed")
    spark.sql(f"ALTER TABLE {t(path)} DROP COLUMN b")
    spark.sql(f"ALTER TABLE {t(path)} ADD COLUMNS (b STRING)")
    spark.sql(f"INSERT INTO {t(path)} VALUES (1000, 'after', named_struct('x', 1, 'y', 'z'), "
              "'new b')")


def build_column_mapping_name(spark, path):
    column_mapping(spark, path, "name")


def build_column_mapping_id(spark, path):
    column_mapping(spark, path, "id")


def build_column_mapping_partitioned(spark, path):
    """Name mode, partitioned: partition values and stats keyed by physical names, then the
    partition column and a data column renamed."""
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, p STRING, v INT) USING delta "
              "PARTITIONED BY (p) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')")
    insert(spark, path, 0, N, "id", "concat('p', id % 3)", "CAST(id * 3 AS INT)")
    spark.sql(f"ALTER TABLE {t(path)} RENAME COLUMN p TO region")
    spark.sql(f"ALTER TABLE {t(path)} RENAME COLUMN v TO value")
    insert(spark, path, N, 10, "id", "'late'", "CAST(-id AS INT)", columns="id, region, value")


def build_v2_checkpoint(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v STRING) USING delta "
              "TBLPROPERTIES ('delta.checkpointPolicy' = 'v2', 'delta.checkpointInterval' = '2')")
    for b in range(5):
        insert(spark, path, b * 20, 20, "id", "concat('v', id)")


def build_type_widening(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, small SMALLINT, f FLOAT) USING delta "
              "TBLPROPERTIES ('delta.enableTypeWidening' = 'true')")
    insert(spark, path, 0, N // 2, "id", "CAST(id - 100 AS SMALLINT)", "CAST(id / 4.0 AS FLOAT)")
    spark.sql(f"ALTER TABLE {t(path)} ALTER COLUMN small TYPE INT")
    spark.sql(f"ALTER TABLE {t(path)} ALTER COLUMN f TYPE DOUBLE")
    insert(spark, path, N // 2, N // 2, "id", "CAST(id * 100000 AS INT)", "id / 3.0D")


def build_variant(spark, path):
    spark.sql(f"CREATE TABLE {t(path)} (id BIGINT, v VARIANT) USING delta")
    spark.sql(f"INSERT INTO {t(path)} SELECT id, parse_json(concat('{{\"a\":', id, "
              "',\"b\":[1,\"x\",null]}')) FROM range(50)")


def copy_testdata(name):
    def build(spark, path):  # noqa: ARG001 - same signature as the builders above
        shutil.copytree(os.path.join(TESTDATA, RS_TABLES[name]), path)
    return build


BUILDERS = {name: copy_testdata(name) if name in RS_TABLES else globals()["build_" + name]
            for name in PINS}


# ---------------------------------------------------------------- comparing values


def ts_micros_of_text(s):
    """'2023-11-14T22:13:23.703701Z' (or without Z / fraction, or with a space) -> micros."""
    s = s.strip().replace(" ", "T")
    if s.endswith("Z"):
        s = s[:-1]
    elif len(s) > 6 and s[-6] in "+-" and s[-3] == ":":
        raise ValueError(f"unexpected offset in timestamp {s!r}")
    frac = 0
    if "." in s:
        s, f = s.split(".", 1)
        frac = int((f + "000000")[:6])
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S")
    epoch = datetime.datetime(1970, 1, 1)
    delta = d - epoch
    return (delta.days * 86400 + delta.seconds) * 1000000 + frac


def ts_micros_of_datetime(d):
    if d.tzinfo is not None:
        d = d.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    delta = d - datetime.datetime(1970, 1, 1)
    return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds


def canon_float(x, single):
    if isinstance(x, str):
        if x in ("NaN", "Infinity", "-Infinity"):
            return x
        x = float(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if single:
        x = struct.unpack("<f", struct.pack("<f", x))[0]
    return x


def canon(v, typ, ours):
    """A hashable canonical form of v (a Spark value, or a value of our NDJSON if ours)."""
    from pyspark.sql import types as T

    if v is None:
        return None
    if isinstance(typ, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            return ("bad-int", repr(v))
        return int(v)
    if isinstance(typ, T.FloatType):
        return canon_float(v, True)
    if isinstance(typ, T.DoubleType):
        return canon_float(v, False)
    if isinstance(typ, T.DecimalType):
        q = decimal.Decimal(1).scaleb(-typ.scale)
        return str(decimal.Decimal(str(v)).quantize(q))
    if isinstance(typ, T.StringType):
        return str(v) if isinstance(v, str) else ("bad-string", repr(v))
    if isinstance(typ, T.BinaryType):
        return base64.b64decode(v) if ours else bytes(v)
    if isinstance(typ, T.BooleanType):
        return v if isinstance(v, bool) else ("bad-bool", repr(v))
    if isinstance(typ, T.DateType):
        return v if ours else v.isoformat()
    if isinstance(typ, (T.TimestampType, T.TimestampNTZType)):
        return ts_micros_of_text(v) if ours else ts_micros_of_datetime(v)
    if isinstance(typ, T.ArrayType):
        if not isinstance(v, list):
            return ("bad-array", repr(v))
        return tuple(canon(x, typ.elementType, ours) for x in v)
    if isinstance(typ, T.MapType):
        if ours and isinstance(v, dict):
            pairs = [(canon(k, typ.keyType, ours), canon(x, typ.valueType, ours))
                     for k, x in v.items()]
        elif ours and isinstance(v, list):
            pairs = [(canon(e.get("key"), typ.keyType, ours),
                      canon(e.get("value"), typ.valueType, ours)) for e in v]
        elif not ours:
            pairs = [(canon(k, typ.keyType, ours), canon(x, typ.valueType, ours))
                     for k, x in v.items()]
        else:
            return ("bad-map", repr(v))
        return tuple(sorted(pairs, key=repr))
    if isinstance(typ, T.StructType):
        if ours:
            if not isinstance(v, dict):
                return ("bad-struct", repr(v))
            extra = set(v) - set(typ.names)
            out = tuple((f.name, canon(v[f.name], f.dataType, ours) if f.name in v else "<missing>")
                        for f in typ.fields)
            return out + ((("<extra>", tuple(sorted(extra))),) if extra else ())
        return tuple((f.name, canon(v[f.name], f.dataType, ours)) for f in typ.fields)
    if type(typ).__name__ == "VariantType":
        text = v if ours and isinstance(v, str) else (json.dumps(v) if ours else v.toJson())
        return json.dumps(json.loads(text), sort_keys=True)
    return ("unhandled-type", str(typ), repr(v))


def compare_rows(schema, spark_rows, ours_lines):
    """Returns (same, detail) comparing Spark's rows with our NDJSON lines as multisets."""
    ours = collections.Counter()
    for line in ours_lines:
        if not line.strip():
            continue
        ours[canon(json.loads(line), schema, True)] += 1
    theirs = collections.Counter(canon_row(r, schema) for r in spark_rows)
    if ours == theirs:
        return True, f"{sum(theirs.values())} rows identical"
    only_ours = list((ours - theirs).elements())
    only_spark = list((theirs - ours).elements())
    detail = (f"spark {sum(theirs.values())} rows, lakestream {sum(ours.values())}; "
              f"{len(only_spark)} only in spark, {len(only_ours)} only in lakestream")
    for r in only_spark[:3]:
        detail += f"\n      spark only:      {r}"
    for r in only_ours[:3]:
        detail += f"\n      lakestream only: {r}"
    return False, detail


def canon_row(row, schema):
    return tuple((f.name, canon(row[i], f.dataType, False)) for i, f in enumerate(schema.fields))


# ---------------------------------------------------------------- running lakestream


def run_lakestream(binary, path, *args, command="cat"):
    p = subprocess.run([binary, command, path, *args], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def latest_version(path):
    return max(int(os.path.basename(f)[:20])
               for f in glob.glob(os.path.join(path, "_delta_log", "[0-9]*.json")))


def log_has_deletion_vectors(path):
    for f in sorted(glob.glob(os.path.join(path, "_delta_log", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                a = json.loads(line)
                if "add" in a and a["add"].get("deletionVector"):
                    return True
    return False


def reader_features(path):
    """The last protocol in the log: reader features and "w:"-prefixed writer features, or the
    legacy versions when the protocol has no feature lists."""
    feats = set()
    for f in sorted(glob.glob(os.path.join(path, "_delta_log", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                a = json.loads(line)
                if "protocol" in a:
                    p = a["protocol"]
                    feats = set(p.get("readerFeatures") or [])
                    feats |= {"w:" + x for x in p.get("writerFeatures") or []}
                    if "readerFeatures" not in p:
                        feats.add(f"(reader version {p['minReaderVersion']})")
                    if "writerFeatures" not in p:
                        feats.add(f"w:(writer version {p['minWriterVersion']})")
    return feats


def outcome_of(rc, stdout, stderr, schema, spark_rows, pin=""):
    """(outcome, detail, hard_failure). outcome: identical | wrong-rows | NotSupported:<f> | ...
    <f> is the pinned feature when the message names it, else the longest feature it names."""
    if rc < 0 or rc >= 128:
        return "crash", f"lakestream exited with {rc}: {stderr.strip()[-400:]}", True
    if rc == 0:
        same, detail = compare_rows(schema, spark_rows, stdout.splitlines())
        if same:
            return "identical", detail, False
        return "wrong-rows", detail, True
    msg = stderr.strip().splitlines()[-1] if stderr.strip() else "(no message)"
    if "NotSupported" in msg:
        named = sorted((f for f in FEATURES if f in msg), key=len, reverse=True)
        pinned = pin.split(":", 1)[1] if pin.startswith("NotSupported:") else ""
        feature = pinned if pinned in named else (named[0] if named else "?")
        return f"NotSupported:{feature}", msg, False
    return "error", msg, True


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--jars", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--markdown", default="")
    a = ap.parse_args()
    global LAKESTREAM
    LAKESTREAM = a.bin

    names = [n for n in PINS if not a.only or n in a.only.split(",")]
    unknown = set(a.only.split(",")) - set(PINS) - {""}
    if unknown:
        sys.exit(f"spark_tables: unknown table(s): {', '.join(sorted(unknown))}")

    t0 = time.time()
    spark = spark_session(a.jars, a.work)
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark {spark.version} session up in {time.time() - t0:.1f}s", flush=True)

    passed = failed = 0
    table_md = []
    for name in names:
        path = os.path.join(a.work, "tables", name)
        start = time.time()
        try:
            BUILDERS[name](spark, path)
            df = spark.read.format("delta").load(path)
            schema = df.schema
            spark_rows = df.collect()
        except Exception as e:  # noqa: BLE001 - report and go on with the next table
            failed += 1
            first = str(e).strip().splitlines()[0] if str(e).strip() else repr(e)
            print(f"FAIL {name}: Spark could not write or read it: {first[:500]}", flush=True)
            continue
        built = time.time() - start
        pin = PINS[name]
        rc, out, err = run_lakestream(a.bin, path)
        outcome, detail, hard = outcome_of(rc, out, err, schema, spark_rows, pin)
        feats = reader_features(path)
        # A deletion-vector table without any deletion vector would not test what it says.
        sanity = ""
        if name.startswith("deletion_vectors") and not log_has_deletion_vectors(path):
            sanity = "Spark wrote no deletion vector"
        # The version before the last, by time travel, must agree with Spark's too (for a
        # checkpointed table: a checkpoint plus commits), and nothing may crash.
        previous = latest_version(path) - 1
        if not hard and not sanity and previous >= 0:
            try:
                old = spark.read.format("delta").option("versionAsOf", previous).load(path)
                old_schema, old_rows = old.schema, old.collect()
            except Exception as e:  # noqa: BLE001
                old_schema, old_rows = None, None
                sanity = f"Spark could not read version {previous}: {str(e)[:300]}"
            if old_schema is not None:
                orc, oout, oerr = run_lakestream(a.bin, path, "--version", str(previous))
                o_outcome, o_detail, o_hard = outcome_of(orc, oout, oerr, old_schema, old_rows,
                                                         pin)
                if o_hard or o_outcome.split(":")[0] != outcome.split(":")[0]:
                    sanity = f"version {previous}: {o_outcome}: {o_detail}"
                else:
                    detail += f"; version {previous} {o_outcome}"
        for command in ("describe", "files", "history"):
            crc, _, cerr = run_lakestream(a.bin, path, command=command)
            if crc < 0 or crc >= 128:
                sanity = f"lakestream {command} crashed ({crc}): {cerr.strip()[-300:]}"
        if hard or sanity:
            failed += 1
            print(f"FAIL {name}: {outcome}: {sanity or detail}", flush=True)
        elif outcome != pin:
            failed += 1
            print(f"FAIL {name}: outcome changed: pinned {pin!r}, now {outcome!r} ({detail}). "
                  f"If this is progress, update PINS in tests/peers/spark_tables.py and the "
                  f"table in docs/interop.md (\"Spark's tables read by lakestream\").", flush=True)
        else:
            passed += 1
            print(f"ok   {name}: {outcome} ({detail.splitlines()[0][:220]}; "
                  f"{len(spark_rows)} rows; spark {built:.1f}s)", flush=True)
        rf = sorted(f for f in feats if not f.startswith("w:"))
        wf = sorted(f[2:] for f in feats if f.startswith("w:"))
        table_md.append(f"| {name} | {', '.join(rf) or '-'} | {', '.join(wf) or '-'} | "
                        f"{outcome} |")
    spark.stop()
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as fh:
            fh.write("| table | reader features | writer features | lakestream |\n")
            fh.write("| --- | --- | --- | --- |\n")
            fh.write("\n".join(table_md) + "\n")
    print(f"spark tables: {time.time() - t0:.0f}s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
