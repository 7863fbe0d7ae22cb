"""Describing the need, then the details one at a time, the summary, and saving."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from khadum.analysis.budget import is_open_budget, parse_budget, without_budget
from khadum.analysis.local import service_title
from khadum.analysis.models import Analysis, Budget
from khadum.analysis.pleasantries import is_pleasantry
from khadum.analysis.text import clear_language, normalize, phrase_in
from khadum.bot import choosing
from khadum.bot.conversation import Turn
from khadum.bot.validate import (
    DESCRIPTION_MAX,
    DETAILS_MAX,
    REASON_MAX,
    clean_email,
    clean_name,
    is_none,
    is_yes,
)
from khadum.requests import sealed
from khadum.sqlerrors import translate

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
    # The client's language is sticky: one «ok» or brand name in Latin letters does
    # not switch an Arabic conversation; a clearly written message does.
    clear = clear_language(text)
    if clear and not turn.data.get("language_locked"):
        turn.language = clear
    if not analysis.title.strip():
        analysis = analysis.model_copy(update={"title": service_title(description)})
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
    """Why this freelancer, in their own terms: their main specialty when it is the
    request's category, else their skills that fit the request, else their headline."""
    analysis = turn.data.get("analysis", {})
    category = analysis.get("category")
    rating = float(row["rating"])
    key = "reason_default" if rating >= 4.5 else "reason_default_plain"
    own = list(row.get("categories") or [])
    if category and own and own[0] == category:
        expertise = turn.tr(f"expertise.{category}")
        return turn.tr(key, expertise=expertise, rating=f"{rating:.1f}")
    fitting = _fitting_skills(turn, row)
    if fitting:
        expertise = turn.tr("reason.and").join(fitting)
        return turn.tr(key, expertise=expertise, rating=f"{rating:.1f}")
    headline = (row.get("headline_en") or "") if turn.language == "en" else row.get("headline")
    if headline and (turn.language == "en" or not headline.isascii()):
        return turn.tr(f"{key}_headline", headline=headline, rating=f"{rating:.1f}")
    expertise = turn.tr(f"expertise.{own[0]}") if own else turn.tr("none")
    return turn.tr(key, expertise=expertise, rating=f"{rating:.1f}")


def _fitting_skills(turn: Turn, row: dict[str, Any]) -> list[str]:
    """The freelancer's own skills the request asks for (in the client's script)."""
    wanted = normalize(" ".join([turn.data.get("description", ""),
                                 *turn.data.get("analysis", {}).get("skills", [])]))
    english = turn.language == "en"
    fitting = []
    for skill in row.get("skills") or []:
        if english != skill.isascii():
            continue
        if phrase_in(skill, wanted):
            fitting.append(skill)
    return fitting[:2]


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
        if is_yes(text) or is_pleasantry(text):  # «تمام» is not a detail of the work
            await prompt_field(turn, "details")
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
        _budget_everywhere(turn, value)
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


def _budget_everywhere(turn: Turn, value: Any) -> None:
    """One budget in the whole request: the analysis takes the client's answer, and
    a different figure written in the description is taken out of it (the budget
    has its own field), so the summary and the stored request never disagree."""
    analysis = turn.data.get("analysis")
    if isinstance(analysis, dict):
        analysis["budget"] = value if isinstance(value, dict) else None
    description = turn.data.get("description") or ""
    written = parse_budget(description)
    if written is None or (isinstance(value, dict) and written.model_dump() == value):
        return
    turn.data["description"] = without_budget(description)


def title_of(turn: Turn, analysis: Analysis) -> str:
    return analysis.title.strip() or service_title(turn.data.get("description", ""))


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
        title=title_of(turn, analysis),
        budget=budget_label(turn) or turn.tr("none"),
        reason=turn.data.get("reason") or turn.tr("none"),
        details=turn.data.get("details") or turn.tr("none"),
    )
    warning = await _under_minimum(turn)
    if warning:
        body = f"{body}\n\n{warning}"
    turn.ask(body, [("submit", "btn_submit"), ("edit", "btn_edit"), ("cancel", "btn_cancel")])
    turn.goto("confirm_summary")

# The SQL caps' refusal codes (submit_client_request) and what the client is told.
CAP_MESSAGES = {
    "already_pending_with_freelancer": "cap_already_pending_with_freelancer",
    "too_many_pending_requests": "cap_too_many_pending_requests",
    "freelancer_busy": "cap_freelancer_busy",
}


async def _under_minimum(turn: Turn) -> str | None:
    """A gentle word when the budget is under what the freelancer usually starts at."""
    budget = turn.data.get("budget")
    if not isinstance(budget, dict) or not turn.data.get("selected"):
        return None
    top = budget.get("max") if budget.get("max") is not None else budget.get("min")
    row = await choosing.freelancer(turn.conn, turn.data["selected"])
    if row is None or top is None or int(top) >= int(row["min_budget_sar"]):
        return None
    return turn.tr(
        "budget_under_minimum",
        freelancer=turn.data.get("selected_name", ""),
        minimum=row["min_budget_sar"],
    )


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
    }
    try:
        # A savepoint: a cap refusal must not abort the turn's transaction.
        async with turn.conn.transaction():
            ring = sealed.keys(turn.settings)
            await turn.conn.execute(sealed.CHECK_SQL, (turn.phone, turn.data["email"]))
            cur = await turn.conn.execute(sealed.SUBMIT_SQL, sealed.submission(
                ring, phone=turn.phone, name=turn.data["name"], email=turn.data["email"],
                freelancer_id=turn.data["selected"], description=turn.data["description"],
                title=title_of(turn, analysis), category=analysis.category,
                budget=budget_label(turn), details=details,
                reason=turn.data.get("reason") or None, language=turn.language))
            row = await cur.fetchone()
    except psycopg.Error as exc:
        refused = translate(exc)
        if refused is None or refused.code not in CAP_MESSAGES:
            raise
        turn.say(CAP_MESSAGES[refused.code], freelancer=turn.data.get("selected_name", ""))
        turn.data = {
            "profile": {"name": turn.data["name"], "email": turn.data["email"]},
            "language_locked": turn.data.get("language_locked", False),
        }
        turn.goto("idle")
        return
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
