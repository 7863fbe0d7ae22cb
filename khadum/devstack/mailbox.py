"""`/dev/mailbox`: what the Resend stand-in received, rendered, with each email's
delivery state from the outbox (local only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from psycopg.rows import dict_row

from khadum.db import Database
from khadum.devstack.messages_mailbox import mailbox_text, state_text
from khadum.devstack.resend_standin import ResendStandin
from khadum.paths import PACKAGE_DIR

templates = Jinja2Templates(directory=str(PACKAGE_DIR / "devstack" / "templates"))


def mailbox_router(db: Database, standin: ResendStandin) -> APIRouter:
    routes = APIRouter()

    @routes.get("/dev/mailbox", response_class=HTMLResponse)
    async def mailbox(request: Request) -> HTMLResponse:
        emails = list(reversed(standin.recorded()))
        states, pending = await _outbox_states(db, [e["id"] for e in emails])
        for email in emails:
            email["outbox"] = states.get(email["id"])
        context = {"t": mailbox_text, "state_text": state_text, "emails": emails,
                   "pending": pending}
        return templates.TemplateResponse(request, "mailbox.html", context)

    return routes


async def _outbox_states(db: Database, provider_ids: list[str]
                         ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    async with db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select provider_id, status, attempts, sent_at, delivered_at, opened_at, last_event "
            "from public.email_outbox where provider = 'resend' and provider_id = any(%s)",
            (provider_ids,),
        )
        states = {row["provider_id"]: row for row in await cur.fetchall()}
        await cur.execute(
            # The outbox is sealed (khadum.email.sealed); only the drain opens it.
            "select to_display as to_email, template as subject, status, attempts, last_error, "
            "next_attempt_at "
            "from public.email_outbox where status in ('queued', 'sending', 'failed') "
            "and provider_id is null order by created_at desc limit 50"
        )
        pending = await cur.fetchall()
    return states, pending
