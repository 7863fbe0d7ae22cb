"""What the bot says when a freelancer answers (or the 24 hours pass, or a chat
waits for the client): rendered from the domain events the bot consumes, in
the client's conversation, moving it on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from khadum.analysis.models import Analysis, Budget
from khadum.bot import choosing, intake
from khadum.bot.catalogue import TEMPLATE_LANGUAGE, TEMPLATES
from khadum.bot.commands import IN_FLOW
from khadum.bot.conversation import Turn
from khadum.names import display_name
from khadum.requests import sealed
from khadum.requests.links import client_chat_link
from khadum.sqlerrors import translate
from khadum.whatsapp import messages


async def answer_details(turn: Turn, text: str) -> None:
    """The client's answer to a freelancer's question: request thread + notification."""
    request_id = turn.data.get("details_request_id")
    resume = turn.data.pop("resume_state", None) or "waiting"
    turn.data.pop("details_request_id", None)
    try:
        async with turn.conn.transaction():  # sealed: the answer and its notice
            await sealed.answer_details(turn.conn, sealed.keys(turn.settings), request_id,
                                        turn.phone, text)
    except psycopg.Error as exc:
        refused = translate(exc)
        if refused is None or refused.code not in {"request_not_found", "request_not_actionable"}:
            raise
        turn.say("details_closed")
        turn.goto("idle")
        return
    turn.say("details_forwarded", freelancer=turn.data.get("asking_freelancer", ""))
    turn.goto(resume)


async def _request(turn: Turn, request_id: str) -> dict[str, Any] | None:
    """The request, opened (sealed.open_request)."""
    conn = turn.conn
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select r.*, f.display_name, f.display_name_en from public.client_requests r "
            "left join public.freelancers f on f.id = r.freelancer_id where r.id = %s",
            (request_id,),
        )
        row = await cur.fetchone()
    return None if row is None else sealed.open_request(sealed.keys(turn.settings), row)


def _freelancer_name(turn: Turn, request: dict[str, Any] | None) -> str:
    if not request:
        return ""
    return display_name(request.get("display_name"), request.get("display_name_en"), turn.language)


def _analysis_of(request: dict[str, Any], language: str) -> Analysis:
    details = request.get("project_details") or {}
    budget = details.get("budget")
    return Analysis(
        category=request.get("service_category"),
        skills=list(details.get("skills") or []),
        budget=Budget.model_validate(budget) if isinstance(budget, dict) else None,
        audience=details.get("audience"),
        summary=details.get("summary") or request["service_description"][:120],
        language=language,  # type: ignore[arg-type]
    )


async def _offer_others(turn: Turn, request: dict[str, Any], intro: str) -> None:
    """Back to choosing for the same need, never offering who declined/expired."""
    excluded = list(dict.fromkeys([*turn.data.get("excluded", []), str(request["freelancer_id"])]))
    intake.start_over(turn)
    details = request.get("project_details") or {}
    turn.data.update(
        {
            "description": request["service_description"],
            "analysis": _analysis_of(request, turn.language).model_dump(mode="json"),
            "excluded": excluded,
            "shown": [],
            "name": request["client_name"],
            "email": request["client_email"],
            "details": details.get("extras") or "",
        }
    )
    budget = details.get("budget")
    if isinstance(budget, dict):
        turn.data["budget"] = budget
    if not await choosing.offer_matches(turn, "matches_intro"):
        turn.say_text(intro + "\n\n" + turn.tr("followup.no_alternatives"))
        turn.goto("idle")
        return
    list_body = turn.out[-1]["interactive"]["body"]
    list_body["text"] = messages.clip(intro, messages.INTERACTIVE_BODY_MAX)


@dataclass(frozen=True)
class Notice:
    """A domain event the client hears about (see public.client_inbox)."""

    kind: str  # the catalogue key: request_accepted, request_rejected, …
    request_id: str | None = None
    chat_id: str | None = None
    message: str | None = None  # the reason or the question, masked by SQL


async def render(turn: Turn, notice: Notice) -> messages.Body:
    """Appends to `turn.out` what the client receives for this notice (free-form,
    moving the conversation on) and returns its approved-template alternative,
    which goes instead when the 24-hour window is closed (decided as it leaves)."""
    request = await _request(turn, notice.request_id) if notice.request_id else None
    name = _freelancer_name(turn, request)
    free_to_move = turn.state not in IN_FLOW
    chat_url = client_chat_link(notice.chat_id) if notice.chat_id else ""
    key = notice.kind
    if key == "request_accepted":
        turn.say_text(turn.tr("followup.accepted", freelancer=name, chat_url=chat_url),
                      preview_url=True)
        if free_to_move:
            turn.goto("idle")
    elif key in {"request_rejected", "request_expired"}:
        reason = notice.message
        intro = (
            turn.tr(
                "followup.rejected",
                freelancer=name,
                reason=turn.tr("followup.rejected_reason", reason=reason) if reason else "",
            )
            if key == "request_rejected"
            else turn.tr("followup.expired", freelancer=name)
        )
        if free_to_move and request is not None:
            await _offer_others(turn, request, intro)
        else:
            turn.say_text(intro)
    elif key in {"chat_unread", "rating_request"}:
        # A nudge back into the chat; the conversation stays where it was.
        turn.say_text(turn.tr(f"followup.{key}", freelancer=name, chat_url=chat_url),
                      preview_url=True)
    elif key == "details_requested":
        turn.say_text(
            turn.tr("followup.details_requested", freelancer=name, question=notice.message or "")
        )
        if turn.state != "awaiting_details_answer":
            turn.data["resume_state"] = turn.state
        turn.data["details_request_id"] = notice.request_id
        turn.data["asking_freelancer"] = name
        turn.goto("awaiting_details_answer")
    else:
        raise ValueError(f"unknown notice: {key}")
    return template_for(turn, key, name, chat_url=chat_url, question=notice.message or "")


def template_for(
    turn: Turn, key: str, name: str, *, chat_url: str = "", question: str = ""
) -> messages.Body:
    template, fields = TEMPLATES[key]
    values = {"freelancer": name, "chat_url": chat_url, "question": question}
    quick = [choosing.CHOOSE_ANOTHER] if key in {"request_rejected", "request_expired"} else []
    return messages.template(
        turn.phone,
        template,
        TEMPLATE_LANGUAGE.get(turn.language, "ar"),
        [values[f] for f in fields],
        quick,
    )
