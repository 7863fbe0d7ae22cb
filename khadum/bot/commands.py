"""Words the client may write at any moment: help, status, cancel, new request,
and switching language."""

from __future__ import annotations

from psycopg.rows import dict_row

from khadum.analysis.text import normalize
from khadum.bot import intake
from khadum.bot.conversation import Turn
from khadum.bot.dates import riyadh_words
from khadum.names import display_name
from khadum.requests import sealed

COMMANDS: dict[str, set[str]] = {
    "help": {
        "مساعده",
        "المساعده",
        "help",
        "?",
        "؟",
        "الاوامر",
        "menu",
        "قائمه الاوامر",
        "commands",
    },
    "status": {
        "حاله",
        "الحاله",
        "حاله الطلب",
        "حاله طلبي",
        "حاله طلباتي",
        "طلباتي",
        "status",
        "my requests",
        "request status",
    },
    "cancel": {"الغاء", "الغ", "الغاء الطلب", "cancel", "stop", "cancel request"},
    "restart": {
        "طلب جديد",
        "جديد",
        "ابدا من جديد",
        "من جديد",
        "new",
        "new request",
        "restart",
        "start over",
        "reset",
    },
    "english": {"english", "انجليزي", "انقليزي", "بالانجليزي", "بالانقليزي", "الانجليزيه", "en"},
    "arabic": {"عربي", "arabic", "بالعربي", "العربيه", "ar", "عربى"},
}
IN_FLOW = {
    "describing",
    "choosing",
    "confirming_choice",
    "ask_name",
    "ask_email",
    "ask_details",
    "ask_budget",
    "ask_reason",
    "confirm_summary",
    "editing",
}


def command_for(text: str) -> str | None:
    word = normalize(text).strip(" .!،,")
    return next((name for name, words in COMMANDS.items() if word in words), None)


async def run(turn: Turn, command: str, reprompt: object) -> None:
    if command == "help":
        turn.say("help")
        if turn.state in IN_FLOW:
            turn.say("resume")
            if callable(reprompt):
                await reprompt(turn)
    elif command == "status":
        await _status(turn)
        if turn.state in IN_FLOW:
            turn.say("status_draft")
            if callable(reprompt):
                await reprompt(turn)
    elif command == "cancel":
        if turn.state in IN_FLOW:
            intake.start_over(turn)
            turn.say("cancelled")
            turn.goto("idle")
        else:
            turn.say("nothing_to_cancel")
    elif command == "restart":
        intake.start_over(turn)
        turn.say("ask_describe")
        turn.goto("describing")
    else:
        turn.language = "en" if command == "english" else "ar"
        turn.data["language_locked"] = True
        turn.say("language_switched")
        if callable(reprompt):
            await reprompt(turn)


async def _status(turn: Turn) -> None:
    async with turn.conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            """
            select public.effective_status(r) as status, r.created_at,
                   f.display_name, f.display_name_en
            from public.client_requests r left join public.freelancers f on f.id = r.freelancer_id
            where r.client_phone_index = %s order by r.created_at desc limit 5
            """,
            (sealed.phone_index(sealed.keys(turn.settings), turn.phone),),
        )
        rows = await cur.fetchall()
    if not rows:
        turn.say("status_none")
        return
    lines = [turn.tr("status_header")]
    for r in rows:
        name = display_name(r["display_name"], r["display_name_en"], turn.language)
        lines.append(
            turn.tr(
                "status_line",
                freelancer=name or "—",
                status=turn.tr(f"status.{r['status']}"),
                date=riyadh_words(r["created_at"], turn.language),
            )
        )
    turn.say_text("\n".join(lines))
