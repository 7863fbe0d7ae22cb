"""Issue 16, the bot's tables: raw WhatsApp messages (`whatsapp_inbound`) and the
conversations (`bot_conversations`) hold no plain client data; a plain value is
refused by the database whatever the path; `khadum keys rotate` re-encrypts them
(and seals rows written before they were encrypted) and the bot goes on under
the new key alone; a wrong key fails loudly, naming the column, never the value."""

from __future__ import annotations

import logging
import secrets

import psycopg
import pytest
from psycopg.types.json import Jsonb

from khadum import keys as keys_module
from khadum.bot.conversation import open_state
from khadum.crypto import keyring_from, new_key
from khadum.devstack.keys import LocalKeys
from khadum.requests import sealed
from khadum.settings import Settings, get_settings
from khadum.whatsapp.store import open_message
from tests.factories import bot_conversation, insert_inbound, keys, phone_index
from tests.whatsapp.meta import WhatsAppUser, bot_settings, text_of, webhook_client

PHONE = "+966501112299"
NAME = "سلمى العتيبي"
NEED = "أبي تصميم شعار لمقهى الورد في جدة"
# What must be nowhere in plain text: the number (with or without +966), the
# profile name and the client's words.
SECRETS = ("501112299", "سلمى", "مقهى الورد")
TABLES = ("whatsapp_inbound", "bot_conversations")


def _text_columns(conn: psycopg.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'public' "
        "and table_name = %s and data_type in ('text', 'character varying', 'jsonb', 'json')",
        (table,)).fetchall()]


def _leaks(conn: psycopg.Connection) -> list[tuple[str, str]]:
    found = []
    for table in TABLES:
        for column in _text_columns(conn, table):
            values = [str(v) for (v,) in conn.execute(
                f'select "{column}"::text from public.{table} where "{column}" is not null')]
            found += [(f"{table}.{column}", s) for s in SECRETS if any(s in v for v in values)]
    return found


def _local_keys() -> tuple[str, str]:
    local = LocalKeys(get_settings().khadum_local_auth_dir).data_keys
    return str(local["data_keys"]), str(local["blind_index_key"])


def _with_keys(url: str, data_keys: str, blind: str) -> Settings:
    return bot_settings(url, khadum_data_keys=data_keys, khadum_blind_index_key=blind)


async def test_no_plain_client_data_in_the_bot_tables_yet_the_bot_reads_it(
        clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, NAME)
        greeting = await user.say("السلام عليكم")
        assert "سلمى" in text_of(greeting[0])  # the profile name, opened for the greeting
        listing = await user.say(NEED)
        assert listing[-1]["type"] == "interactive"
    with psycopg.connect(clean_db) as conn:
        rows = conn.execute("select client_phone, client_phone_index, client_phone_display, "
                            "payload, profile_name from whatsapp_inbound "
                            "order by received_at").fetchall()
        assert len(rows) == 2
        assert _leaks(conn) == []
        conversation = bot_conversation(conn, PHONE)
    # What is stored opens to what the client sent, under the columns' contexts.
    ring = keys()
    for stored_phone, index, display, payload, profile in rows:
        assert ring.decrypt(stored_phone, sealed.PHONE) == PHONE
        assert index == phone_index(PHONE) and display == sealed.phone_display(PHONE)
        opened, name = open_message(ring, payload, profile)
        assert opened["from"] == PHONE.lstrip("+") and name == NAME
    assert open_message(ring, rows[1][3], None)[0]["text"]["body"] == NEED
    assert conversation is not None and conversation["client_phone"] == PHONE
    assert conversation["state"] == "choosing"
    assert conversation["data"]["description"] == NEED


