"""Shared fixtures of the runtime tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.support import Processes


@pytest.fixture
def procs(clean_db: str, tmp_path: Path) -> Iterator[Processes]:
    """Subprocesses (worker, webhook, recorder) that none outlives the test; stopped
    before clean_db empties the tables."""
    processes = Processes(tmp_path, clean_db)
    try:
        yield processes
    finally:
        processes.close()
