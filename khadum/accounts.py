"""Freelancer accounts, created the way Supabase wants them: through the Auth
Admin API with supabase-py (`create_client(SUPABASE_URL, secret key)
.auth.admin.create_user(...)`), never by writing `auth.users` ourselves.

In production the client talks to the project's Supabase Auth. Locally it talks
to the Auth stand-in (khadum/devstack/gotrue.py), served in-process on the
given database through an httpx ASGI transport, so no server has to run.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import psycopg
from supabase_auth.errors import AuthApiError

from khadum.db import one_row
from khadum.settings import Settings
from supabase import AsyncClient, AsyncClientOptions, acreate_client

T = TypeVar("T")


class AccountError(RuntimeError):
    """An account could not be created or linked; the message says why."""


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(make()))
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


@asynccontextmanager
async def admin_client(settings: Settings, database_url: str) -> AsyncIterator[AsyncClient]:
    """supabase-py's client holding the secret key: Supabase Auth in production,
    the local stand-in (in-process, on `database_url`) otherwise."""
    key = settings.admin_api_key
    if not key:
        raise AccountError("set SUPABASE_SECRET_KEY (or the legacy SUPABASE_SERVICE_ROLE_KEY)")
    if settings.is_production:
        yield await acreate_client(settings.supabase_url, key)
        return
    from fastapi import FastAPI

    from khadum.db import Database
    from khadum.devstack import gotrue

    db = Database(database_url, max_size=2)
    app = FastAPI()
    app.include_router(gotrue.router(db, settings))
    await db.open()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url=settings.supabase_url, timeout=30) as http:
            options = AsyncClientOptions(httpx_client=http, auto_refresh_token=False,
                                         persist_session=False)
            yield await acreate_client(settings.supabase_url, key, options)
    finally:
        await db.close()


def _existing_user_id(conn: psycopg.Connection, email: str) -> uuid.UUID | None:
    row = conn.execute("select id from auth.users where lower(email) = lower(%s) "
                       "and deleted_at is null", (email,)).fetchone()
    return row[0] if row else None


@dataclass
class Invited:
    user_id: uuid.UUID
    freelancer_id: uuid.UUID
    user_created: bool
    freelancer_created: bool
    linked: bool
    invite_sent: bool
    password_set: bool


async def ensure_auth_user(
    client: AsyncClient, email: str, *, name: str, password: str | None = None,
    password_hash: str | None = None, user_id: uuid.UUID | None = None,
    send_invite: bool = False,
) -> uuid.UUID:
    """Create the Auth user (email confirmed, display name in user metadata)."""
    metadata = {"display_name": name}
    try:
        if send_invite:
            response = await client.auth.admin.invite_user_by_email(
                email, {"data": metadata})
        else:
            attributes: dict[str, Any] = {"email": email, "email_confirm": True,
                                          "user_metadata": metadata}
            if password is not None:
                attributes["password"] = password
            if password_hash is not None:
                attributes["password_hash"] = password_hash
            if user_id is not None:
                attributes["id"] = str(user_id)
            response = await client.auth.admin.create_user(attributes)  # type: ignore[arg-type]
    except AuthApiError as exc:
        raise AccountError(f"Supabase Auth refused {email}: {exc.message}") from exc
    return uuid.UUID(response.user.id)


def invite_freelancer(
    settings: Settings, database_url: str, email: str, name: str, *,
    password: str | None = None, send_invite: bool = False, headline: str = "",
    say: Callable[[str], None] = lambda _: None,
) -> Invited:
    """Create (or find) the Auth user and the freelancer row, and link them. Idempotent."""
    email = email.strip().lower()
    with psycopg.connect(database_url) as conn:
        uid = _existing_user_id(conn, email)
    user_created = password_set = invite_sent = False

    async def work() -> uuid.UUID:
        nonlocal user_created, password_set, invite_sent
        async with admin_client(settings, database_url) as client:
            if uid is not None:
                say(f"{email} already has an Auth user ({uid}): keeping it")
                if password is not None:
                    await client.auth.admin.update_user_by_id(str(uid), {"password": password})
                    password_set = True
                    say("its password is set to the one given")
                return uid
            where = "Supabase Auth" if settings.is_production else "the local Auth stand-in"
            say(f"creating the Auth user {email} through the Admin API ({where})")
            new = await ensure_auth_user(client, email, name=name, password=password,
                                         send_invite=send_invite)
            user_created, password_set, invite_sent = True, password is not None, send_invite
            return new

    user_id = run_sync(work)
    with psycopg.connect(database_url) as conn, conn.transaction():
        row = conn.execute(
            "select id, user_id from public.freelancers where user_id = %s "
            "or (user_id is null and lower(email) = %s) order by user_id is null limit 1",
            (user_id, email),
        ).fetchone()
        if row is None:
            say(f"adding the freelancer {name}")
            created = conn.execute(
                "insert into public.freelancers (user_id, email, display_name, headline) "
                "values (%s, %s, %s, %s) returning id", (user_id, email, name, headline),
            ).fetchone()
            return Invited(user_id, one_row(created, "adding a freelancer")[0], user_created,
                           True, True, invite_sent, password_set)
        freelancer_id, linked_to = row
        if linked_to == user_id:
            say(f"the freelancer {freelancer_id} is already linked to this user")
            return Invited(user_id, freelancer_id, user_created, False, False, invite_sent,
                           password_set)
        say(f"linking the existing freelancer {freelancer_id} to the Auth user")
        conn.execute("update public.freelancers set user_id = %s, updated_at = now() "
                     "where id = %s", (user_id, freelancer_id))
        return Invited(user_id, freelancer_id, user_created, False, True, invite_sent,
                       password_set)


STAFF_ROLE = "staff"


@dataclass
class StaffChange:
    user_id: uuid.UUID
    staff: bool  # what the user is now
    changed: bool  # False: it already was


def set_staff(
    settings: Settings, database_url: str, email: str, *, staff: bool,
    say: Callable[[str], None] = lambda _: None,
) -> StaffChange:
    """Make an existing Auth user staff (`app_metadata.khadum_role = "staff"`) or
    not, through the Auth Admin API with the secret key. Idempotent."""
    email = email.strip().lower()
    with psycopg.connect(database_url) as conn:
        uid = _existing_user_id(conn, email)
    if uid is None:
        raise AccountError(f"no Auth user has the email {email}: invite them first "
                           "(`khadum freelancer invite`, or Supabase's dashboard)")

    async def work() -> bool:
        async with admin_client(settings, database_url) as client:
            try:
                current = await client.auth.admin.get_user_by_id(str(uid))
                role = (current.user.app_metadata or {}).get("khadum_role")
                if (role == STAFF_ROLE) == staff:
                    say(f"{email} ({uid}) is already {'' if staff else 'not '}staff: "
                        "nothing to change")
                    return False
                # GoTrue merges app_metadata; a null value removes the key.
                await client.auth.admin.update_user_by_id(
                    str(uid), {"app_metadata": {"khadum_role": STAFF_ROLE if staff else None}})
            except AuthApiError as exc:
                raise AccountError(f"Supabase Auth refused {email}: {exc.message}") from exc
            say(f"{email} ({uid}) is {'now' if staff else 'no longer'} staff "
                "(app_metadata.khadum_role); it takes effect at their next sign-in or "
                "token refresh")
            return True

    return StaffChange(uid, staff, run_sync(work))
