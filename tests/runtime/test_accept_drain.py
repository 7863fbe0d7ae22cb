"""An accept's WhatsApp notice and both emails leave within a second when a
worker runs: queuing them NOTIFYs the worker at commit (no drain schedule)."""

from __future__ import annotations

import time

import httpx
import psycopg

from khadum.settings import Settings
from tests.factories import MOHAMMED, make_request
from tests.http import bearer, function_factory
from tests.runtime.support import Processes, wait_for

respond_app = function_factory("respond_request")


async def test_an_accepts_notice_and_emails_leave_within_a_second(
    clean_db: str, procs: Processes
) -> None:
    procs.start_recorder()
    procs.start_worker()
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn, phone="+966504440001")
    app = respond_app(settings=Settings(database_url=clean_db,
                                        public_base_url="https://app.khadum.test"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fn") as http,
    ):
        answer = await http.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                 json={"request_id": str(request_id), "action": "accept"})
        assert answer.status_code == 200
        began = time.monotonic()  # the accept is committed: from here, no schedule helps

        def arrived() -> bool:
            emails = procs.records("email")
            notices = [r for r in procs.records("graph") if r["to"] == "966504440001"]
            return len(emails) == 2 and len(notices) == 1

        wait_for(arrived, 5, "the notice and both emails", every=0.01)
        elapsed = time.monotonic() - began
    assert elapsed < 1.0, f"took {elapsed:.2f}s"
    assert sorted(r["to"][0] for r in procs.records("email")) == sorted(
        ["ahmed@example.com", "mohammed-alghamdi@demo.khadum.app"])
