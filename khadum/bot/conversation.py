"""One turn of a conversation: the state loaded under the phone's lock, the
replies it produces, and saving both in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from khadum.analysis import Analyser
from khadum.bot.catalogue import t
from khadum.settings import Settings
from khadum.whatsapp import messages
from khadum.whatsapp.messages import Body, Row


@dataclass(frozen=True)
class Incoming:
    """What the client sent, reduced to what the bot acts on."""

    kind: str  # text | reply | media | ignore
    text: str = ""
    reply_id: str = ""
    media_type: str = ""
    profile_name: str | None = None


@dataclass
class Turn:
    conn: Any
    phone: str
    state: str
    language: str
    data: dict[str, Any]
    analyser: Analyser
    settings: Settings
    is_new: bool = False
    out: list[Body] = field(default_factory=list)
    # The message's rate-limit window (`client_rate_window`) when the worker read
    # it with the turn (`bot_turn_open`); None: the bot asks for it.
    window: list[datetime] | None = None

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.language, **params)

    def say(self, key: str, **params: object) -> None:
        self.out.append(messages.text(self.phone, self.tr(key, **params)))

    def say_text(self, body: str, *, preview_url: bool = False) -> None:
        self.out.append(messages.text(self.phone, body, preview_url=preview_url))

    def ask(self, body: str, choices: Sequence[tuple[str, str]]) -> None:
        """Reply buttons; `choices` are (id, catalogue key)."""
        self.out.append(
            messages.buttons(self.phone, body, [(cid, self.tr(key)) for cid, key in choices])
        )

    def show_list(
        self, body: str, button: str, sections: Sequence[tuple[str, Sequence[Row]]]
    ) -> None:
        self.out.append(messages.list_message(self.phone, body, button, sections))

    def prefix_from(self, start: int, line: str) -> None:
        """Puts `line` at the top of the first reply queued since `start` (one
        message rather than two), or sends it alone when nothing was queued."""
        for body in self.out[start:]:
            if body.get("type") == "text":
                body["text"]["body"] = messages.clip(
                    f"{line}\n{body['text']['body']}", messages.TEXT_MAX
                )
                return
            if body.get("type") == "interactive":
                inner = body["interactive"]["body"]
                inner["text"] = messages.clip(
                    f"{line}\n{inner['text']}", messages.INTERACTIVE_BODY_MAX
                )
                return
        self.say_text(line)

    def goto(self, state: str) -> None:
        self.state = state


async def load_turn(conn: Any, phone: str, analyser: Analyser, settings: Settings) -> Turn:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select state, language, data from public.bot_conversations where client_phone = %s "
            "for update",
            (phone,),
        )
        row = await cur.fetchone()
    if row is None:
        return Turn(conn, phone, "new", "ar", {}, analyser, settings, is_new=True)
    return Turn(conn, phone, row["state"], row["language"], dict(row["data"]), analyser, settings)


def turn_from(
    conn: Any, phone: str, opened: dict[str, Any], analyser: Analyser, settings: Settings
) -> Turn:
    """The turn `bot_turn_open` read (conversation row locked for update)."""
    if not opened["conv_found"]:
        turn = Turn(conn, phone, "new", "ar", {}, analyser, settings, is_new=True)
    else:
        turn = Turn(conn, phone, opened["conv_state"], opened["conv_language"],
                    dict(opened["conv_data"]), analyser, settings)
    turn.window = opened["window_times"]
    return turn


async def save_turn(turn: Turn) -> None:
    """The conversation's new state and its replies, in the caller's transaction."""
    await save_state(turn, inbound=True)
    await queue_bodies(turn.conn, turn.phone, turn.out, locale=turn.language)


async def save_state(turn: Turn, *, inbound: bool) -> None:
    await turn.conn.execute(
        """
        insert into public.bot_conversations (client_phone, state, language, data, last_inbound_at)
        values (%s, %s, %s, %s, case when %s then now() end)
        on conflict (client_phone) do update set state = excluded.state,
          language = excluded.language, data = excluded.data,
          last_inbound_at = coalesce(excluded.last_inbound_at, bot_conversations.last_inbound_at),
          updated_at = now()
        """,
        (turn.phone, turn.state, turn.language, Jsonb(turn.data), inbound),
    )


async def queue_bodies(
    conn: Any,
    phone: str,
    bodies: Sequence[Body],
    *,
    locale: str = "ar",
    request_id: str | None = None,
    template: Body | None = None,
) -> None:
    """Finished outbox rows. With `template` (a notice), the first body carries
    it as its approved-template alternative and the rest go only while the
    24-hour window is open (the outbox decides as they leave)."""
    if not bodies:
        return
    async with conn.cursor() as cur:
        await cur.executemany(
            "insert into public.whatsapp_outbox (to_phone, body, template_body, requires_window, "
            "locale, request_id) values (%s, %s, %s, %s, %s, %s)",
            [
                (
                    phone,
                    Jsonb(body),
                    Jsonb(template) if template is not None and index == 0 else None,
                    template is not None and index > 0,
                    locale,
                    request_id,
                )
                for index, body in enumerate(bodies)
            ],
        )
