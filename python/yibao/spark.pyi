from typing import Any, Iterable, Mapping, Sequence, Union

Policy = Union[str, Mapping[str, Any]]

def batch(df: Any, policies: Policy | Sequence[Policy], *, keep: Iterable[str] | None = None, partitions: int | None = None) -> Any:
    """``yibao batch`` over a Spark DataFrame (mapInArrow): the results DataFrame."""
