"""What the bot says when a freelancer answers (or the 24 hours pass): rendered
from outbox catalogue keys at send time, moving the conversation on."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from khadum.analysis.models import Analysis, Budget
from khadum.bot import choosing, intake
from khadum.bot.catalogue import TEMPLATE_LANGUAGE, TEMPLATES
from khadum.bot.commands import IN_FLOW
from khadum.bot.conversation import Turn
from khadum.names import display_name
from khadum.requests.links import client_chat_link, client_chat_url
from khadum.sqlerrors import translate
from khadum.whatsapp import messages

FOLLOWUP_KEYS = frozenset(TEMPLATES)


async def answer_details(turn: Turn, text: str) -> None:
    """The client's answer to a freelancer's question: request thread + notification."""
    request_id = turn.data.get("details_request_id")
    resume = turn.data.pop("resume_state", None) or "waiting"
    turn.data.pop("details_request_id", None)
    try:
        async with turn.conn.transaction():
            await turn.conn.execute(
                "select public.answer_request_details(%s, %s, %s)",
                (request_id, turn.phone, text.strip()),
            )
    except psycopg.Error as exc:
        refused = translate(exc)
        if refused is None or refused.code not in {"request_not_found", "request_not_actionable"}:
            raise
        turn.say("details_closed")
        turn.goto("idle")
        return
    turn.say("details_forwarded", freelancer=turn.data.get("asking_freelancer", ""))
    turn.goto(resume)


async def _request(conn: Any, request_id: str) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select r.*, f.display_name, f.display_name_en from public.client_requests r "
            "left join public.freelancers f on f.id = r.freelancer_id where r.id = %s",
            (request_id,),
        )
        return await cur.fetchone()


def _freelancer_name(turn: Turn, params: dict[str, Any], request: dict[str, Any] | None) -> str:
    if request:
        return display_name(request.get("display_name"), request.get("display_name_en"),
                            turn.language) or str(params.get("freelancer_name") or "")
    return str(params.get("freelancer_name") or "")


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


async def render(turn: Turn, key: str, params: dict[str, Any], *, window_open: bool) -> None:
    """Appends to `turn.out` what the client receives for this follow-up."""
    request = (
        await _request(turn.conn, str(params.get("request_id")))
        if params.get("request_id")
        else None
    )
    name = _freelancer_name(turn, params, request)
    free_to_move = turn.state not in IN_FLOW
    if key == "request_accepted":
        params = {**params, "chat_url": _client_link(turn, params)}
        turn.say_text(
            turn.tr("followup.accepted", freelancer=name, chat_url=params["chat_url"]),
            preview_url=True,
        )
        if free_to_move:
            turn.goto("idle")
    elif key in {"request_rejected", "request_expired"}:
        reason = params.get("reason")
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
        # Queued by chat_housekeeping(): a nudge back into the chat; the state stays.
        params = {**params, "chat_url": _client_link(turn, params)}
        turn.say_text(turn.tr(f"followup.{key}", freelancer=name, chat_url=params["chat_url"]),
                      preview_url=True)
    elif key == "details_requested":
        turn.say_text(
            turn.tr(
                "followup.details_requested", freelancer=name, question=params.get("question", "")
            )
        )
        if turn.state != "awaiting_details_answer":
            turn.data["resume_state"] = turn.state
        turn.data["details_request_id"] = str(params.get("request_id"))
        turn.data["asking_freelancer"] = name
        turn.goto("awaiting_details_answer")
    else:
        raise ValueError(f"unknown follow-up message key: {key}")
    if not window_open:
        turn.out[:] = [template_for(turn, key, name, params)]


def _client_link(turn: Turn, params: dict[str, Any]) -> str:
    """A placeholder the sender turns into the client's link as the message leaves
    (the link itself is never stored); rows queued before that carried the link."""
    if params.get("chat_id"):
        return client_chat_link(str(params["chat_id"]))
    if params.get("chat_token"):
        return client_chat_url(turn.settings, str(params["chat_token"]))
    return str(params.get("chat_url", ""))


def template_for(turn: Turn, key: str, name: str, params: dict[str, Any]) -> messages.Body:
    template, fields = TEMPLATES[key]
    values = {
        "freelancer": name,
        "chat_url": str(params.get("chat_url", "")),
        "question": str(params.get("question", "")),
    }
    quick = [choosing.CHOOSE_ANOTHER] if key in {"request_rejected", "request_expired"} else []
    return messages.template(
        turn.phone,
        template,
        TEMPLATE_LANGUAGE.get(turn.language, "ar"),
        [values[f] for f in fields],
        quick,
    )
