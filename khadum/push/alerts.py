"""Alerts to a freelancer about a request they have not opened: once when it stays
unopened (REQUEST_UNOPENED_ALERT_MINUTES) and once shortly before it expires
(REQUEST_EXPIRY_REMINDER_MINUTES).

SQL decides (`queue_request_alerts()`: which alerts are due, each once, logged;
`claim_request_alerts()`: drops those whose request was opened or answered
since); this module only words the email and hands it to SQL, which queues it in
the email outbox in the same transaction as it settles the alert. The email
sender sends it like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from khadum.bot.dates import riyadh_words
from khadum.db import Database
from khadum.email import sealed as sealed_email
from khadum.email.messages import subject
from khadum.requests import sealed
from khadum.settings import Settings

TEMPLATE = "freelancer_request_alert"
LOCALE = "ar"  # the freelancers' dashboard and emails are Arabic first

_env = Environment(
    loader=PackageLoader("khadum.email", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_alert(alert: dict[str, Any], settings: Settings, locale: str = LOCALE
                 ) -> dict[str, Any]:
    """The alert's email as an outbox row (pure)."""
    client_name = alert["client_name"] or ""
    # The client's description is sealed (khadum.requests.sealed): opened only when
    # the request has no short title.
    title = alert["service_title"] or (
        sealed.open_request(sealed.keys(settings), alert).get("service_description") or "")[:80]
    request_url = f"{settings.public_base_url.rstrip('/')}/#/requests/{alert['request_id']}"
    words = subject(f"{TEMPLATE}:{alert['kind']}", locale, client_name=client_name)
    values = {
        "kind": alert["kind"], "subject": words,
        "freelancer_name": alert["freelancer_name"], "client_name": client_name,
        "service_title": title, "request_url": request_url,
        "received_at": riyadh_words(alert["created_at"], locale),
        "expires_at": riyadh_words(alert["expires_at"], locale),
    }
    return {
        "template": TEMPLATE, "to_email": alert["to_email"], "locale": locale,
        "subject": words,
        "html_body": _env.get_template(f"{TEMPLATE}.{locale}.html").render(**values),
        "text_body": _env.get_template(f"{TEMPLATE}.{locale}.txt").render(**values),
        "params": {"kind": alert["kind"], "request_url": request_url},
    }


async def queue_alerts(db: Database, settings: Settings, at: datetime | None = None) -> int:
    """The minute job: records the alerts that became due (each once)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "select public.queue_request_alerts(make_interval(mins => %s), "
            "make_interval(mins => %s), coalesce(%s::timestamptz, now()))",
            (settings.request_unopened_alert_minutes,
             settings.request_expiry_reminder_minutes, at))
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def send_alerts(db: Database, settings: Settings, at: datetime | None = None,
                      limit: int = 50) -> int:
    """Words every due alert and queues its email; returns how many were settled."""
    async with db.connection() as conn, conn.transaction(), \
            conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select * from public.claim_request_alerts(%s, coalesce(%s::timestamptz, now()))",
            (limit, at))
        alerts = await cur.fetchall()
        for alert in alerts:
            # Queued sealed (khadum.email.sealed: the one path into the outbox).
            email = (sealed_email.seal(sealed.keys(settings), render_alert(alert, settings))
                     if alert["to_email"] else None)
            await cur.execute("select public.record_request_alert_email(%s, %s)",
                              (alert["alert_id"], Jsonb(email) if email else None))
    return len(alerts)
