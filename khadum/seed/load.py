"""Load the demo freelancers (and their local sign-ins) idempotently.

Ids are derived from each freelancer's stable key (uuid5), so a second run
finds every row and changes nothing unless the demo data itself changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import bcrypt
import psycopg
from psycopg.types.json import Jsonb

from khadum.seed.freelancers import DEMO_FREELANCERS, DemoFreelancer

DEMO_PASSWORD = "khadum-demo-2025"
# The spec's own freelancer (محمد, marketing ad copywriter, 4.8/5): shown first locally.
SPEC_FREELANCER_EMAIL = "mohammed-alghamdi@demo.khadum.app"
_NAMESPACE = uuid.UUID("7f6a1c1e-5b0e-4c55-9d43-6b6861646d75")


@dataclass
class SeedReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    users_created: int = 0


def freelancer_id(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"freelancer:{key}")


def user_id(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"user:{key}")


def seed(url: str) -> SeedReport:
    report = SeedReport()
    with psycopg.connect(url) as conn, conn.transaction():
        has_identities = _table_exists(conn, "auth", "identities")
        password_hash: str | None = None
        for demo in DEMO_FREELANCERS:
            uid = user_id(demo["key"])
            if not _user_exists(conn, uid):
                password_hash = password_hash or _hash(DEMO_PASSWORD)
                _insert_user(conn, uid, demo, password_hash, has_identities)
                report.users_created += 1
            outcome = _upsert_freelancer(conn, demo, uid)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _hash(password: str) -> str:
    # GoTrue stores bcrypt hashes too, so these sign-ins also work on Supabase Auth.
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()


def _table_exists(conn: psycopg.Connection, schema: str, table: str) -> bool:
    row = conn.execute("select to_regclass(%s)", (f"{schema}.{table}",)).fetchone()
    return row is not None and row[0] is not None


def _user_exists(conn: psycopg.Connection, uid: uuid.UUID) -> bool:
    return conn.execute("select 1 from auth.users where id = %s", (uid,)).fetchone() is not None


def _insert_user(
    conn: psycopg.Connection,
    uid: uuid.UUID,
    demo: DemoFreelancer,
    password_hash: str,
    has_identities: bool,
) -> None:
    conn.execute(
        """
        insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
          email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
        values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated', 'authenticated',
          %s, %s, now(), %s, %s, now(), now())
        """,
        (
            uid,
            demo["email"],
            password_hash,
            Jsonb({"provider": "email", "providers": ["email"]}),
            Jsonb({"display_name": demo["display_name"]}),
        ),
    )
    if has_identities:
        conn.execute(
            """
            insert into auth.identities (id, user_id, provider_id, provider, identity_data,
              last_sign_in_at, created_at, updated_at)
            values (%s, %s, %s, 'email', %s, now(), now(), now())
            """,
            (
                uid,
                uid,
                str(uid),
                Jsonb({"sub": str(uid), "email": demo["email"], "email_verified": True}),
            ),
        )


_FIELDS = (
    "email",
    "display_name",
    "display_name_en",
    "headline",
    "headline_en",
    "bio",
    "bio_en",
    "categories",
    "skills",
    "languages",
    "city",
    "min_budget_sar",
    "rating",
    "rating_count",
    "completed_projects",
    "availability",
)


def _upsert_freelancer(conn: psycopg.Connection, demo: DemoFreelancer, uid: uuid.UUID) -> str:
    fid = freelancer_id(demo["key"])
    values = [demo[f] for f in _FIELDS]  # type: ignore[literal-required]
    columns = ", ".join(_FIELDS)
    placeholders = ", ".join(["%s"] * len(_FIELDS))
    assignments = ", ".join(f"{f} = excluded.{f}" for f in _FIELDS)
    compare_old = ", ".join(f"freelancers.{f}" for f in _FIELDS)
    compare_new = ", ".join(f"excluded.{f}" for f in _FIELDS)
    row = conn.execute(
        f"""
        insert into public.freelancers (id, user_id, {columns})
        values (%s, %s, {placeholders})
        on conflict (id) do update set {assignments}
        where ({compare_old}) is distinct from ({compare_new})
        returning (xmax = 0) as inserted
        """,
        (fid, uid, *values),
    ).fetchone()
    if row is None:
        return "unchanged"
    return "inserted" if row[0] else "updated"
