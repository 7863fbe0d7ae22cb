"""House style is enforced, not hoped for: ruff and mypy are clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_ruff_is_clean() -> None:
    out = subprocess.run([str(BIN / "ruff"), "check", "khadum", "functions", "tests", "bench"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean() -> None:
    out = subprocess.run([str(BIN / "mypy"), "khadum", "functions"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_readme_map_lists_every_package_and_function() -> None:
    """README "How the pieces fit": every khadum package, every top-level module
    and every deployable function is named, and nothing named is missing."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the pieces fit", 1)[1].split("```", 2)[1]
    packages = sorted(p.parent.name for p in (ROOT / "khadum").glob("*/__init__.py"))
    modules = sorted(p.name for p in (ROOT / "khadum").glob("*.py") if p.name != "__init__.py")
    functions = sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))
    missing = [f"{name}/" for name in packages if f"  {name}/" not in section]
    missing += [name for name in modules if name not in section]
    missing += [name for name in functions if name not in section]
    assert not missing, f"the README's map does not name: {', '.join(missing)}"
    named = {line.split()[0].rstrip("/") for line in section.splitlines()
             if line.startswith("  ") and not line.startswith("   ")}
    for entry in named:
        for part in entry.replace(",", " ").split():
            stem = part.rstrip("/")
            assert (ROOT / "khadum" / stem).exists(), f"the README's map names khadum/{stem}"
