"""Where the project's non-Python files live (SQL, web build)."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SUPABASE_DIR = PROJECT_DIR / "supabase"
MIGRATIONS_DIR = SUPABASE_DIR / "migrations"
POLICIES_DIR = SUPABASE_DIR / "policies"
WEB_DIST_DIR = PROJECT_DIR / "web" / "dist"
