from typing import Any, Iterable, Mapping, NamedTuple, Sequence, Union

import pyarrow

from . import spark as spark
from ._yibao import YibaoError as YibaoError

Policy = Union[str, Mapping[str, Any]]

class RejectedRowsWarning(UserWarning): ...

class BatchResult(NamedTuple):
    results: pyarrow.Table
    rejects: pyarrow.Table
    summary: dict[str, Any]

def estimate(case: Mapping[str, Any], policy: Policy | None = None, parameters: bool = False) -> dict[str, Any]:
    """The contract's estimate of ``case`` (amounts as str with two decimals); raises YibaoError."""

def settle(case: Mapping[str, Any], policy: Policy | None = None, parameters: bool = False) -> dict[str, Any]:
    """The fund settlement of ``case`` (settlement.md); raises YibaoError."""

def policies() -> list[dict[str, Any]]:
    """The bundled packs."""

def batch(table: Any, policies: Policy | Sequence[Policy], *, keep: Iterable[str] | None = None) -> pyarrow.Table:
    """``yibao batch`` over an Arrow table (``__arrow_c_stream__``): the results table."""

def batch_report(table: Any, policies: Policy | Sequence[Policy], *, keep: Iterable[str] | None = None) -> BatchResult:
    """``yibao batch`` over an Arrow table: results, rejects and summary."""
