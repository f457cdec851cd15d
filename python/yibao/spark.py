"""``yibao batch`` on Spark (PySpark ≥ 3.4): the same engine on the executors, over Arrow batches.

:func:`batch` repartitions the claims by ``person_id`` (a person's rows in one partition), sorts
each partition by person, date and input order, and runs :func:`yibao.batch_report` on each
partition's rows through ``mapInArrow``: the results are those of ``yibao batch`` on the same rows,
whatever the number of partitions in or out. :func:`batch_report` gives the rejected rows too,
with why. The executors need the ``yibao`` wheel and pyarrow (and pandas, which PySpark's Arrow
functions import).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence, Union

from . import _error, batch_report as _batch_report

__all__ = ["batch", "batch_report", "SparkBatchReport"]

AMOUNTS = ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"]
ORDER = "__yibao_order"
# batch_report's one run gives results and rejects as rows of one DataFrame: a reject is a row
# whose code is set (its claim_id, the column at fault, the code and the message).
REJECT = ["__yibao_column", "__yibao_code", "__yibao_message"]

Policy = Union[str, Mapping[str, Any]]


def _pack_id(p: Policy, i: int) -> str:
    if isinstance(p, str):
        return p
    if isinstance(p, Mapping) and isinstance(p.get("id"), str):
        return p["id"]
    raise _error("invalid_type", f"policies[{i}]", "政策包应为内置政策包的 id（文字）或带 id 的政策包（字典）", "a policy must be a bundled pack's id (str) or a pack with an id (dict)")


class _Plan(NamedTuple):
    packs: list
    keep: list
    names: list  # the results' columns
    rows: Any  # the claims by person, in order, ready for mapInArrow


def _plan(df: Any, policies: Union[Policy, Sequence[Policy]], keep: Iterable[str] | None, partitions: int | None) -> _Plan:
    """The packs, the results' columns, and the claims repartitioned by person and sorted."""
    from pyspark.sql import functions as F

    packs = [policies] if isinstance(policies, (str, Mapping)) else list(policies)
    ids = [_pack_id(p, i) for i, p in enumerate(packs)]
    keep = list(keep or [])
    for i, k in enumerate(keep):
        if k in ("claim_id", "person_id", "date") or k.startswith("__yibao") or k in keep[:i]:
            raise _error("invalid_value", f"keep[{i}]", f"“{k}”不能作为保留列（结果已有此列，或重复）", f'"{k}" cannot be a kept column (the results have it already, or it is given twice)')
    for col in ["claim_id", "person_id", "category", "kind", "level", "date", "total", *keep]:
        if col not in df.columns:
            raise _error("missing_column", col, f"理赔表缺少“{col}”列", f'the claims table has no column "{col}"')
    names = ["claim_id", "person_id", "date", *keep] + [f"{i}.{a}" for i in ids for a in AMOUNTS]
    # The input's order (increasing over its partitions, in order) breaks ties between a
    # person's same-date visits, as the file order does for the command line.
    ordered = df.withColumn(ORDER, F.monotonically_increasing_id())
    by_person = ordered.repartition(partitions, "person_id") if partitions else ordered.repartition("person_id")
    return _Plan(packs, keep, names, by_person.sortWithinPartitions("person_id", "date", ORDER))


