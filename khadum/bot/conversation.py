"""One turn of a conversation: the state loaded under the phone's lock, the
replies it produces, and saving both in the caller's transaction.

`bot_conversations` holds the client's number and the whole state sealed
(khadum/crypto.py; migration 20251203000100), keyed by the number's blind index:
`turn_from` opens what `bot_turn_open` read, `save_state` seals what it writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from khadum.analysis import Analyser
from khadum.bot.catalogue import t
from khadum.crypto import Keyring
from khadum.requests import sealed
from khadum.settings import Settings
from khadum.whatsapp import messages
from khadum.whatsapp import sealed as outbox
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
    # The phone's keyed blind index (the conversation's key, the outbox's window).
    phone_index: str = ""
    # The worker's keyring (read once per worker; locally it is read from disk).
    ring: Keyring | None = None

    @property
    def keys(self) -> Keyring:
        if self.ring is None:
            self.ring = sealed.keys(self.settings)
        return self.ring

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


DATA = "bot_conversations.data"  # the sealed state's context


def seal_state(keys: Keyring, data: dict[str, Any]) -> str:
    return keys.encrypt(json.dumps(data, ensure_ascii=False), DATA)


def open_state(keys: Keyring, stored: Any) -> dict[str, Any]:
    """The state `seal_state` stored (psycopg loads a jsonb string as str)."""
    if not isinstance(stored, str):
        raise TypeError("bot_conversations.data is not sealed")
    value = json.loads(keys.decrypt(stored, DATA))
    return value if isinstance(value, dict) else {}


def turn_from(
    conn: Any, phone: str, opened: dict[str, Any], analyser: Analyser, settings: Settings,
    *, phone_index: str, keys: Keyring,
) -> Turn:
    """The turn `bot_turn_open` read (conversation row locked for update), opened."""
    if not opened["conv_found"]:
        turn = Turn(conn, phone, "new", "ar", {}, analyser, settings, is_new=True, ring=keys)
    else:
        turn = Turn(conn, phone, opened["conv_state"], opened["conv_language"],
                    open_state(keys, opened["conv_data"]), analyser, settings, ring=keys)
    turn.window = opened["window_times"]
    turn.phone_index = phone_index
    return turn


async def save_turn(turn: Turn) -> None:
    """The conversation's new state and its replies, in the caller's transaction."""
    await save_state(turn, inbound=True)
    await queue_bodies(turn.conn, turn.phone, turn.out, keys=turn.keys, locale=turn.language,
                       phone_index=turn.phone_index)


async def save_state(turn: Turn, *, inbound: bool) -> None:
    await turn.conn.execute(
        """
        insert into public.bot_conversations (client_phone, client_phone_index, state,
          language, data, last_inbound_at)
        values (%s, %s, %s, %s, %s, case when %s then now() end)
        on conflict (client_phone_index) do update set state = excluded.state,
          language = excluded.language, data = excluded.data,
          last_inbound_at = coalesce(excluded.last_inbound_at, bot_conversations.last_inbound_at),
          updated_at = now()
        """,
        (turn.keys.encrypt(turn.phone, sealed.PHONE), turn.phone_index, turn.state,
         turn.language, Jsonb(seal_state(turn.keys, turn.data)), inbound),
    )


async def queue_bodies(
    conn: Any,
    phone: str,
    bodies: Sequence[Body],
    *,
    keys: Keyring,
    locale: str = "ar",
    request_id: str | None = None,
    template: Body | None = None,
    phone_index: str | None = None,
) -> None:
    """Finished outbox rows, sealed (khadum/whatsapp/sealed.py). With `template` (a
    notice), the first body carries it as its approved-template alternative and
    the rest go only while the 24-hour window is open (the outbox decides as they
    leave)."""
    if not bodies:
        return
    index = phone_index or sealed.phone_index(keys, phone)
    rows = [
        outbox.outbox_row(keys, phone, body, phone_index=index,
                          template=template if index_ == 0 else None)
        for index_, body in enumerate(bodies)
    ]
    async with conn.cursor() as cur:
        await cur.executemany(
            "insert into public.whatsapp_outbox (to_phone, to_phone_index, to_phone_display, "
            "body, body_kind, template_body, requires_window, locale, request_id) "
            "values (%(to_phone)s, %(to_phone_index)s, %(to_phone_display)s, %(body)s, "
            "%(body_kind)s, %(template_body)s, %(requires_window)s, %(locale)s, %(request_id)s)",
            [
                {**row, "requires_window": template is not None and index_ > 0,
                 "locale": locale, "request_id": request_id}
                for index_, row in enumerate(rows)
            ],
        )
