"""``yibao batch`` on Spark (PySpark ≥ 3.4): the same engine on the executors, over Arrow batches.

:func:`batch` repartitions the claims by ``person_id`` (a person's rows in one partition), sorts
each partition by person, date and input order, and runs :func:`yibao.batch_report` on each
partition's rows through ``mapInArrow``: the results are those of ``yibao batch`` on the same rows,
whatever the number of partitions in or out. The executors need the ``yibao`` wheel and pyarrow
(and pandas, which PySpark's Arrow functions import).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Sequence, Union

from . import _error, batch_report

__all__ = ["batch"]

AMOUNTS = ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"]
ORDER = "__yibao_order"

Policy = Union[str, Mapping[str, Any]]


def _pack_id(p: Policy, i: int) -> str:
    if isinstance(p, str):
        return p
    if isinstance(p, Mapping) and isinstance(p.get("id"), str):
        return p["id"]
    raise _error("invalid_type", f"policies[{i}]", "政策包应为内置政策包的 id（文字）或带 id 的政策包（字典）", "a policy must be a bundled pack's id (str) or a pack with an id (dict)")


def batch(df: Any, policies: Union[Policy, Sequence[Policy]], *, keep: Iterable[str] | None = None, partitions: int | None = None) -> Any:
    """``yibao batch`` over a Spark DataFrame of claims (batch.md's columns, ``claim_id`` required:
    Spark has no row numbers to stand in for it). Returns a DataFrame of the results columns
    (``claim_id``, ``person_id``, ``date``, the ``keep`` columns, ``P.in_scope`` … per pack ``P``,
    all strings). Rejected rows are left out of it (as from the command line's results; run
    :func:`yibao.batch_report` on a person's rows to see why). ``partitions``: how many partitions
    to estimate in (default: Spark's ``spark.sql.shuffle.partitions``); each is held in memory on
    its executor while it is estimated.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    packs = [policies] if isinstance(policies, (str, Mapping)) else list(policies)
    ids = [_pack_id(p, i) for i, p in enumerate(packs)]
    keep = list(keep or [])
    for col in ["claim_id", "person_id", "category", "kind", "level", "date", "total", *keep]:
        if col not in df.columns:
            raise _error("missing_column", col, f"理赔表缺少“{col}”列", f'the claims table has no column "{col}"')
    names = ["claim_id", "person_id", "date", *keep] + [f"{i}.{a}" for i in ids for a in AMOUNTS]
    schema = StructType([StructField(n, StringType(), True) for n in names])

    # The input's order (increasing over its partitions, in order) breaks ties between a
    # person's same-date visits, as the file order does for the command line.
    ordered = df.withColumn(ORDER, F.monotonically_increasing_id())
    by_person = ordered.repartition(partitions, "person_id") if partitions else ordered.repartition("person_id")
    by_person = by_person.sortWithinPartitions("person_id", "date", ORDER)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        got = [b for b in batches if b.num_rows]
        if not got:
            return
        table = pa.Table.from_batches(got)
        yield from batch_report(table, packs, keep=keep).results.to_batches()

    return by_person.mapInArrow(run, schema)
