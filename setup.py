"""Ships the SQL inside the package: the wheel carries supabase/migrations and
supabase/policies as khadum/sql/, so `khadum db migrate` works from an installed
package (pyproject.toml holds everything else)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithSql(build_py):
    def run(self) -> None:
        super().run()
        for part in ("migrations", "policies"):
            source = ROOT / "supabase" / part
            if not source.is_dir():
                continue
            target = Path(self.build_lib) / "khadum" / "sql" / part
            target.mkdir(parents=True, exist_ok=True)
            for path in sorted(source.glob("*.sql")):
                shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": BuildPyWithSql})
