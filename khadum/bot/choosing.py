"""Showing the best freelancers as a WhatsApp list, and the client's pick."""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg.rows import dict_row

from khadum import names as freelancer_names
from khadum.analysis.models import Analysis
from khadum.analysis.text import normalize
from khadum.bot.catalogue import city_name
from khadum.bot.conversation import Turn
from khadum.bot.matches import headline_in, match_name, match_title
from khadum.matching.search import Match, find_matches
from khadum.whatsapp.messages import Row

PAGE_SIZE = 5
PICK = "pick:"
MORE = "more"
REDESCRIBE = "redescribe"
CHOOSE_ANOTHER = "choose_another"


def analysis_of(turn: Turn) -> Analysis:
    return Analysis.model_validate(turn.data["analysis"])


async def page_of_matches(turn: Turn, offset: int) -> list[Match]:
    analysis = analysis_of(turn)
    return await find_matches(
        turn.conn,
        turn.data["description"],
        analysis,
        exclude=turn.data.get("excluded", []),
        limit=PAGE_SIZE,
        offset=offset,
        embedding=turn.data.get("embedding"),
    )


def _rows(turn: Turn, matches: list[Match]) -> list[Row]:
    return [
        (
            PICK + m.freelancer_id,
            match_name(m, turn.language),
            turn.tr(
                "row_description",
                rating=f"{m.rating:.1f}",
                headline=match_title(m, turn.language),
            ),
        )
        for m in matches
    ]


def list_matches(turn: Turn, matches: list[Match], intro: str) -> None:
    """The list message: 3–5 freelancers, then "more" and "describe again" (≤ 10 rows)."""
    options: list[Row] = [
        (MORE, turn.tr("row_more"), turn.tr("row_more_desc")),
        (REDESCRIBE, turn.tr("row_redescribe"), turn.tr("row_redescribe_desc")),
    ]
    turn.show_list(
        intro,
        turn.tr("list_button"),
        [
            (turn.tr("list_section_freelancers"), _rows(turn, matches)),
            (turn.tr("list_section_options"), options),
        ],
    )
    turn.data["page"] = [m.freelancer_id for m in matches]
    shown = turn.data.setdefault("shown", [])
    shown.extend(fid for fid in turn.data["page"] if fid not in shown)


async def offer_matches(turn: Turn, intro_key: str = "matches_intro") -> bool:
    """First page for the current description; False when nobody fits."""
    turn.data["offset"] = 0
    matches = await page_of_matches(turn, 0)
    if not matches:
        return False
    list_matches(turn, matches, turn.tr(intro_key, summary=analysis_of(turn).summary))
    turn.goto("choosing")
    return True


async def show_more(turn: Turn) -> None:
    offset = int(turn.data.get("offset", 0)) + PAGE_SIZE
    matches = await page_of_matches(turn, offset)
    if not matches:
        turn.say("no_more_matches")
        return
    turn.data["offset"] = offset
    list_matches(turn, matches, turn.tr("matches_more_intro"))


async def resend_list(turn: Turn) -> None:
    matches = await page_of_matches(turn, int(turn.data.get("offset", 0)))
    if matches:
        list_matches(turn, matches, turn.tr("matches_intro", summary=analysis_of(turn).summary))
    else:
        turn.say("followup.no_alternatives")
    turn.goto("choosing")


async def freelancer(
    conn: psycopg.AsyncConnection[Any], freelancer_id: str
) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select id::text, display_name, display_name_en, headline, headline_en, rating, "
            "rating_count, completed_projects, city, min_budget_sar, categories, skills "
            "from public.freelancers where id = %s",
            (freelancer_id,),
        )
        return await cur.fetchone()


def display_name(turn: Turn, row: dict[str, Any]) -> str:
    return freelancer_names.display_name(row["display_name"], row["display_name_en"], turn.language)


