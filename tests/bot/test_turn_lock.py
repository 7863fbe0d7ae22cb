"""Issue 9 (bot turns/s): a turn reads everything it needs in one statement
(`bot_turn_open`), and that statement is also the phone's lock: a worker that
finds the phone held skips it (PhoneBusy) and changes nothing; once the holder
is done, the item is processed exactly once."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from khadum.bot.inbox import InboundProcessor, PhoneBusy
from khadum.db import Database
from tests.factories import insert_inbound, phone_index
from tests.whatsapp.meta import bot_settings

PHONE = "+966508887700"


def store_greeting(url: str) -> None:
    with psycopg.connect(url) as conn:
        insert_inbound(conn, "wamid.lock" + secrets.token_hex(8), PHONE, "text",
                       {"type": "text", "text": {"body": "السلام عليكم"}}, profile_name="سارة")


def counts(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select (select count(*) from whatsapp_inbound where client_phone_index = %s "
            "        and processed_at is null), "
            "       (select count(*) from whatsapp_outbox where to_phone_index = %s)",
            (phone_index(PHONE), phone_index(PHONE))).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def test_a_held_phone_is_skipped_then_processed_once(clean_db: str) -> None:
    store_greeting(clean_db)
    database = Database(clean_db, max_size=2)
    await database.open()
    try:
        processor = InboundProcessor(database, bot_settings(clean_db))
        with psycopg.connect(clean_db) as holder:
            opened = holder.execute(
                "select locked, item_source, msg_type, conv_found, window_times "
                "from bot_turn_open(%s, false, %s)", (PHONE, phone_index(PHONE))).fetchone()
            assert opened is not None
            locked, source, msg_type, found, window = opened
            assert (locked, source, msg_type, found) == (True, "message", "text", False)
            assert len(window) == 1  # the greeting itself, within its minute
            with pytest.raises(PhoneBusy):
                await processor.process_phone(PHONE, wait=False)
            assert counts(clean_db) == (1, 0)  # skipped: nothing read as done, nothing queued
            holder.rollback()  # the holder lets go
        assert await processor.process_phone(PHONE, wait=False) == 1
        assert await processor.process_phone(PHONE, wait=False) == 0
        unprocessed, queued = counts(clean_db)
        assert unprocessed == 0 and queued >= 1
    finally:
        await database.close()


async def test_nothing_waiting_opens_nothing(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        row = conn.execute(
            "select locked, item_source, more_waiting from bot_turn_open(%s, true, %s)",
            (PHONE, phone_index(PHONE))).fetchone()
    assert row == (True, None, False)
