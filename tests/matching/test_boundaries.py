"""Matching ranks; the bot words. No module of khadum.matching imports the bot (or any
other user-facing text), so the ranking can serve any caller (issues 10 and 14)."""

from __future__ import annotations

import ast
from pathlib import Path

import khadum.matching

FORBIDDEN = ("khadum.bot", "khadum.whatsapp", "khadum.email")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_matching_does_not_import_the_bot() -> None:
    package = Path(khadum.matching.__file__).parent
    files = sorted(package.glob("*.py"))
    assert len(files) >= 3
    offending = {
        f"{path.name}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.startswith(FORBIDDEN)
    }
    assert not offending, offending