def test_the_database_refuses_plain_values_whatever_the_path(conn: psycopg.Connection) -> None:
    ring = keys()
    sealed_phone, index = ring.encrypt(PHONE, sealed.PHONE), phone_index(PHONE)
    payload = {"from": PHONE.lstrip("+"), "type": "text", "text": {"body": NEED}}
    attempts = [
        ("whatsapp_inbound_payload_sealed",
         "insert into whatsapp_inbound (wamid, client_phone, client_phone_index, message_type, "
         "payload) values (%s, %s, %s, 'text', %s)",
         ("wamid.plain1", sealed_phone, index, Jsonb(payload))),
        ("whatsapp_inbound_payload_sealed",  # a JSON string that is not a sealed value
         "insert into whatsapp_inbound (wamid, client_phone, client_phone_index, message_type, "
         "payload) values (%s, %s, %s, 'text', %s)",
         ("wamid.plain2", sealed_phone, index, Jsonb(NEED))),
        ("whatsapp_inbound_phone_sealed",
         "insert into whatsapp_inbound (wamid, client_phone, client_phone_index, message_type, "
         "payload) values (%s, %s, %s, 'text', %s)",
         ("wamid.plain3", PHONE, index, Jsonb(ring.encrypt("{}", "whatsapp_inbound.payload")))),
        ("whatsapp_inbound_phone_index_check",
         "insert into whatsapp_inbound (wamid, client_phone, message_type, payload) "
         "values (%s, %s, 'text', %s)",
         ("wamid.plain4", sealed_phone, Jsonb(ring.encrypt("{}", "whatsapp_inbound.payload")))),
        ("whatsapp_inbound_profile_name_sealed",
         "insert into whatsapp_inbound (wamid, client_phone, client_phone_index, message_type, "
         "payload, profile_name) values (%s, %s, %s, 'text', %s, %s)",
         ("wamid.plain5", sealed_phone, index,
          Jsonb(ring.encrypt("{}", "whatsapp_inbound.payload")), NAME)),
        ("bot_conversations_data_sealed",
         "insert into bot_conversations (client_phone, client_phone_index, data) "
         "values (%s, %s, %s)",
         (sealed_phone, index, Jsonb({"description": NEED}))),
        ("bot_conversations_phone_sealed",
         "insert into bot_conversations (client_phone, client_phone_index, data) "
         "values (%s, %s, %s)",
         (PHONE, index, Jsonb(ring.encrypt("{}", "bot_conversations.data")))),
    ]
    for constraint, statement, params in attempts:
        with pytest.raises(psycopg.errors.CheckViolation) as refused, conn.transaction():
            conn.execute(statement, params)
        assert refused.value.diag.constraint_name == constraint
    # A stored row cannot be turned back into plain text either.
    insert_inbound(conn, "wamid.sealed", PHONE, "text", payload)
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        conn.execute("update whatsapp_inbound set payload = %s where wamid = 'wamid.sealed'",
                     (Jsonb(payload),))


async def test_rotation_keeps_the_bot_going_and_a_wrong_key_fails_loudly(
        clean_db: str, caplog: pytest.LogCaptureFixture) -> None:
    old_keys, blind = _local_keys()
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, NAME)
        await user.say("السلام عليكم")
        await user.say(NEED)
    fresh = new_key()
    rotated = keyring_from(f"next:{fresh},{old_keys}", blind)
    with psycopg.connect(clean_db, autocommit=True) as conn:
        report = keys_module.rotate(conn, rotated)
        assert report["whatsapp_inbound.payload"] == 2
        assert report["whatsapp_inbound.client_phone"] == 2
        assert report["whatsapp_inbound.profile_name"] == 2
        assert report["bot_conversations.client_phone"] == 1
        assert report["bot_conversations.data"] == 1
        stored = conn.execute("select payload #>> '{}', client_phone, profile_name "
                              "from whatsapp_inbound union all select data #>> '{}', "
                              "client_phone, null from bot_conversations").fetchall()
        assert {rotated.kid_of(v) for row in stored for v in row if v} == {"next"}
        # A second run has nothing left to do.
        assert sum(keys_module.rotate(conn, rotated).values()) == 0

    # The old key dropped: the bot reads the conversation and goes on.
    only_new = f"next:{fresh}"
    async with webhook_client(_with_keys(clean_db, only_new, blind)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, NAME)
        reply = await user.say("الأول")  # picks from the list the earlier turn showed
        assert reply and "تبي ترسل طلبك" in text_of(reply[0])
    new_ring = keyring_from(only_new, blind)
    with psycopg.connect(clean_db) as conn:
        row = conn.execute("select state, data from bot_conversations where "
                           "client_phone_index = %s", (phone_index(PHONE),)).fetchone()
    assert row is not None and row[0] == "confirming_choice"
    assert open_state(new_ring, row[1])["description"] == NEED

    # A wrong key (same key id, other material) opens nothing: the turn fails, is
    # recorded on the message by column and key id, and nothing is sent.
    wrong = f"next:{new_key()}"
    caplog.set_level(logging.INFO)
    async with webhook_client(_with_keys(clean_db, wrong, blind)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, NAME)
        assert await user.say("مساعدة") == []
    with psycopg.connect(clean_db) as conn:
        failed = conn.execute("select last_error from whatsapp_inbound "
                              "where processed_at is null").fetchall()
    assert len(failed) == 1 and failed[0][0] is not None
    assert "DecryptionError" in failed[0][0] and "bot_conversations.data" in failed[0][0]
    assert "key next does not open" in failed[0][0]
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "bot_conversations.data" in logged
    assert not [s for s in (*SECRETS, NEED, "مساعدة") if s in failed[0][0]]
    # (The number itself is redacted from logs by khadum/redact.py, installed by
    # the deployed apps: tests/e2e/test_log_redaction.py.)
    assert not [s for s in ("سلمى", "مقهى الورد", NEED, "مساعدة") if s in logged]