def _col(name: str) -> Any:
    """A column by its name as it is (results' names have dots: ``gansu-2018.basic``)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _person_rejected(claim: Any) -> str:
    return f"该参保人的就诊记录 {claim} 被拒绝，其全部就诊记录一并拒绝（all rows of this person are rejected with claim {claim}）"


def _text_schema(names: Sequence[str]) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([StructField(n, StringType(), True) for n in names])


def batch(df: Any, policies: Union[Policy, Sequence[Policy]], *, keep: Iterable[str] | None = None, partitions: int | None = None) -> Any:
    """``yibao batch`` over a Spark DataFrame of claims (batch.md's columns, ``claim_id`` required:
    Spark has no row numbers to stand in for it). Returns a DataFrame of the results columns
    (``claim_id``, ``person_id``, ``date``, the ``keep`` columns, ``P.in_scope`` … per pack ``P``,
    all strings). Rejected rows are left out of it (as from the command line's results);
    :func:`batch_report` gives them, with why. ``partitions``: how many partitions to estimate in
    (default: Spark's ``spark.sql.shuffle.partitions``); each is held in memory on its executor
    while it is estimated.
    """
    plan = _plan(df, policies, keep, partitions)
    packs, keep_ = plan.packs, plan.keep

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        got = [b for b in batches if b.num_rows]
        if not got:
            return
        yield from _batch_report(pa.Table.from_batches(got), packs, keep=keep_).results.to_batches()

    return plan.rows.mapInArrow(run, _text_schema(plan.names))


class SparkBatchReport(NamedTuple):
    """What :func:`batch_report` gives: two DataFrames from one run, kept (``persist``) so that
    using both does not estimate twice; :meth:`unpersist` (or leaving a ``with`` block) lets it
    go — using them after that runs the estimate again."""

    results: Any  # pyspark.sql.DataFrame: as batch() gives
    rejects: Any  # pyspark.sql.DataFrame: claim_id, column, code, message
    run: Any  # the DataFrame both are taken from

    def unpersist(self) -> None:
        self.run.unpersist()

    def __enter__(self) -> "SparkBatchReport":
        return self

    def __exit__(self, *_: Any) -> None:
        self.unpersist()


def batch_report(df: Any, policies: Union[Policy, Sequence[Policy]], *, keep: Iterable[str] | None = None, partitions: int | None = None) -> SparkBatchReport:
    """:func:`batch`, with the rejected rows: ``rejects`` has a row for every claim no estimate
    was made for — ``claim_id``, ``column`` (the column at fault, or ``person_id`` for the other
    rows of a rejected person), ``code`` and ``message`` (Chinese, then English), as the command
    line's rejects file has them, but naming rows by ``claim_id`` (Spark's rows have no numbers:
    every row needs its ``claim_id``). Nothing is lost: the claims' count is the results' plus
    the rejects'.
    """
    from pyspark import StorageLevel

    plan = _plan(df, policies, keep, partitions)
    packs, keep_, names = plan.packs, plan.keep, plan.names
    columns = names + REJECT

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        got = [b for b in batches if b.num_rows]
        if not got:
            return
        table = pa.Table.from_batches(got)
        out = _batch_report(table, packs, keep=keep_)
        schema = pa.schema([pa.field(n, pa.string(), True) for n in columns])
        results, rejects = out.results, out.rejects
        nulls = lambda n: pa.nulls(n, pa.string())  # noqa: E731
        # The results' columns by place (a kept column may share a name with nothing else, but
        # places are what the schema above follows), then the three reject columns empty.
        yield from pa.table(results.columns + [nulls(results.num_rows)] * len(REJECT), schema=schema).to_batches()
        # A rejected person's other rows name the row that caused it by its place in this
        # partition, which means nothing outside it: they name its claim_id instead (the
        # cause is the person's first row rejected for a fault of its own, as the engine finds it).
        rows, claims, codes = (rejects.column(c).to_pylist() for c in ("row", "claim_id", "code"))
        person = table.column("person_id")
        cause: dict = {}
        for row, claim, code in zip(rows, claims, codes):
            if code != "person_rejected":
                cause.setdefault(person[row - 1].as_py(), claim)
        messages = [_person_rejected(cause.get(person[row - 1].as_py())) if code == "person_rejected" else m for row, code, m in zip(rows, codes, rejects.column("message").to_pylist())]
        cells = [rejects.column("claim_id")] + [nulls(rejects.num_rows)] * (len(names) - 1)
        cells += [rejects.column("column"), rejects.column("code"), pa.array(messages, pa.string())]
        yield from pa.table(cells, schema=schema).to_batches()

    both = plan.rows.mapInArrow(run, _text_schema(columns)).persist(StorageLevel.MEMORY_AND_DISK)
    code = _col(REJECT[1])
    results = both.where(code.isNull()).select(*[_col(n) for n in names])
    rejects = both.where(code.isNotNull()).select(_col("claim_id"), _col(REJECT[0]).alias("column"), code.alias("code"), _col(REJECT[2]).alias("message"))
    return SparkBatchReport(results, rejects, both)
