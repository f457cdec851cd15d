#!/usr/bin/env python3
"""The Python package against the command line (issue 13, "Speed"): visits a second through
`yibao.batch` on a Polars DataFrame, and through `yibao.spark.batch` on Spark local[2], against
`yibao batch` on the same rows (bench/batch/gen.py's generated claims, one pack, gansu-2018).

- CLI: `yibao batch --policy gansu-2018 claims.csv --out results.csv` and the same from Parquet to
  Parquet (wall time of the process: reading, grouping, estimating, writing).
- Python: `yibao.batch(df, "gansu-2018")` on a DataFrame already in memory (the CSV read by
  Polars beforehand, every column as text, not timed), until the pyarrow results table is built.
- Spark: `yibao.spark.batch(df, "gansu-2018", partitions=P)` on local[2] over the Parquet file,
  written to Spark's `noop` sink (so every row is estimated), wall time of that job, Spark's
  session already started.

Usage: bench/python/run.py [ROWS] [--runs N] [--spark-rows ROWS] (defaults 1,000,000, 3, 1,000,000;
--spark-rows 0 skips Spark). Needs the release CLI (cargo build --release) and a Python with the
yibao wheel, polars, pyarrow and (for Spark) pyspark and pandas — e.g. make test-python's
target/py-test-venv:  target/py-test-venv/bin/python bench/python/run.py
"""
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIR = os.path.join(ROOT, "target", "bench-python")
BIN = os.path.join(ROOT, "target", "release", "yibao")
GEN = os.path.join(ROOT, "bench", "batch", "gen.py")


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def timed(f, runs):
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        out.append(time.perf_counter() - start)
    return median(out), out


def cli(args):
    subprocess.run([BIN, "batch", "--policy", "gansu-2018"] + args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    args = sys.argv[1:]
    rows = int(args[0]) if args and args[0].isdigit() else 1_000_000
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
    spark_rows = int(args[args.index("--spark-rows") + 1]) if "--spark-rows" in args else rows
    import polars as pl
    import pyarrow.parquet as pq

    import yibao

    os.makedirs(DIR, exist_ok=True)
    csv = os.path.join(DIR, f"claims-{rows}.csv")
    if not os.path.exists(csv):
        subprocess.run([sys.executable, GEN, str(rows), csv], check=True)
    df = pl.read_csv(csv, infer_schema=False)  # every column as text, as the CLI reads a CSV
    parquet = os.path.join(DIR, f"claims-{rows}.parquet")
    if not os.path.exists(parquet):
        pq.write_table(df.to_arrow(), parquet)
    print(f"{rows:,} visits, one pack (gansu-2018), {os.cpu_count()} cores, median of {runs}")

    def line(what, secs, all_):
        print(f"  {what}: {secs:.2f} s ({', '.join(f'{t:.2f}' for t in all_)}), {rows / secs:,.0f} visits/s")

    line("CLI, CSV to CSV", *timed(lambda: cli([csv, "--out", os.path.join(DIR, "out.csv")]), runs))
    line("CLI, Parquet to Parquet", *timed(lambda: cli([parquet, "--out", os.path.join(DIR, "out.parquet")]), runs))
    line("yibao.batch on a Polars DataFrame", *timed(lambda: yibao.batch(df, "gansu-2018"), runs))

    if spark_rows:
        import yibao.spark
        from pyspark.sql import SparkSession

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                 .config("spark.driver.memory", "4g").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        sdf = spark.read.parquet(parquet)
        if spark_rows < rows:
            sdf = sdf.limit(spark_rows)
        n = sdf.count()
        for parts in (2, 8):
            secs, all_ = timed(lambda: yibao.spark.batch(sdf, "gansu-2018", partitions=parts).write.format("noop").mode("overwrite").save(), runs)
            print(f"  Spark local[2], {parts} partitions ({n:,} visits): {secs:.2f} s ({', '.join(f'{t:.2f}' for t in all_)}), {n / secs:,.0f} visits/s")
        spark.stop()


if __name__ == "__main__":
    main()