def test_rotate_seals_rows_stored_before_the_bot_tables_were_encrypted(clean_db: str) -> None:
    """A database upgraded from plain text: its rows (written before the check
    constraints, which are NOT VALID for them) are sealed with their blind index,
    after which the constraints validate."""
    old_keys, blind = _local_keys()
    ring = keyring_from(old_keys, blind)
    wamid = "wamid.legacy" + secrets.token_hex(4)
    payload = {"from": PHONE.lstrip("+"), "type": "text", "text": {"body": NEED}}
    with psycopg.connect(clean_db, autocommit=True) as setup:
        # As before migration 20251203000100: plain values (the checks set aside
        # for the insert, as a row that predates them).
        setup.execute("alter table whatsapp_inbound "
                      "drop constraint whatsapp_inbound_payload_sealed, "
                      "drop constraint whatsapp_inbound_phone_sealed, "
                      "drop constraint whatsapp_inbound_phone_index_check, "
                      "drop constraint whatsapp_inbound_profile_name_sealed")
        setup.execute("alter table bot_conversations "
                      "drop constraint bot_conversations_data_sealed, "
                      "drop constraint bot_conversations_phone_sealed, "
                      "drop constraint bot_conversations_phone_index_check")
        try:
            setup.execute("insert into whatsapp_inbound (wamid, client_phone, message_type, "
                          "payload, profile_name) values (%s, %s, 'text', %s, %s)",
                          (wamid, PHONE, Jsonb(payload), NAME))
            setup.execute("insert into bot_conversations (client_phone, state, data) "
                          "values (%s, 'choosing', %s)", (PHONE, Jsonb({"description": NEED})))
        finally:
            setup.execute(_RESTORE_CHECKS)
        report = keys_module.rotate(setup, ring)
        assert report["whatsapp_inbound.payload"] >= 1
        assert report["bot_conversations.data"] >= 1
        # Nothing plain is left: the checks now hold for every row.
        setup.execute("alter table whatsapp_inbound validate constraint "
                      "whatsapp_inbound_payload_sealed, validate constraint "
                      "whatsapp_inbound_phone_sealed, validate constraint "
                      "whatsapp_inbound_phone_index_check, validate constraint "
                      "whatsapp_inbound_profile_name_sealed")
        setup.execute("alter table bot_conversations validate constraint "
                      "bot_conversations_data_sealed, validate constraint "
                      "bot_conversations_phone_sealed, validate constraint "
                      "bot_conversations_phone_index_check")
        row = setup.execute("select client_phone, client_phone_index, payload, profile_name "
                            "from whatsapp_inbound where wamid = %s", (wamid,)).fetchone()
        assert row is not None
        assert ring.decrypt(row[0], sealed.PHONE) == PHONE
        assert row[1] == sealed.phone_index(ring, PHONE)
        assert open_message(ring, row[2], row[3]) == (payload, NAME)
        conversation = bot_conversation(setup, PHONE)
        assert conversation is not None and conversation["data"] == {"description": NEED}
        setup.execute("delete from whatsapp_inbound where wamid = %s", (wamid,))
        setup.execute("delete from bot_conversations where client_phone_index = %s",
                      (sealed.phone_index(ring, PHONE),))


_RESTORE_CHECKS = """
alter table public.whatsapp_inbound
  add constraint whatsapp_inbound_phone_sealed
    check (public.is_ciphertext(client_phone)) not valid,
  add constraint whatsapp_inbound_phone_index_check
    check (coalesce(public.is_blind_index(client_phone_index), false)) not valid,
  add constraint whatsapp_inbound_payload_sealed
    check (jsonb_typeof(payload) = 'string' and public.is_ciphertext(payload #>> '{}'))
    not valid,
  add constraint whatsapp_inbound_profile_name_sealed
    check (profile_name is null or public.is_ciphertext(profile_name)) not valid;
alter table public.bot_conversations
  add constraint bot_conversations_phone_sealed
    check (public.is_ciphertext(client_phone)) not valid,
  add constraint bot_conversations_phone_index_check
    check (coalesce(public.is_blind_index(client_phone_index), false)) not valid,
  add constraint bot_conversations_data_sealed
    check (jsonb_typeof(data) = 'string' and public.is_ciphertext(data #>> '{}')) not valid;
"""
