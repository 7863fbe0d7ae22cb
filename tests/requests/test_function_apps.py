"""Each function deploys alone: its own ASGI app, its own pool, the same contract."""

from __future__ import annotations

import httpx
import psycopg

from khadum.settings import Settings
from tests.factories import MOHAMMED, make_request
from tests.http import bearer, function_factory

dashboard_app = function_factory("dashboard_api")
respond_app = function_factory("respond_request")


async def test_the_functions_run_on_their_own(clean_db: str) -> None:
    settings = Settings(database_url=clean_db, public_base_url="https://app.khadum.test")
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    for build in (respond_app, dashboard_app):
        app = build(settings=settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://fn") as client:
                if build is respond_app:
                    res = await client.post("/functions/v1/respond_request",
                                            headers=bearer(MOHAMMED), json={
                                                "request_id": str(request_id), "action": "accept"})
                    assert res.status_code == 200
                    # The freelancer's own chat page (issue 15, H1: never the client's).
                    assert res.json()["chat_url"].startswith("https://app.khadum.test/chats/")
                else:
                    preflight = await client.options(
                        "/functions/v1/dashboard_api/requests",
                        headers={"Origin": "https://app.khadum.test",
                                 "Access-Control-Request-Method": "GET",
                                 "Access-Control-Request-Headers": "authorization"})
                    assert preflight.headers["access-control-allow-origin"] == (
                        "https://app.khadum.test")
                    res = await client.get("/functions/v1/dashboard_api/requests",
                                           headers=bearer(MOHAMMED))
                    assert res.json()["counts"]["accepted"] == 1
