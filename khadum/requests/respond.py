"""The freelancer's three answers. The state change is one SQL function per action
(guards, row lock, pending and unexpired, everything queued in the same
transaction); this module prepares its inputs and maps its errors."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict, Field, model_validator

from khadum.db import Database, one_row
from khadum.email import sealed as sealed_email
from khadum.email.render import AcceptanceContext, acceptance_emails
from khadum.errors import Forbidden, KhadumError
from khadum.limits import SafeText
from khadum.requests import sealed
from khadum.requests.links import client_chat_link, client_chat_token, dashboard_chat_url
from khadum.rules import TEXT_LIMITS
from khadum.settings import Settings
from khadum.sqlerrors import translate

MAX_MESSAGE = TEXT_LIMITS["request_message"]

_MESSAGES: dict[str, str] = {
    "not_a_freelancer": "this account has no freelancer profile",
    "not_your_request": "this request was sent to another freelancer",
    "request_not_found": "no request with this id",
    "request_expired": "the 24 hours to answer this request have passed",
    "request_already_accepted": "this request was already accepted",
    "request_already_rejected": "this request was already rejected",
    "request_already_expired": "this request has expired",
    "message_required": "a question is required to ask for details",
    "message_too_long": f"the message is longer than {MAX_MESSAGE} characters",
    "too_many_questions": "this request already has the most questions allowed; "
    "accept or reject it",
}


class RespondBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    request_id: uuid.UUID
    action: Literal["accept", "reject", "request_details"]
    message: SafeText | None = Field(default=None, max_length=MAX_MESSAGE)

    @model_validator(mode="after")
    def _question_required(self) -> RespondBody:
        if self.action == "request_details" and not self.message:
            raise ValueError("message is required when action is request_details")
        return self


def sql_error(exc: psycopg.Error) -> KhadumError | None:
    """The KhadumError a respond SQL function raised, or None for anything else."""
    return translate(exc, _MESSAGES)


async def respond(
    db: Database, settings: Settings, claims: dict[str, Any], body: RespondBody
) -> dict[str, Any]:
    try:
        user_id = uuid.UUID(str(claims.get("sub")))
    except ValueError as exc:
        raise Forbidden(_MESSAGES["not_a_freelancer"], code="not_a_freelancer") from exc
    async with db.connection() as conn:
        try:
            async with conn.transaction():
                if body.action == "accept":
                    return await _accept(conn, settings, user_id, body.request_id)
                function = "reject_request" if body.action == "reject" else "request_details"
                cur = await conn.execute(
                    f"select public.{function}(%s, %s, %s)",
                    (body.request_id, user_id, body.message),
                )
                row = await cur.fetchone()
        except psycopg.Error as exc:
            mapped = sql_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
    return {"request": _public(settings, one_row(row, function)[0])}


async def _accept(
    conn: psycopg.AsyncConnection[Any], settings: Settings, user_id: uuid.UUID,
    request_id: uuid.UUID,
) -> dict[str, Any]:
    chat_id = uuid.uuid4()
    # The client's token goes to SQL only to be hashed; the client's email holds a
    # placeholder the email sender turns into the link. The freelancer gets only
    # their own /chats/{id} link.
    token = client_chat_token(settings, chat_id)
    context = await _acceptance_context(
        conn, request_id, user_id, settings, chat_id, client_chat_link(chat_id)
    )
    # Queued sealed (khadum.email.sealed: the one path into the outbox).
    ring = sealed.keys(settings)
    emails = [sealed_email.seal(ring, e.as_outbox_row())
              for e in acceptance_emails(context)] if context else []
    cur = await conn.execute(
        "select public.accept_request(%s, %s, %s, %s, %s)",
        (request_id, user_id, chat_id, token, Jsonb(emails)),
    )
    row = one_row(await cur.fetchone(), "accept_request")
    own_link = dashboard_chat_url(settings, chat_id)
    return {
        "request": _public(settings, row[0]),
        "chat_id": str(chat_id),
        "chat_url": own_link,
        "dashboard_chat_url": own_link,
    }


async def _acceptance_context(
    conn: psycopg.AsyncConnection[Any], request_id: uuid.UUID, user_id: uuid.UUID,
    settings: Settings, chat_id: uuid.UUID, chat_url: str,
) -> AcceptanceContext | None:
    """What the emails say; None when the request is not this freelancer's (the SQL
    function then raises the precise error)."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            """
            select r.client_name, r.client_email_sealed, r.client_whatsapp_phone,
                   r.client_language, r.service_description, r.service_title, r.budget_range,
                   r.project_details,
                   f.display_name, f.email as freelancer_email, f.rating,
                   c.name_ar as category_ar, c.name_en as category_en
            from public.client_requests r
            join public.freelancers f on f.id = r.freelancer_id
            left join public.service_categories c on c.slug = r.service_category
            where r.id = %s and f.user_id = %s
            """,
            (request_id, user_id),
        )
        found = await cur.fetchone()
    if found is None:
        return None
    row = sealed.open_request(sealed.keys(settings), found)
    details = row["project_details"] or {}
    locale = row["client_language"] if row["client_language"] in ("ar", "en") else "ar"
    description = " ".join(str(row["service_description"]).split())
    title = str(row["service_title"] or details.get("title") or _shorten(description, 60))
    category = row["category_en"] if locale == "en" else row["category_ar"]
    return AcceptanceContext(
        client_name=row["client_name"] or row["client_whatsapp_phone"],
        client_email=row["client_email"],
        client_locale=locale,
        freelancer_name=row["display_name"],
        freelancer_email=row["freelancer_email"],
        freelancer_rating=f"{row['rating']:.1f}",
        service_title=title,
        service_type=category or title,
        project_summary=_shorten(description, 160),
        budget=row["budget_range"] or "—",
        audience=str(details["audience"]) if details.get("audience") else None,
        client_chat_url=chat_url,
        freelancer_chat_url=dashboard_chat_url(settings, chat_id),
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_PUBLIC_FIELDS = (
    "id", "status", "client_name", "client_whatsapp_phone", "client_email", "freelancer_id",
    "service_description", "service_title", "service_category", "budget_range", "project_details",
    "reason_for_choice", "created_at", "responded_at", "expires_at", "response_message",
)


def _public(settings: Settings, request: dict[str, Any]) -> dict[str, Any]:
    opened = sealed.open_request(sealed.keys(settings), request)
    return {key: opened.get(key) for key in _PUBLIC_FIELDS}
