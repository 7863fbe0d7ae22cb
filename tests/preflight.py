"""Checks made before any test runs, so a machine that lacks a part fails in
seconds with the line that installs it, instead of erroring test by test.

Also gives each checkout its own temporary folder for pytest (two checkouts on
one machine would otherwise share /tmp/pytest-of-<user>)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
INSTALL_CHROMIUM = "apt-get update && apt-get install -y chromium"


def pytest_configure(config: pytest.Config) -> None:
    if config.option.basetemp is None:
        config.option.basetemp = str(ROOT / ".khadum" / "pytest-tmp")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs_browser = any(item.get_closest_marker("browser") for item in items)
    if needs_browser and not os.access(CHROMIUM, os.X_OK):
        pytest.exit(
            f"Chromium is missing ({CHROMIUM}); the browser tests need it. "
            f"Install it with: {INSTALL_CHROMIUM}",
            returncode=4,
        )
