from typing import Any, Mapping, Sequence

class YibaoError(Exception):
    """The contract's error."""

    code: str
    """e.g. ``"invalid_amount"``, ``"invalid_policy"``, ``"unknown_policy"``."""
    path: str
    """The field (``"visits[0].total"``) or a JSON Pointer into a pack."""
    message: str
    """Chinese, then English in brackets."""

class ArrowStream:
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...

def estimate(case: Mapping[str, Any], policy: str | Mapping[str, Any] | None = None, parameters: bool = False) -> dict[str, Any]: ...
def settle(case: Mapping[str, Any], policy: str | Mapping[str, Any] | None = None, parameters: bool = False) -> dict[str, Any]: ...
def policies() -> list[dict[str, Any]]: ...
def _batch(
    table: Any, policies: str | Mapping[str, Any] | Sequence[str | Mapping[str, Any]], keep: list[str] | None = None
) -> tuple[ArrowStream, ArrowStream, dict[str, Any]]: ...
