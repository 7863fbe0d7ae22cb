"""Dispatch one inbound WhatsApp message through the conversation's state machine.

States: new → describing → choosing → confirming_choice → ask_name → ask_email →
ask_details → ask_budget → ask_reason → confirm_summary (→ editing) → waiting;
awaiting_details_answer after a freelancer's question; idle after cancel or an
answered request.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from khadum.analysis.local import category_scores
from khadum.analysis.pleasantries import Peeled, peel
from khadum.analysis.text import detect_language, normalize
from khadum.bot import choosing, commands, intake
from khadum.bot.conversation import Incoming, Turn
from khadum.bot.dates import riyadh_clock
from khadum.bot.followups import answer_details
from khadum.bot.validate import is_no, is_yes

RATE_LIMIT_PER_MINUTE = 20
MEDIA_TYPES = {"audio", "image", "sticker", "location", "contacts", "video", "document"}
IGNORED_TYPES = {"reaction", "system", "ephemeral", "request_welcome"}
# Steps where a yes/no word is an answer, not small talk.
YES_NO_STEPS = {"confirming_choice", "confirm_summary", "ask_details", "ask_budget", "ask_reason"}
# Steps whose free text goes to someone else as it is (the freelancer's question).
PASS_THROUGH = {"awaiting_details_answer"}


def incoming_from(message_type: str, payload: dict[str, Any], profile_name: str | None) -> Incoming:
    if message_type == "text":
        return Incoming(
            "text",
            text=str((payload.get("text") or {}).get("body") or ""),
            profile_name=profile_name,
        )
    if message_type == "interactive":
        inter = payload.get("interactive") or {}
        reply = inter.get("list_reply") or inter.get("button_reply") or {}
        return Incoming(
            "reply",
            reply_id=str(reply.get("id") or ""),
            text=str(reply.get("title") or ""),
            profile_name=profile_name,
        )
    if message_type == "button":  # a template's quick reply
        button = payload.get("button") or {}
        return Incoming(
            "reply",
            reply_id=str(button.get("payload") or ""),
            text=str(button.get("text") or ""),
            profile_name=profile_name,
        )
    if message_type in IGNORED_TYPES:
        return Incoming("ignore")
    media = message_type if message_type in MEDIA_TYPES else "other"
    return Incoming("media", media_type=media, profile_name=profile_name)


MAX_DEFERRED = 30  # a burst beyond this is not kept (abuse, not a conversation)


async def _window(turn: Turn, limit: int) -> datetime | None:
    """None while the phone's messages in the minute up to the one being processed
    (the oldest unprocessed; later ones do not count against it) are within the
    limit; else when the window will have room again."""
    times = turn.window
    if times is None:
        cur = await turn.conn.execute("select public.client_rate_window(%s)",
                                      (turn.phone_index,))
        row = await cur.fetchone()
        times = list(row[0]) if row and row[0] else []
    if len(times) <= limit:
        return None
    free_at: datetime = times[len(times) - limit - 1] + timedelta(seconds=60)
    return free_at


async def rate_limited(turn: Turn, incoming: Incoming, limit: int) -> bool:
    """Over the limit, the message is kept (in order) rather than dropped, and the
    client is told once when the bot will go on; kept messages are answered first
    as soon as the window has room."""
    free_at = await _window(turn, limit)
    if free_at is None:
        return False
    deferred = turn.data.setdefault("deferred", [])
    if len(deferred) < MAX_DEFERRED:
        deferred.append(asdict(incoming))
    if not turn.data.get("throttled"):
        turn.say("rate_limited_queued", time=riyadh_clock(free_at, turn.language))
    turn.data["throttled"] = True
    return True


async def resume_deferred(turn: Turn) -> None:
    """Answers the messages a burst left waiting, oldest first (also callable from a
    periodic job once the window has room, so a client who goes quiet is answered)."""
    deferred = turn.data.pop("deferred", None) or []
    turn.data.pop("throttled", None)
    for kept in deferred:
        await _handle_one(turn, Incoming(**kept))


async def handle(
    turn: Turn, incoming: Incoming, *, rate_limit: int = RATE_LIMIT_PER_MINUTE
) -> None:
    if incoming.kind == "ignore" or await rate_limited(turn, incoming, rate_limit):
        return
    await resume_deferred(turn)
    await _handle_one(turn, incoming)


async def _handle_one(turn: Turn, incoming: Incoming) -> None:
    peeled = Peeled()
    raw = incoming.text
    if incoming.kind == "text" and turn.state not in PASS_THROUGH:
        peeled = peel(incoming.text)
        if peeled.kinds and not (turn.state in YES_NO_STEPS and _yes_or_no(incoming.text)):
            incoming = replace(incoming, text=peeled.rest)
    if turn.state == "new":
        await _first_contact(turn, incoming, peeled, raw)
        return
    if incoming.kind == "text":
        start = len(turn.out)
        command = commands.command_for(incoming.text)
        if command:
            await commands.run(turn, command, reprompt)
            _in_kind(turn, peeled, start)
            return
        if await _small_talk(turn, incoming, peeled):
            return
        await STATES.get(turn.state, _idle)(turn, incoming)
        _in_kind(turn, peeled, start, salam_only=True)
        return
    if incoming.kind == "media":
        turn.say(
            "details_text_only"
            if turn.state == "awaiting_details_answer"
            else f"unsupported.{incoming.media_type}"
        )
        if turn.state != "awaiting_details_answer":
            await reprompt(turn)
        return
    await STATES.get(turn.state, _idle)(turn, incoming)


def _yes_or_no(text: str) -> bool:
    return is_yes(text) or is_no(text)


def _in_kind(turn: Turn, peeled: Peeled, start: int, *, salam_only: bool = False) -> None:
    """Answers a greeting or thanks in kind, on top of the step's own reply (a
    salam is always returned, even when the message goes on to the need)."""
    keys = [k for k in peeled.reply_keys() if not salam_only or k == "smalltalk.salam"]
    if keys:
        turn.prefix_from(start, " ".join(turn.tr(k) for k in keys))


async def _small_talk(turn: Turn, incoming: Incoming, peeled: Peeled) -> bool:
    """A message that is only pleasantries, laughter, emoji, or a stray yes/no:
    answered in kind, then the step it interrupted is asked again."""
    if turn.state in PASS_THROUGH:
        return False
    stray_yes_no = turn.state not in YES_NO_STEPS and _yes_or_no(incoming.text)
    only_pleasantries = bool(peeled.kinds) and not incoming.text.strip()
    if not (only_pleasantries or stray_yes_no):
        return False
    start = len(turn.out)
    if turn.state == "idle":
        turn.say("smalltalk.anything_else")
    elif turn.state == "choosing":
        turn.say("choosing_hint")
    else:
        await reprompt(turn)
    _in_kind(turn, peeled, start)
    return True


async def _first_contact(turn: Turn, incoming: Incoming, peeled: Peeled, raw: str) -> None:
    if incoming.kind == "text" and raw.strip():
        turn.language = detect_language(raw)
    name = (incoming.profile_name or "").split(" ")[0] or (
        "بك" if turn.language == "ar" else "there"
    )
    replies = [k for k in peeled.reply_keys() if k in {"smalltalk.salam", "smalltalk.how_are_you"}]
    welcome = turn.tr("greeting", name=name)
    turn.say_text("\n".join([*(turn.tr(k) for k in replies), welcome]))
    words = incoming.text.strip() if incoming.kind == "text" else ""
    if words and commands.command_for(words) is None and not _yes_or_no(words):
        await intake.describe(turn, words)
        return
    if incoming.kind == "media":
        turn.say(f"unsupported.{incoming.media_type}")
    turn.say("ask_describe")
    turn.goto("describing")


def _normalized(text: str) -> str:
    return normalize(text).strip(" .!،,")


async def reprompt(turn: Turn) -> None:
    """Repeats what the current step is waiting for."""
    state = turn.state
    if state in {"new", "describing", "idle"}:
        turn.say("ask_describe")
    elif state == "choosing":
        await choosing.resend_list(turn)
    elif state == "confirming_choice":
        turn.ask(
            turn.tr("confirm_choice_again", name=turn.data.get("selected_name", "")),
            [("confirm_choice", "btn_confirm_choice"), ("choose_other", "btn_choose_other")],
        )
    elif state.startswith("ask_"):
        await intake.prompt_field(turn, state[len("ask_") :])
    elif state in {"confirm_summary", "editing"}:
        await intake.show_summary(turn)
    elif state == "waiting":
        turn.say("waiting_reminder", freelancer=turn.data.get("freelancer_name", ""))


async def _describing(turn: Turn, incoming: Incoming) -> None:
    if incoming.kind == "text" and incoming.text.strip():
        await intake.describe(turn, incoming.text)
    else:
        await _stale(turn)


async def _choosing(turn: Turn, incoming: Incoming) -> None:
    if await choosing.on_choosing(
        turn, incoming.reply_id, incoming.text if incoming.kind == "text" else ""
    ):
        return
    if incoming.kind == "text" and incoming.text.strip():
        if _adds_to_the_need(incoming.text):
            await intake.describe(turn, incoming.text)  # more about the need: rank again
        else:
            turn.say("choosing_hint")
    else:
        await _stale(turn)


def _adds_to_the_need(text: str) -> bool:
    """At the list, a sentence about the work refines the request; a stray word does not."""
    return bool(category_scores(normalize(text))) or len(text.split()) >= 4


async def _confirming_choice(turn: Turn, incoming: Incoming) -> None:
    if incoming.reply_id == "confirm_choice" or (incoming.kind == "text" and is_yes(incoming.text)):
        await intake.ask_next(turn)
    elif incoming.reply_id == "choose_other" or (incoming.kind == "text" and is_no(incoming.text)):
        await choosing.resend_list(turn)
    elif incoming.reply_id.startswith(choosing.PICK):
        await choosing.pick(turn, incoming.reply_id[len(choosing.PICK) :])
    else:
        await reprompt(turn)


def _asking(field: str) -> Any:
    async def handler(turn: Turn, incoming: Incoming) -> None:
        if incoming.kind == "text" or (field == "reason" and incoming.reply_id == "use_suggested"):
            await intake.answer_field(
                turn, field, incoming.text if incoming.kind == "text" else "", incoming.reply_id
            )
        else:
            await _stale(turn)

    return handler


async def _confirm_summary(turn: Turn, incoming: Incoming) -> None:
    if incoming.reply_id == "submit" or (incoming.kind == "text" and is_yes(incoming.text)):
        await intake.submit(turn)
    elif incoming.reply_id == "edit" or (
        incoming.kind == "text" and _normalized(incoming.text) in {"تعديل", "edit"}
    ):
        _edit_menu(turn)
    elif incoming.reply_id == "cancel":
        await commands.run(turn, "cancel", reprompt)
    else:
        turn.say("summary_again")
        await intake.show_summary(turn)


EDITABLE = ("name", "email", "details", "budget", "reason", "freelancer", "description")


def _edit_menu(turn: Turn) -> None:
    rows = [(f"edit:{f}", turn.tr(f"edit_{f}"), "") for f in EDITABLE]
    turn.show_list(
        turn.tr("edit_prompt"), turn.tr("edit_button"), [(turn.tr("edit_section"), rows)]
    )
    turn.goto("editing")


async def _editing(turn: Turn, incoming: Incoming) -> None:
    field = incoming.reply_id.removeprefix("edit:")
    if field in intake.FIELDS:
        turn.data.pop(field, None)
        turn.data["editing"] = True
        turn.goto(f"ask_{field}")
        await intake.prompt_field(turn, field)
    elif field == "freelancer":
        turn.data.pop("reason", None)
        await choosing.resend_list(turn)
    elif field == "description":
        for key in ("description", "analysis", "page", "shown", "offset", "selected", "reason"):
            turn.data.pop(key, None)
        turn.say("ask_describe")
        turn.goto("describing")
    else:
        _edit_menu(turn)


async def _waiting(turn: Turn, incoming: Incoming) -> None:
    if incoming.reply_id == choosing.CHOOSE_ANOTHER and turn.data.get("analysis"):
        await choosing.resend_list(turn)
    else:
        turn.say("waiting_reminder", freelancer=turn.data.get("freelancer_name", ""))


async def _awaiting_details(turn: Turn, incoming: Incoming) -> None:
    if incoming.kind != "text" or not incoming.text.strip():
        turn.say("details_text_only")
        return
    await answer_details(turn, incoming.text)


async def _idle(turn: Turn, incoming: Incoming) -> None:
    if incoming.kind == "text" and incoming.text.strip():
        intake.start_over(turn)
        await intake.describe(turn, incoming.text)
    elif incoming.reply_id == choosing.CHOOSE_ANOTHER and turn.data.get("analysis"):
        await choosing.resend_list(turn)
    else:
        turn.say("idle_prompt")
        turn.goto("describing")


async def _stale(turn: Turn) -> None:
    turn.say("stale_choice")
    await reprompt(turn)


STATES: dict[str, Any] = {
    "describing": _describing,
    "choosing": _choosing,
    "confirming_choice": _confirming_choice,
    "ask_name": _asking("name"),
    "ask_email": _asking("email"),
    "ask_details": _asking("details"),
    "ask_budget": _asking("budget"),
    "ask_reason": _asking("reason"),
    "confirm_summary": _confirm_summary,
    "editing": _editing,
    "waiting": _waiting,
    "awaiting_details_answer": _awaiting_details,
    "idle": _idle,
}
