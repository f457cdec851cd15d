"""yibao.spark.batch on Spark local[2]: the results of yibao.batch (the command line's) on the
same rows, however the input is partitioned and however many partitions it is estimated in."""

import os
import sys

import pyarrow as pa
import pytest

pyspark = pytest.importorskip("pyspark")

import yibao  # noqa: E402
import yibao.spark  # noqa: E402
from test_batch import REFORM, claims  # noqa: E402

COLUMNS = ["claim_id", "person_id", "category", "kind", "level", "date", "total", "out_of_catalog"]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("yibao-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "3")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def frame(spark, rows, slices):
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType(), True) for c in COLUMNS])
    rdd = spark.sparkContext.parallelize([tuple(r[c] for c in COLUMNS) for r in rows], slices)
    return spark.createDataFrame(rdd, schema)


def test_spark_equals_yibao_batch_whatever_the_partitioning(spark):
    rows = claims(persons=40, seed=21)
    want = {r["claim_id"]: r for r in yibao.batch(pa.Table.from_pylist(rows), ["gansu-2018", REFORM]).to_pylist()}
    for slices, partitions in [(1, None), (4, 1), (3, 7)]:
        df = frame(spark, rows, slices)
        got = yibao.spark.batch(df, ["gansu-2018", REFORM], partitions=partitions).collect()
        assert len(got) == len(rows)
        assert {r["claim_id"]: r.asDict() for r in got} == want, (slices, partitions)


def test_spark_leaves_rejected_persons_out_and_checks_columns(spark):
    rows = claims(persons=6, seed=3)
    bad = next(i for i, r in enumerate(rows) if r["person_id"] == "p2")
    rows[bad]["total"] = "-1"
    got = yibao.spark.batch(frame(spark, rows, 2), "gansu-2018").collect()
    assert {r["claim_id"] for r in got} == {r["claim_id"] for r in rows if r["person_id"] != "p2"}
    with pytest.raises(yibao.YibaoError) as e:
        yibao.spark.batch(frame(spark, rows, 2).drop("total"), "gansu-2018")
    assert (e.value.code, e.value.path) == ("missing_column", "total")


def test_spark_batch_report_gives_the_rejects_and_loses_nothing(spark):
    rows = claims(persons=6, seed=3)
    p2 = [r["claim_id"] for r in rows if r["person_id"] == "p2"]
    bad = next(i for i, r in enumerate(rows) if r["person_id"] == "p2")
    rows[bad]["total"] = "-1"
    report = yibao.spark.batch_report(frame(spark, rows, 2), ["gansu-2018", REFORM], partitions=3)
    try:
        results = report.results.collect()
        rejects = {r["claim_id"]: r.asDict() for r in report.rejects.collect()}
    finally:
        report.unpersist()
    # The same results as batch(), and every row either there or in the rejects.
    want = {r["claim_id"]: r.asDict() for r in yibao.spark.batch(frame(spark, rows, 2), ["gansu-2018", REFORM]).collect()}
    assert {r["claim_id"]: r.asDict() for r in results} == want
    assert len(results) + len(rejects) == len(rows)
    assert sorted(rejects) == sorted(p2)
    bad_id = rows[bad]["claim_id"]
    assert (rejects[bad_id]["column"], rejects[bad_id]["code"]) == ("total", "invalid_amount")
    assert "负数" in rejects[bad_id]["message"] and "negative" in rejects[bad_id]["message"]
    for claim in p2:
        if claim != bad_id:
            assert (rejects[claim]["column"], rejects[claim]["code"]) == ("person_id", "person_rejected")
            # The row that caused it by its claim_id (a partition's row numbers mean nothing).
            assert f"claim {bad_id}" in rejects[claim]["message"] and bad_id in rejects[claim]["message"].split("（")[0]

    # Every row rejected: no results, every claim in the rejects (a `with` block unpersists).
    for r in rows:
        r["total"] = "-1"
    with yibao.spark.batch_report(frame(spark, rows, 2), "gansu-2018") as report:
        assert report.results.count() == 0
        assert sorted(r["claim_id"] for r in report.rejects.collect()) == sorted(r["claim_id"] for r in rows)
    # A kept column the results have already is refused before anything runs.
    with pytest.raises(yibao.YibaoError) as e:
        yibao.spark.batch_report(frame(spark, rows, 2), "gansu-2018", keep=["date"])
    assert (e.value.code, e.value.path) == ("invalid_value", "keep[0]")


def yibao_bin():
    """The static command line the platform would ship to its workers (YIBAO_BIN, else the
    build of `make test`)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for path in [os.environ.get("YIBAO_BIN"), os.path.join(root, "target", "debug", "yibao")]:
        if path and os.path.exists(path):
            return path
    pytest.skip("no yibao binary built (cargo build --bin yibao)")


def test_spark_sql_transform_with_the_static_binary_equals_yibao_batch(spark):
    # docs/analysts.md's recipe for platforms without Python on the workers: Spark SQL (as Hive)
    # sends each partition's rows, grouped by person and in date order, to `yibao batch
    # --stdin-tsv` as tab-separated text; `seq` (the input order) orders same-date visits.
    rows = claims(persons=25, seed=8)
    for i, r in enumerate(rows):
        r["seq"] = f"{i:08d}"
    cols = COLUMNS + ["seq"]
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType(), True) for c in cols])
    spark.createDataFrame(spark.sparkContext.parallelize([tuple(r[c] for c in cols) for r in rows], 3), schema).createOrReplaceTempView("claims")
    inputs = ", ".join(COLUMNS)
    script = f"{yibao_bin()} batch --stdin-tsv {','.join(COLUMNS)} --policy gansu-2018"
    got = spark.sql(
        f"""SELECT TRANSFORM ({inputs})
              ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
            USING '{script}'
            AS (claim_id STRING, person_id STRING, date STRING, in_scope STRING, basic STRING,
                critical_illness STRING, medical_assistance STRING, reimbursed STRING, out_of_pocket STRING)
              ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
            FROM (SELECT * FROM claims DISTRIBUTE BY person_id SORT BY person_id, date, seq)"""
    ).collect()
    ordered = sorted(rows, key=lambda r: (r["person_id"], r["date"], r["seq"]))
    want = {r["claim_id"]: r for r in yibao.batch(pa.Table.from_pylist([{c: r[c] for c in COLUMNS} for r in ordered]), "gansu-2018").to_pylist()}
    assert len(got) == len(rows)
    for g in got:
        w = want[g["claim_id"]]
        assert (g["person_id"], g["date"]) == (w["person_id"], w["date"])
        for a in ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"]:
            assert g[a] == w[f"gansu-2018.{a}"], (g["claim_id"], a)
