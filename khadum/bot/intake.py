"""Describing the need, then the details one at a time, the summary, and saving."""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from khadum.analysis.budget import is_open_budget, parse_budget
from khadum.analysis.models import Analysis, Budget
from khadum.bot import choosing
from khadum.bot.conversation import Turn
from khadum.bot.validate import (
    DESCRIPTION_MAX,
    DETAILS_MAX,
    REASON_MAX,
    clean_email,
    clean_name,
    is_none,
)

FIELDS = ("name", "email", "details", "budget", "reason")
MIN_WORDS_WITHOUT_CATEGORY = 4


async def describe(turn: Turn, text: str) -> None:
    """Adds to the description (several messages are fine), analyses, offers matches."""
    description = "\n".join(p for p in (turn.data.get("description"), text.strip()) if p)
    if len(description) > DESCRIPTION_MAX:
        # Refused whole (not cut: a cut description would match on half a sentence).
        turn.say("description_too_long")
        turn.goto("describing")
        return
    turn.data["description"] = description
    analysis = await turn.analyser.analyse(description)
    if not turn.data.get("language_locked"):
        turn.language = analysis.language
    turn.data["analysis"] = analysis.model_dump(mode="json")
    if analysis.budget is not None:
        turn.data["budget"] = analysis.budget.model_dump()
    embed = getattr(turn.analyser, "embed", None)
    turn.data["embedding"] = await embed(description) if embed else None
    if analysis.category is None and len(description.split()) < MIN_WORDS_WITHOUT_CATEGORY:
        turn.say("need_more_detail")
        turn.goto("describing")
        return
    turn.data["shown"] = []
    if not await choosing.offer_matches(turn):
        turn.data.pop("description", None)
        turn.say("no_matches")
        turn.goto("describing")


def suggested_reason(turn: Turn, row: dict[str, Any]) -> str:
    category = turn.data.get("analysis", {}).get("category")
    if category not in row["categories"]:
        category = row["categories"][0] if row["categories"] else category
    rating = float(row["rating"])
    key = "reason_default" if rating >= 4.5 else "reason_default_plain"
    expertise = turn.tr(f"expertise.{category}") if category else turn.tr("none")
    return turn.tr(key, expertise=expertise, rating=f"{rating:.1f}")


async def ask_next(turn: Turn) -> None:
    """Asks for the first missing field, or shows the summary."""
    if turn.data.pop("editing", False) or all(f in turn.data for f in FIELDS):
        await show_summary(turn)
        return
    field = next(f for f in FIELDS if f not in turn.data)
    turn.goto(f"ask_{field}")
    await prompt_field(turn, field)


async def prompt_field(turn: Turn, field: str) -> None:
    if field == "name":
        turn.say("ask_name")
    elif field == "email":
        turn.say("ask_email", name=turn.data.get("name", ""))
    elif field == "details":
        turn.say("ask_details")
    elif field == "budget":
        turn.say("ask_budget")
    else:
        row = await choosing.freelancer(turn.conn, turn.data["selected"])
        suggested = suggested_reason(turn, row) if row else ""
        turn.data["suggested_reason"] = suggested
        turn.ask(
            turn.tr("ask_reason", name=turn.data.get("selected_name", ""), suggested=suggested),
            [("use_suggested", "btn_use_suggested")],
        )


async def answer_field(turn: Turn, field: str, text: str, reply_id: str) -> None:
    """Validates one answer; a bad one is re-asked with what was wrong."""
    value: Any
    if field == "name":
        value = clean_name(text)
        if value is None:
            turn.say("bad_name")
            return
    elif field == "email":
        value = clean_email(text)
        if value is None:
            turn.say("bad_email", value=text.strip()[:80])
            return
    elif field == "details":
        if len(text) > DETAILS_MAX:
            turn.say("bad_details")
            return
        value = "" if is_none(text) else text.strip()
    elif field == "budget":
        if is_open_budget(text):
            value = "open"
        else:
            budget = parse_budget(text, lenient=True)
            if budget is None:
                turn.say("bad_budget")
                return
            value = budget.model_dump()
    else:
        if reply_id == "use_suggested" or (text and is_none(text)):
            value = turn.data.get("suggested_reason", "")
        elif len(text) > REASON_MAX:
            turn.say("bad_reason")
            return
        else:
            value = text.strip()
    turn.data[field] = value
    await ask_next(turn)


def budget_label(turn: Turn) -> str | None:
    budget = turn.data.get("budget")
    if budget == "open" or budget is None:
        return turn.tr("budget_open") if budget == "open" else None
    return Budget.model_validate(budget).label(turn.language)


async def category_name(turn: Turn, slug: str | None) -> str:
    if not slug:
        return turn.tr("none")
    async with turn.conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select name_ar, name_en from public.service_categories where slug = %s", (slug,)
        )
        row = await cur.fetchone()
    return (row["name_en"] if turn.language == "en" else row["name_ar"]) if row else slug


async def show_summary(turn: Turn) -> None:
    analysis = Analysis.model_validate(turn.data["analysis"])
    body = turn.tr(
        "summary",
        name=turn.data["name"],
        email=turn.data["email"],
        freelancer=turn.data.get("selected_name", ""),
        description=turn.data["description"],
        category=await category_name(turn, analysis.category),
        budget=budget_label(turn) or turn.tr("none"),
        reason=turn.data.get("reason") or turn.tr("none"),
        details=turn.data.get("details") or turn.tr("none"),
    )
    turn.ask(body, [("submit", "btn_submit"), ("edit", "btn_edit"), ("cancel", "btn_cancel")])
    turn.goto("confirm_summary")


async def submit(turn: Turn) -> None:
    analysis = Analysis.model_validate(turn.data["analysis"])
    budget = turn.data.get("budget")
    details = {
        "audience": analysis.audience,
        "extras": turn.data.get("details") or None,
        "skills": analysis.skills,
        "summary": analysis.summary,
        "language": turn.language,
        "budget": budget if isinstance(budget, dict) else None,
        "channel": "whatsapp",
    }
    cur = await turn.conn.execute(
        "select public.submit_client_request(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            turn.phone,
            turn.data["name"],
            turn.data["email"],
            turn.data["selected"],
            turn.data["description"],
            analysis.category,
            budget_label(turn),
            Jsonb(details),
            turn.data.get("reason") or None,
            turn.language,
        ),
    )
    row = await cur.fetchone()
    request_id = str(row[0])
    turn.say(
        "submitted",
        freelancer=turn.data.get("selected_name", ""),
        short_id=request_id.split("-")[0].upper(),
    )
    profile = {"name": turn.data["name"], "email": turn.data["email"]}
    turn.data = {
        "request_id": request_id,
        "freelancer_name": turn.data.get("selected_name"),
        "profile": profile,
        "language_locked": turn.data.get("language_locked", False),
    }
    turn.goto("waiting")


def start_over(turn: Turn) -> None:
    """A fresh request; the client's name and email are remembered."""
    keep: dict[str, Any] = {
        k: turn.data[k]
        for k in ("profile", "language_locked", "request_id", "freelancer_name")
        if k in turn.data
    }
    turn.data = keep
    turn.data.update(keep.get("profile") or {})
