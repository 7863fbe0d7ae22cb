"""The caller as FastAPI dependencies (khadum.http): `CallerCursor` runs a route in
one transaction as the signed-in caller — committed before the answer, rolled
back when the route fails, SQL refusals turned into 4xx — and `ServiceCaller`
admits only the secret key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
from fastapi import APIRouter

from khadum.db import Database
from khadum.errors import Invalid
from khadum.http import CallerCursor, Claims, ServiceCaller, function_app
from khadum.settings import Settings
from tests.factories import MOHAMMED, make_request
from tests.http import bearer


def probe_router(db: Database, settings: Settings) -> APIRouter:
    api = APIRouter(prefix="/functions/v1/probe")

    @api.post("/read-all")
    async def read_all(cur: CallerCursor, fail: bool = False) -> dict[str, Any]:
        await cur.execute("update public.notifications set is_read = true returning id")
        updated = len(await cur.fetchall())
        if fail:
            raise Invalid("the route failed after writing", code="probe_failed")
        return {"updated": updated}

    @api.get("/whoami")
    async def whoami(cur: CallerCursor, claims: Claims) -> dict[str, Any]:
        await cur.execute("select current_user as role, auth.uid()::text as uid")
        return {**(await cur.fetchone() or {}), "sub": claims["sub"]}

    @api.get("/staff")
    async def staff(cur: CallerCursor) -> dict[str, Any]:
        await cur.execute("select public.require_staff()")
        return {"staff": True}

    @api.post("/service")
    async def service(_: ServiceCaller) -> dict[str, bool]:
        return {"ok": True}

    return api


@asynccontextmanager
async def probe(url: str) -> AsyncIterator[httpx.AsyncClient]:
    db = Database(url, max_size=2)
    await db.open()
    try:
        app = function_app("probe", db=db, settings=Settings(database_url=url),
                           router=probe_router)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://fn") as client:
            yield client
    finally:
        await db.close()


def unread(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("select count(*) from notifications where not is_read").fetchone()
    return int(row[0]) if row else -1


async def test_the_cursor_is_the_callers_and_commits_before_the_answer(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        make_request(conn)
        make_request(conn, phone="+966500000077")
    async with probe(clean_db) as client:
        me = (await client.get("/functions/v1/probe/whoami", headers=bearer(MOHAMMED))).json()
        assert me["role"] == "authenticated" and me["uid"] == me["sub"]
        failed = await client.post("/functions/v1/probe/read-all", params={"fail": True},
                                   headers=bearer(MOHAMMED))
        assert failed.status_code == 422 and failed.json()["error"]["code"] == "probe_failed"
        assert unread(clean_db) == 2  # the route's write was rolled back
        done = await client.post("/functions/v1/probe/read-all", headers=bearer(MOHAMMED))
        assert done.json() == {"updated": 2}
        assert unread(clean_db) == 0  # committed by the time the answer arrived


async def test_refusals_and_missing_callers_are_4xx(clean_db: str) -> None:
    async with probe(clean_db) as client:
        refused = await client.get("/functions/v1/probe/staff", headers=bearer(MOHAMMED))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "staff_only"
        anonymous = await client.get("/functions/v1/probe/whoami")
        assert anonymous.status_code == 401
        as_user = await client.post("/functions/v1/probe/service", headers=bearer(MOHAMMED))
        assert as_user.status_code == 401
        secret = Settings(database_url=clean_db).admin_api_key
        as_server = await client.post("/functions/v1/probe/service",
                                      headers={"Authorization": f"Bearer {secret}"})
        assert as_server.json() == {"ok": True}
