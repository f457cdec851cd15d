import json
import pathlib

import pytest

# The specs' example pack (worked examples of examples.md), beside the repository's checkout.
EXAMPLE_POLICY = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "spec" / "example-policy.json"


@pytest.fixture(scope="session")
def example_policy():
    if not EXAMPLE_POLICY.exists():
        pytest.skip(f"no {EXAMPLE_POLICY}")
    return json.loads(EXAMPLE_POLICY.read_text(encoding="utf-8"))
