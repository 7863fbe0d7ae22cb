"""The local server through real HTTP (ASGI): health, the start page, the expiry job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import psycopg

from khadum.db import Database
from khadum.devstack.app import create_app, run_expiry_once
from khadum.seed.load import DEMO_PASSWORD
from tests.factories import make_request


async def test_health_and_start_page(database_url: str) -> None:
    app = create_app(database_url, run_expiry=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            health = await client.get("/healthz")
            assert health.json() == {"status": "ok"}
            page = await client.get("/dev")
            assert page.status_code == 200
            html = page.text
            assert 'dir="rtl"' in html and "خدوم" in html
            assert DEMO_PASSWORD in html
            assert "mohammed-alghamdi@demo.khadum.app" in html
            assert html.count('class="signin"') == 12
            everyone = await client.get("/dev?all=1")
            assert everyone.text.count('class="signin"') >= 64


async def test_the_dev_expiry_job_expires_overdue_requests(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn, expires_in=timedelta(seconds=-1))
    db = Database(clean_db, max_size=2)
    await db.open()
    try:
        assert await run_expiry_once(db) == 1
        assert await run_expiry_once(db) == 0
    finally:
        await db.close()
    with psycopg.connect(clean_db) as conn:
        row = conn.execute(
            "select status from client_requests where id = %s", (request_id,)
        ).fetchone()
    assert row == ("expired",)


async def test_the_expiry_loop_runs_at_start_up_without_pg_cron(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn, expires_in=timedelta(seconds=-1))
    app = create_app(clean_db, run_expiry=True)
    async with app.router.lifespan_context(app):
        for _ in range(50):
            with psycopg.connect(clean_db) as conn:
                row = conn.execute(
                    "select status from client_requests where id = %s", (request_id,)
                ).fetchone()
            if row == ("expired",):
                break
            await asyncio.sleep(0.1)
    assert row == ("expired",)
