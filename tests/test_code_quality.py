"""House style is enforced, not hoped for: ruff and mypy are clean."""

from __future__ import annotations

import ast
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


# Layers: the transport and matching never reach up into the bot (the bot uses
# them). khadum/matching/ joins this list once it no longer imports the bot's
# catalogue (issue 14, the "matching" part).
LOWER_LAYERS = ("whatsapp",)


def imports_of(source: str) -> set[str]:
    """Every module a source imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_imports_of_sees_lazy_and_from_imports() -> None:
    source = ("import khadum.db\n"
              "def f():\n    from khadum import bot\n    from khadum.bot.x import y\n")
    assert {"khadum.db", "khadum.bot", "khadum.bot.x"} <= imports_of(source)


def test_the_transport_never_imports_the_bot() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for layer in LOWER_LAYERS
        for path in sorted((ROOT / "khadum" / layer).rglob("*.py"))
        for name in imports_of(path.read_text())
        if name == "khadum.bot" or name.startswith("khadum.bot.")
    ]
    assert offenders == [], "\n".join(offenders)
