"""Load the demo freelancers (and their sign-ins) idempotently.

Ids are derived from each freelancer's stable key (uuid5), so a second run
finds every row and changes nothing unless the demo data itself changed.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import bcrypt
import psycopg

from khadum.accounts import AccountError, admin_client, ensure_auth_user, run_sync
from khadum.seed.freelancers import DEMO_FREELANCERS, DemoFreelancer
from khadum.settings import Settings, get_settings

log = logging.getLogger("khadum.seed")

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


def seed(url: str, settings: Settings | None = None) -> SeedReport:
    """Demo Auth users through the Admin API (supabase-py: the local stand-in
    in-process, or Supabase Auth in production), then the freelancer rows."""
    settings = settings or get_settings()
    report = SeedReport()
    with psycopg.connect(url) as conn:
        existing = {row[0] for row in conn.execute(
            "select id from auth.users where id = any(%s)",
            ([user_id(d.key) for d in DEMO_FREELANCERS],),
        )}
        if not settings.is_production:
            _repair_local_users(conn, existing)
    missing = [d for d in DEMO_FREELANCERS if user_id(d.key) not in existing]
    if missing:
        report.users_created = run_sync(lambda: _create_users(settings, url, missing))
    with psycopg.connect(url) as conn, conn.transaction():
        ids: dict[str, uuid.UUID] = dict(conn.execute(
            "select lower(email), id from auth.users where lower(email) = any(%s)",
            ([d.email.lower() for d in DEMO_FREELANCERS],),
        ).fetchall())
        for demo in DEMO_FREELANCERS:
            uid = ids.get(demo.email.lower(), user_id(demo.key))
            outcome = _upsert_freelancer(conn, demo, uid)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


async def _create_users(settings: Settings, url: str, demos: list[DemoFreelancer]) -> int:
    # One bcrypt hash (GoTrue's format) for every demo sign-in: 71 hashes would take seconds.
    password_hash = _hash(DEMO_PASSWORD)
    created = 0
    async with admin_client(settings, url) as client:
        for demo in demos:
            try:
                await ensure_auth_user(client, demo.email, name=demo.display_name,
                                       password_hash=password_hash, user_id=user_id(demo.key))
                created += 1
            except AccountError as exc:  # e.g. the email already signs in with another id
                log.warning("%s", exc)
    return created


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()


def _repair_local_users(conn: psycopg.Connection, ids: set[uuid.UUID]) -> None:
    """Demo users written directly by older seeds: GoTrue's token columns '' (not
    NULL) and an email identity, as the Admin API writes them."""
    if not ids:
        return
    conn.execute(
        """
        update auth.users set confirmation_token = coalesce(confirmation_token, ''),
          recovery_token = coalesce(recovery_token, ''),
          email_change_token_new = coalesce(email_change_token_new, ''),
          email_change = coalesce(email_change, '')
        where id = any(%s) and (confirmation_token is null or recovery_token is null
          or email_change_token_new is null or email_change is null)
        """,
        (list(ids),),
    )
    conn.execute(
        """
        insert into auth.identities (provider_id, user_id, identity_data, provider,
          last_sign_in_at, created_at, updated_at)
        select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email,
          'email_verified', true, 'phone_verified', false), 'email', now(), now(), now()
        from auth.users u
        where u.id = any(%s)
          and not exists (select 1 from auth.identities i where i.user_id = u.id)
        """,
        (list(ids),),
    )
    conn.commit()


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
    fid = freelancer_id(demo.key)
    # Arrays go to PostgreSQL as lists (psycopg adapts lists, not tuples).
    values = [list(v) if isinstance(v, tuple) else v
              for v in (getattr(demo, f) for f in _FIELDS)]
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
