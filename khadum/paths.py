"""Where the project's non-Python files live (SQL, web build)."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
# In a checkout, the repository's supabase/ (what the Supabase CLI applies); in an
# installed wheel, the copy it ships as khadum/sql/ (setup.py).
_CHECKOUT_SQL = PROJECT_DIR / "supabase"
SUPABASE_DIR = _CHECKOUT_SQL if (_CHECKOUT_SQL / "migrations").is_dir() else PACKAGE_DIR / "sql"
MIGRATIONS_DIR = SUPABASE_DIR / "migrations"
POLICIES_DIR = SUPABASE_DIR / "policies"
WEB_DIST_DIR = PROJECT_DIR / "web" / "dist"
