"""Spark Structured Streaming peer of `lakestream ingest`: Kafka topic -> Delta table.

    spark_stream_bench.py --bootstrap HOST:PORT --topic T --table DIR --checkpoint DIR
                          --jars-dir DIR --schema FILE [--max-offsets N] [--local-dir DIR]

Does what deploy/ingest-clickstream.yaml asks of lakestream, with Spark's own means:
reads the topic from the earliest offsets (readStream kafka), parses each value as
JSON with the column types of --schema (bench/clickstream_schema.json: string, int32,
int64, double, timestamp, boolean; a json column is kept as its JSON text), drops
duplicate event_ids within a 24 h event-time watermark (lakestream's dedup window),
adds event_date = to_date(event_time) and appends to a Delta table partitioned by it,
trigger availableNow (drain what is there, then stop), micro-batches of at most
--max-offsets records (lakestream's trigger max_records). Spark runs local[2] with its
jars from --jars-dir (installed by ./run deps; nothing is fetched at run time).

Before it exits the script stops Spark and waits for the JVM, so a measurement of this
process (bench/proc_tree_measure.py) holds the JVM's CPU too. Prints one line:
    spark rows_in=N batches=N spark=VERSION delta=VERSION
rows_in is the sum of the micro-batches' input rows (Kafka records read).
Exits non-zero with a message on stderr if the stream fails.
"""
import argparse
import glob
import json
import os
import sys


def spark_type(T, name):
    types = {
        "string": T.StringType(),
        "json": T.StringType(),  # from_json keeps a nested object's text for a string field
        "int32": T.IntegerType(),
        "int64": T.LongType(),
        "double": T.DoubleType(),
        "timestamp": T.TimestampType(),
        "date": T.DateType(),
        "boolean": T.BooleanType(),
    }
    if name not in types:
        raise SystemExit(f"spark_stream_bench: unknown column type {name!r} in the schema file")
    return types[name]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--jars-dir", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--max-offsets", type=int, default=200000)
    ap.add_argument("--local-dir", default=None)
    ap.add_argument("--driver-memory", default="2g")
    args = ap.parse_args()

    jars = sorted(glob.glob(os.path.join(args.jars_dir, "*.jar")))
    if not any("delta-spark" in j for j in jars) or not any("spark-sql-kafka" in j for j in jars):
        raise SystemExit(f"spark_stream_bench: {args.jars_dir} lacks delta-spark or "
                         "spark-sql-kafka jars; run ./run deps")

    from pyspark import SparkContext
    from pyspark.sql import SparkSession, functions as F, types as T
    import pyspark

    with open(args.schema) as f:
        columns = json.load(f)["columns"]
    schema = T.StructType([T.StructField(c["name"], spark_type(T, c["type"]), True)
                           for c in columns])

    b = (SparkSession.builder.master("local[2]").appName("lakestream-bench-spark-stream")
         .config("spark.jars", ",".join(jars))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog",
                 "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.driver.memory", args.driver_memory)
         .config("spark.driver.host", "127.0.0.1")
         .config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
         # Two cores: two shuffle partitions for the dedup state, not 200.
         .config("spark.sql.shuffle.partitions", "2")
         # Parquet zstd, as lakestream writes (level 1 per the deploy config).
         .config("spark.sql.parquet.compression.codec", "zstd")
         .config("parquet.compression.codec.zstd.level", "1"))
    if args.local_dir:
        b = b.config("spark.local.dir", args.local_dir)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    raw = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", args.bootstrap)
           .option("subscribe", args.topic)
           .option("startingOffsets", "earliest")
           .option("failOnDataLoss", "true")
           .option("maxOffsetsPerTrigger", str(args.max_offsets))
           .load())
    events = (raw.select(F.from_json(F.col("value").cast("string"), schema).alias("e"))
              .select("e.*")
              .withWatermark("event_time", "24 hours")
              .dropDuplicatesWithinWatermark(["event_id"])
              .withColumn("event_date", F.to_date("event_time")))
    query = (events.writeStream.format("delta")
             .outputMode("append")
             .option("checkpointLocation", args.checkpoint)
             .partitionBy("event_date")
             .trigger(availableNow=True)
             .start(args.table))
    query.awaitTermination()
    failure = query.exception()
    progress = query.recentProgress
    rows_in = sum(p["numInputRows"] for p in progress)
    batches = sum(1 for p in progress if p["numInputRows"] > 0)
    delta_jar = next((os.path.basename(j) for j in jars if "delta-spark_" in j), "?")
    spark_version = spark.version
    spark.stop()
    # Stop the JVM and reap it, so its CPU time is counted as this process's child.
    gw = SparkContext._gateway
    if gw is not None:
        proc = getattr(gw, "proc", None)
        try:
            gw.shutdown()
        except Exception:
            pass
        if proc is not None:
            if proc.stdin:
                proc.stdin.close()  # the gateway exits when its stdin closes
            try:
                proc.wait(timeout=60)
            except Exception:
                proc.kill()
                proc.wait()
    if failure is not None:
        sys.stderr.write(f"spark_stream_bench: the streaming query failed: {failure}\n")
        return 1
    print(f"spark rows_in={rows_in} batches={batches} spark={spark_version} "
          f"delta_jar={delta_jar} pyspark={pyspark.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