async def pick(turn: Turn, freelancer_id: str) -> None:
    row = await freelancer(turn.conn, freelancer_id)
    if row is None or freelancer_id not in turn.data.get("shown", []):
        turn.say("stale_choice")
        await resend_list(turn)
        return
    turn.data["selected"] = freelancer_id
    turn.data["selected_name"] = display_name(turn, row)
    turn.data.pop("reason", None)
    headline = headline_in(
        turn.language, row["headline"], row["headline_en"], list(row["categories"] or [])
    )
    card = turn.tr(
        "freelancer_card",
        name=display_name(turn, row),
        rating=f"{row['rating']:.1f}",
        rating_count=row["rating_count"],
        completed=row["completed_projects"],
        headline=headline,
        city=city_name(row["city"], turn.language) or "—",
        min_budget=row["min_budget_sar"],
    )
    turn.ask(card, [("confirm_choice", "btn_confirm_choice"), ("choose_other", "btn_choose_other")])
    turn.goto("confirming_choice")


async def on_choosing(turn: Turn, reply_id: str, text: str) -> bool:
    """Handles a list tap or a typed number; False when the input is something else."""
    if reply_id.startswith(PICK):
        await pick(turn, reply_id[len(PICK) :])
    elif reply_id == MORE or (text and text.strip().lower() in {"المزيد", "مزيد", "more"}):
        await show_more(turn)
    elif reply_id == REDESCRIBE:
        for key in ("description", "analysis", "page", "shown", "offset", "selected", "embedding"):
            turn.data.pop(key, None)
        turn.say("ask_describe")
        turn.goto("describing")
    elif reply_id == CHOOSE_ANOTHER:
        await resend_list(turn)
    elif text.strip() and (chosen := await typed_choice(turn, text)) is not None:
        if chosen == AMBIGUOUS:
            turn.say("choosing_hint")
        else:
            await pick(turn, chosen)
    else:
        return False
    return True


AMBIGUOUS = "?"
# Ordinal and number words, normalised (khadum.analysis.text.normalize), 1-based.
ORDINALS: dict[str, int] = {
    **dict.fromkeys(("الاول", "اول", "الاولي", "اولي", "واحد", "first", "1st", "one"), 1),
    **dict.fromkeys(("الثاني", "ثاني", "الثانيه", "ثانيه", "اثنين", "اثنان", "ثنين", "second",
                     "2nd", "two"), 2),
    **dict.fromkeys(("الثالث", "ثالث", "الثالثه", "ثالثه", "ثلاثه", "ثلاث", "third", "3rd",
                     "three"), 3),
    **dict.fromkeys(("الرابع", "رابع", "الرابعه", "رابعه", "اربعه", "اربع", "fourth", "4th",
                     "four"), 4),
    **dict.fromkeys(("الخامس", "خامس", "الخامسه", "خامسه", "خمسه", "خمس", "fifth", "5th",
                     "five"), 5),
}
# Words around a choice: «أبي الثاني», «رقم 2», «الخيار الأول», "option 2", "I'll take Sara".
CHOICE_FILLERS = {
    "ابي", "ابغي", "ابغا", "اختار", "اخترت", "اختر", "رقم", "الخيار", "خيار", "المستقل",
    "المستقله", "هذا", "هذي", "نفسه", "لو سمحت", "option", "number", "no", "the", "i", "choose",
    "pick", "take", "want", "ll", "i'll", "please", "#", "يا", "ال",
}


async def typed_choice(turn: Turn, text: str) -> str | None:
    """The freelancer a typed answer names on the current page: a number in any
    script, an ordinal word, or (part of) a name; AMBIGUOUS when it fits several."""
    page: list[str] = turn.data.get("page", [])
    words = [
        w for w in re.split(r"[^\w']+", normalize(text)) if w and w not in CHOICE_FILLERS
    ]
    if not words or not page:
        return None
    if len(words) == 1:
        word = words[0].lstrip("#")
        number = int(word) if word.isdigit() else ORDINALS.get(word)
        if number is not None:
            return page[number - 1] if 1 <= number <= len(page) else None
    if len(words) > 4:
        return None
    wanted = " ".join(words)
    hits: list[str] = []
    async with turn.conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select id::text, display_name, display_name_en from public.freelancers "
            "where id = any(%s::uuid[])",
            (page,),
        )
        for row in await cur.fetchall():
            names = [normalize(n) for n in (row["display_name"], row["display_name_en"]) if n]
            if any(
                wanted == n or n.startswith(wanted + " ") or (" " + wanted) in n for n in names
            ):
                hits.append(row["id"])
    if len(hits) == 1:
        return hits[0]
    return AMBIGUOUS if hits else None
