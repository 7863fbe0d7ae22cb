"""/functions/v1/admin_api/… — the operator console's data. Every route calls one
staff-only SQL function as the caller (their role and JWT claims), so the same
guard (public.require_staff()) decides for the browser and for this API."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from khadum.chat.messages import open_stored
from khadum.crypto import keyring
from khadum.db import Database
from khadum.email.sealed import open_subject
from khadum.errors import Invalid
from khadum.http import Claims, Cursor, caller_cursor
from khadum.settings import Settings
from khadum.sqlerrors import translate

BASE = "/functions/v1/admin_api"
RIYADH = ZoneInfo("Asia/Riyadh")
MAX_PERIOD_DAYS = 800
CSV_LIMIT = 10_000
ActorType = Literal["client", "freelancer", "system", "operator"]
Bucket = Literal["day", "week", "month"]
FromDay = Annotated[date | None, Query(alias="from")]
ToDay = Annotated[date | None, Query(alias="to")]

_MESSAGES: dict[str, str] = {
    "staff_only": "this page is for Khadum staff only",
    "invalid_period": "the period must run from a day to the same or a later day",
    "invalid_bucket": "bucket must be day, week or month",
    "invalid_page": "limit must be 1-200 and offset 0-1,000,000",
    "dead_letter_not_found": "no WhatsApp message with this id",
    "not_a_dead_letter": "this message is not a dead letter (already retried or processed)",
    "email_not_found": "no email with this id",
    "email_not_failed": "only a failed, bounced or complained email can be resent",
    "flag_not_found": "no flag with this id",
    "flag_already_reviewed": "this flag was already reviewed",
    "invalid_flag_status": "a flag is dismissed or confirmed",
}


# Every route: one transaction as the caller; the staff functions' refusals become 4xx.
StaffCursor = Annotated[Cursor, caller_cursor(lambda exc: translate(exc, _MESSAGES))]


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Default: the last 30 days in Riyadh, today included."""
    today = datetime.now(RIYADH).date()
    to = date_to or today
    start = date_from or to - timedelta(days=29)
    if (to - start).days > MAX_PERIOD_DAYS:
        raise Invalid(f"a period may span at most {MAX_PERIOD_DAYS} days", code="period_too_long")
    return start, to


