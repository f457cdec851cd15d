from typing import Any, Iterable, Mapping, NamedTuple, Sequence, Union

Policy = Union[str, Mapping[str, Any]]

def batch(df: Any, policies: Policy | Sequence[Policy], *, keep: Iterable[str] | None = None, partitions: int | None = None) -> Any:
    """``yibao batch`` over a Spark DataFrame (mapInArrow): the results DataFrame."""

class SparkBatchReport(NamedTuple):
    """The results and the rejects (claim_id, column, code, message) of one run, kept until unpersist()."""

    results: Any
    rejects: Any
    run: Any
    def unpersist(self) -> None: ...
    def __enter__(self) -> SparkBatchReport: ...
    def __exit__(self, *args: Any) -> None: ...

def batch_report(df: Any, policies: Policy | Sequence[Policy], *, keep: Iterable[str] | None = None, partitions: int | None = None) -> SparkBatchReport:
    """:func:`batch` with the rejected rows, from one run."""
