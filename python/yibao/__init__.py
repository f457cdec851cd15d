"""医保报销测算 (Yibao) from Python.

The engine of the ``yibao`` command line, as functions over Python values:

- :func:`estimate` — one case (基本医保, 大病保险, 医疗救助), the contract's JSON as a dict;
- :func:`settle` — a year's fund settlement of a 医共体 or pilot (settlement.md);
- :func:`batch` — ``yibao batch`` over an Arrow table (pyarrow, Polars, DuckDB, pandas through
  pyarrow), one or more packs side by side, returning a ``pyarrow.Table``;
- :func:`policies` — the bundled packs.

Amounts leave as ``str`` with two decimals (``"19875.00"``), as in the contract; other numbers
that are not whole leave as :class:`decimal.Decimal`. Errors raise :class:`YibaoError`, carrying
the contract's ``code``, ``path`` and ``message`` (Chinese, then English in brackets).
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable, Mapping, NamedTuple, Sequence, Union

from ._yibao import YibaoError, estimate, policies, settle
from ._yibao import _batch

__all__ = ["YibaoError", "RejectedRowsWarning", "BatchResult", "estimate", "settle", "batch", "batch_report", "policies"]

Policy = Union[str, Mapping[str, Any]]


def __getattr__(name: str) -> Any:
    # yibao.spark without importing it first (it imports PySpark only when called).
    if name == "spark":
        import importlib

        return importlib.import_module(".spark", __name__)
    raise AttributeError(f"module 'yibao' has no attribute {name!r}")


def _error(code: str, path: str, zh: str, en: str) -> YibaoError:
    """A contract error raised from Python, with the attributes the engine's errors carry."""
    e = YibaoError(f"[{code}] {path}: {zh} ({en})" if path else f"[{code}] {zh} ({en})")
    e.code, e.path, e.message = code, path, f"{zh} ({en})"
    return e


class RejectedRowsWarning(UserWarning):
    """Some claims rows were rejected by :func:`batch` (see :func:`batch_report` for all of them)."""


class BatchResult(NamedTuple):
    """What :func:`batch_report` gives: the results, the rejected rows, and the summary."""

    results: Any  # pyarrow.Table
    rejects: Any  # pyarrow.Table: row, claim_id, column, code, message
    summary: dict


def _arrow_stream(table: Any) -> Any:
    """Anything with ``__arrow_c_stream__`` as it is; a pandas DataFrame through pyarrow."""
    if hasattr(table, "__arrow_c_stream__"):
        return table
    try:
        import pandas as pd  # noqa: F401  (only to recognise a DataFrame)
    except ImportError:
        return table
    if isinstance(table, pd.DataFrame):
        import pyarrow as pa

        return pa.Table.from_pandas(table, preserve_index=False)
    return table


def batch_report(table: Any, policies: Union[Policy, Sequence[Policy]], *, keep: Iterable[str] | None = None) -> BatchResult:
    """``yibao batch`` over an Arrow table, with its rejects and summary.

    ``table`` has batch.md's claims columns (``person_id``, ``category``, ``kind``, ``level``,
    ``date``, ``total``, …; text, numbers, decimals or dates). ``policies`` are bundled pack ids
    or packs (dicts), the first the baseline; ``keep`` names columns carried to the results.
    Each person's rows are one case, in input order: the results equal :func:`estimate` of those
    rows to the fen. Raises :class:`YibaoError` when the run cannot start (a bad pack, a missing
    column).
    """
    import pyarrow as pa

    results, rejects, summary = _batch(_arrow_stream(table), policies, None if keep is None else list(keep))
    return BatchResult(pa.table(results), pa.table(rejects), summary)


def batch(table: Any, policies: Union[Policy, Sequence[Policy]], *, keep: Iterable[str] | None = None) -> Any:
    """``yibao batch`` over an Arrow table: a ``pyarrow.Table`` of results.

    Per estimated row, in input order: ``claim_id`` (or the 1-based row number), ``person_id``,
    ``date``, the ``keep`` columns, and per pack ``P``: ``P.in_scope``, ``P.basic``,
    ``P.critical_illness``, ``P.medical_assistance``, ``P.reimbursed``, ``P.out_of_pocket`` (text
    with two decimals). Rejected rows are left out, as in the command line's results, and a
    :class:`RejectedRowsWarning` names the first of them; :func:`batch_report` gives them all.
    """
    out = batch_report(table, policies, keep=keep)
    rejected = out.summary.get("rows_rejected", 0)
    if rejected:
        first = out.rejects.slice(0, 5).to_pylist()
        lines = "\n".join(f"  第 {r['row']} 行 (row {r['row']}) {r['column']} [{r['code']}] {r['message']}" for r in first)
        warnings.warn(
            f"{rejected} 行被拒绝 (rows rejected); 用 yibao.batch_report 列出全部 (list them all with yibao.batch_report):\n{lines}",
            RejectedRowsWarning,
            stacklevel=2,
        )
    return out.results
