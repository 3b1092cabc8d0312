"""Column-mapped tables lakestream writes, then Spark keeps writing (issue 16).

Builders for tests/peers/spark_tables.py (its PINS name them column_mapping_ours_*). Each one
has lakestream create and change a column-mapped table (write with
delta.columnMapping.mode, alter add/rename/drop, DELETE, MERGE, OPTIMIZE/Z-order), checks
that Spark and delta-rs read exactly lakestream's rows at that point, then lets Spark
append, DELETE, MERGE, OPTIMIZE and RENAME COLUMN. The harness then compares Spark's final
rows (and the version before) with `lakestream cat`.

Thread-safety: single-threaded test code.
"""
import json
import os
import subprocess


class Ours:
    """Runs lakestream on one table and checks the peers agree with it."""

    def __init__(self, binary, compare_rows, path):
        self.binary, self.compare_rows, self.path = binary, compare_rows, path
        self.work = os.path.dirname(os.path.dirname(path))
        self.name = os.path.basename(path)

    def file(self, suffix, lines):
        p = os.path.join(self.work, f"{self.name}_{suffix}")
        with open(p, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
        return p

    def run(self, *args):
        p = subprocess.run([self.binary, *args], capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"lakestream {' '.join(args[:3])}: {p.stderr.decode()[-400:]}")
        return p.stdout.decode()

    def peers_agree(self, spark, step):
        """Spark's and delta-rs's rows must equal lakestream's (delta-rs: where it reads the
        table at all; what it does is printed)."""
        ours = self.run("cat", self.path).splitlines()
        df = spark.read.format("delta").load(self.path)
        same, detail = self.compare_rows(df.schema, df.collect(), ours)
        if not same:
            raise RuntimeError(f"after {step}: Spark differs from lakestream: {detail}")
        try:
            from deltalake import DeltaTable
            rs = DeltaTable(self.path).to_pyarrow_table().to_pylist()
            rs_lines = [json.dumps(r, default=str) for r in rs]
            rs_ids = sorted(r["id"] for r in rs)
            our_ids = sorted(json.loads(line)["id"] for line in ours)
            names = sorted(rs[0]) if rs else []
            want = sorted(df.schema.names)
            verdict = ("same ids and columns" if rs_ids == our_ids and names == want
                       else f"DIFFERS: {len(rs_lines)} rows, columns {names} vs {want}")
        except Exception as e:  # noqa: BLE001 - delta-rs's limits are reported, not failed
            verdict = "cannot read: " + (str(e).strip().splitlines() or [repr(e)])[0][:200]
        if verdict.startswith("DIFFERS"):
            raise RuntimeError(f"after {step}: delta-rs {verdict}")
        print(f"     {self.name} after {step}: Spark == lakestream ({detail}); "
              f"delta-rs {verdict}", flush=True)


SCHEMA = {"columns": [{"name": "id", "type": "int64", "nullable": False},
                      {"name": "region", "type": "string"}, {"name": "v", "type": "string"},
                      {"name": "n", "type": "int32"}]}


def rows(first, count):
    return [{"id": i, "region": ["eu", "us", "apac"][i % 3], "v": f"v{i}", "n": i % 10}
            for i in range(first, first + count)]


def lakestream_side(o, spark, mode, partitioned, upgrade=False):
    """Our writes: create (or upgrade), alter, DELETE, MERGE, OPTIMIZE."""
    schema = o.file("schema.json", [json.dumps(SCHEMA)])
    part = ["--partition-by", "region"] if partitioned else []
    prop = ["--table-property", f"delta.columnMapping.mode={mode}"]
    o.run("write", o.path, "--from-json", o.file("a.ndjson", rows(0, 120)), "--schema", schema,
          *part, *([] if upgrade else prop))
    o.run("write", o.path, "--from-json", o.file("b.ndjson", rows(120, 120)), "--schema", schema,
          *prop)
    o.peers_agree(spark, f"lakestream write ({mode} mode{', upgraded' if upgrade else ''})")
    o.run("alter", o.path, "add-column", "score", "double")
    o.run("alter", o.path, "rename-column", "v", "label")
    o.run("alter", o.path, "drop-column", "n")
    o.run("delete", o.path, "--where", "id < 10 OR region = 'apac' AND id > 200")
    changes = o.file("changes.ndjson", [
        {"id": i, "region": "eu" if i % 2 else "us", "label": f"m{i}", "score": i / 4}
        for i in (12, 30, 500, 501)])
    mschema = o.file("mschema.json", [json.dumps({"columns": [
        {"name": "id", "type": "int64", "nullable": False}, {"name": "region", "type": "string"},
        {"name": "label", "type": "string"}, {"name": "score", "type": "double"}]})])
    o.run("merge", o.path, "--source", changes, "--schema", mschema, "--keys", "id",
          "--mode", "scd1", "--sequence-by", "score")
    o.run("optimize", o.path, "--zorder-by", "score")
    o.peers_agree(spark, "lakestream alter add/rename/drop, delete, merge, optimize")


def spark_side(o, spark, t):
    """Spark keeps writing: append, DELETE, MERGE, OPTIMIZE, RENAME COLUMN."""
    spark.sql(f"INSERT INTO {t} (id, region, label, score) "
              "SELECT id, 'eu', concat('s', id), id * 0.5 FROM range(1000, 1040)")
    spark.sql(f"DELETE FROM {t} WHERE id % 7 = 0")
    spark.range(20, 40).selectExpr("id", "'us' AS region", "'merged' AS label",
                                   "CAST(-1 AS DOUBLE) AS score") \
        .createOrReplaceTempView("colmap_src")
    spark.sql(f"MERGE INTO {t} tgt USING colmap_src src ON tgt.id = src.id "
              "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")
    spark.sql(f"OPTIMIZE {t}")
    spark.sql(f"ALTER TABLE {t} RENAME COLUMN label TO title")


def build(spark, path, binary, compare_rows, t, mode, partitioned, upgrade=False):
    o = Ours(binary, compare_rows, path)
    lakestream_side(o, spark, mode, partitioned, upgrade)
    spark_side(o, spark, t(path))
    # lakestream writes again on top of Spark's last commits (the harness checks the end).
    o.run("delete", path, "--where", "title = 'merged' AND id < 25")