def router(db: Database, settings: Settings) -> APIRouter:
    keys = keyring(settings)

    async def logged(cur: Cursor, subject_type: str, ids: list[str]) -> None:
        """Each staff read of plaintext is written to activity_log, in the route's
        transaction (issue 16): who (the staff member's id) and which rows, never
        the text (SQL: staff_record_read)."""
        await cur.execute("select public.staff_record_read(%s, %s)", (subject_type, ids))

    async def opened(cur: Cursor, page: dict[str, Any], id_key: str) -> dict[str, Any]:
        """The review pages show staff the messages they review: opened here (the
        SQL answers them as stored: sealed, or plain for system notes), and logged
        (the messages under review by id; each one's context is the two before it)."""
        ids: list[str] = []
        for item in page.get("items", []):
            for message in [item, *item.get("context", [])]:
                message["message_content"] = open_stored(keys, message.get("message_content"))
            ids.append(str(item[id_key]))
        await logged(cur, "chat_message", list(dict.fromkeys(ids)))  # a message flagged twice
        return page

    api = APIRouter(prefix=BASE)
    async def one(cur: Cursor, function: str, params: dict[str, Any]) -> Any:
        """One staff SQL function, run as the caller."""
        named = ", ".join(f"{k} => %({k})s" for k in params)
        await cur.execute(f"select public.{function}({named}) as result", params)
        row = await cur.fetchone()
        return row["result"] if row else None

    async def rows(cur: Cursor, sql: str, params: dict[str, Any]) -> list[Any]:
        await cur.execute(sql, params)
        return list(await cur.fetchall())

    @api.get("/me")
    async def me(cur: StaffCursor, claims: Claims) -> dict[str, Any]:
        await one(cur, "require_staff", {})
        return {"staff": True, "email": claims.get("email")}

    @api.get("/kpis")
    async def kpis(
        cur: StaffCursor,
        date_from: FromDay = None,
        date_to: ToDay = None,
    ) -> dict[str, Any]:
        start, end = _period(date_from, date_to)
        params = {"p_from": start, "p_to": end}
        summary = await one(cur, "kpi_summary", params)
        funnel = await one(cur, "kpi_funnel", params)
        # The same KPIs over the period just before, for the tiles' trend arrows.
        span = end - start
        before = {"p_from": start - span - timedelta(days=1), "p_to": start - timedelta(days=1)}
        previous = await one(cur, "kpi_summary", before)
        return {"summary": summary, "funnel": funnel, "previous": previous}

    @api.get("/series")
    async def series(
        cur: StaffCursor,
        date_from: FromDay = None,
        date_to: ToDay = None,
        bucket: Bucket = "day",
    ) -> dict[str, Any]:
        start, end = _period(date_from, date_to)
        found = await rows(
            cur,
            "select * from public.kpi_series(%(p_from)s, %(p_to)s, %(p_bucket)s)",
            {"p_from": start, "p_to": end, "p_bucket": bucket},
        )
        return {"items": found}

    @api.get("/freelancers")
    async def freelancers(
        cur: StaffCursor,
        date_from: FromDay = None,
        date_to: ToDay = None,
    ) -> dict[str, Any]:
        start, end = _period(date_from, date_to)
        found = await rows(
            cur,
            "select * from public.kpi_freelancers(%(p_from)s, %(p_to)s)",
            {"p_from": start, "p_to": end},
        )
        return {"items": found}

    def activity_params(
        actor_type: ActorType | None = None,
        action: Annotated[str | None, Query(max_length=80, pattern=r"^[a-z_.]+$")] = None,
        request_id: uuid.UUID | None = None,
        chat_id: uuid.UUID | None = None,
        date_from: FromDay = None,
        date_to: ToDay = None,
    ) -> dict[str, Any]:
        return {
            "p_actor_type": actor_type, "p_action": action, "p_request_id": request_id,
            "p_chat_id": chat_id, "p_from": date_from, "p_to": date_to,
        }

    Filters = Depends(activity_params)

    @api.get("/activity")
    async def activity(
        cur: StaffCursor,
        filters: dict[str, Any] = Filters,
        limit: int = Query(50, ge=1, le=200),
        offset: int = Query(0, ge=0, le=1_000_000),
    ) -> Any:
        page = {"p_limit": limit, "p_offset": offset}
        return await one(cur, "staff_activity", {**filters, **page})

    @api.get("/activity.csv")
    async def activity_csv(
        cur: StaffCursor, filters: dict[str, Any] = Filters
    ) -> Response:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["id", "created_at", "actor_type", "actor_id", "action", "subject_type",
             "subject_id", "details"]
        )
        offset = 0
        while offset < CSV_LIMIT:
            page = await one(
                cur, "staff_activity", {**filters, "p_limit": 200, "p_offset": offset}
            )
            for item in page["items"]:
                writer.writerow(
                    [item["id"], item["created_at"], item["actor_type"], item["actor_id"] or "",
                     item["action"], item["subject_type"] or "", item["subject_id"] or "",
                     _json(item["details"])]
                )
            offset += 200
            if offset >= page["total"]:
                break
        # UTF-8 with a BOM, so spreadsheet programs show the Arabic as Arabic.
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="khadum-activity.csv"'},
        )

    def page_params(
        limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000)
    ) -> dict[str, Any]:
        return {"p_limit": limit, "p_offset": offset}

    Page = Depends(page_params)

    @api.get("/masked")
    async def masked(cur: StaffCursor, page: dict[str, Any] = Page) -> Any:
        return await opened(cur, await one(cur, "staff_masked_messages", page), "id")

    @api.get("/flagged")
    async def flagged(cur: StaffCursor, page: dict[str, Any] = Page) -> Any:
        return await opened(cur, await one(cur, "staff_flagged_messages", page), "message_id")

    @api.post("/flagged/{flag_id}/{decision}")
    async def review_flag(
        flag_id: int, decision: Literal["dismissed", "confirmed"], cur: StaffCursor
    ) -> Any:
        return await one(cur, "staff_review_flag", {"p_id": flag_id, "p_status": decision})

    @api.get("/dead-letters")
    async def dead_letters(cur: StaffCursor, page: dict[str, Any] = Page) -> Any:
        return await one(cur, "staff_dead_letters", page)

    @api.post("/dead-letters/{message_id}/retry")
    async def retry(message_id: uuid.UUID, cur: StaffCursor) -> Any:
        return await one(cur, "staff_retry_dead_letter", {"p_id": message_id})

    @api.get("/emails/failed")
    async def failed_emails(cur: StaffCursor, page: dict[str, Any] = Page) -> Any:
        found = await one(cur, "staff_failed_emails", page)
        # The recipient is a display form; the subject is opened for staff (and logged).
        for item in found.get("items", []):
            item["subject"] = open_subject(keys, item.get("subject"))
        await logged(cur, "email", [str(item["id"]) for item in found.get("items", [])])
        return found

    @api.post("/emails/{email_id}/resend")
    async def resend(email_id: uuid.UUID, cur: StaffCursor) -> Any:
        return await one(cur, "staff_resend_email", {"p_id": email_id})

    @api.get("/expiring")
    async def expiring(
        cur: StaffCursor,
        page: dict[str, Any] = Page,
        within_hours: int = Query(6, ge=1, le=24),
    ) -> Any:
        return await one(
            cur, "staff_unopened_expiring",
            {"p_within": timedelta(hours=within_hours), **page},
        )

    return api


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
