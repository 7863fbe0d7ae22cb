"""Issue 16, the WhatsApp outbox: the bot's replies hold neither the client's
number nor the chat's text in plain (migration 20251204000100); the database
refuses a plain value whatever the path; the sender opens each body just before
the Graph API call and logs only the number's display form; `khadum keys rotate`
re-encrypts the outbox (and seals rows queued before it was sealed, filling their
blind index) and the sender goes on under the new key alone; a wrong key fails
loudly and sends nothing."""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator

import psycopg
import pytest
import respx
from psycopg.types.json import Jsonb

from khadum import keys as keys_module
from khadum.crypto import DecryptionError, keyring_from, new_key
from khadum.db import Database
from khadum.devstack.keys import LocalKeys
from khadum.requests import sealed
from khadum.settings import get_settings
from khadum.whatsapp import messages
from khadum.whatsapp.sealed import BODY, body_kind, open_body
from khadum.whatsapp.sender import drain_whatsapp
from tests.factories import insert_reply, keys, outbox_bodies, phone_index
from tests.whatsapp.meta import FakeMeta, WhatsAppUser, bot_settings, text_of, webhook_client

PHONE = "+966501112288"
NEED = "أبي تصميم شعار لمقهى الياسمين في الطائف"
# What must not be in the outbox in plain: the number (with or without +966), the
# client's words and name (the greeting names the client).
NAME = "ريماس"
SECRETS = ("501112288", "مقهى الياسمين", NAME)


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


def _leaks(conn: psycopg.Connection, secrets: tuple[str, ...] = SECRETS) -> list[tuple[str, str]]:
    columns = [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'public' "
        "and table_name = 'whatsapp_outbox' "
        "and data_type in ('text', 'character varying', 'jsonb', 'json')").fetchall()]
    found = []
    for column in columns:
        values = [str(v) for (v,) in conn.execute(
            f'select "{column}"::text from whatsapp_outbox where "{column}" is not null')]
        found += [(column, s) for s in secrets if any(s in v for v in values)]
    return found


def _local_keys() -> tuple[str, str]:
    local = LocalKeys(get_settings().khadum_local_auth_dir).data_keys
    return str(local["data_keys"]), str(local["blind_index_key"])


async def test_the_bots_replies_are_sealed_and_reach_the_client_opened(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, NAME)
        await user.say("السلام عليكم")
        listing = await user.say(NEED)
        # Meta got the real number and the text: the sender opened the bodies.
        assert listing and all(m["to"] == PHONE.lstrip("+") for m in meta.to(PHONE))
        assert listing[-1]["type"] == "interactive"
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from whatsapp_outbox where status = 'sent'"
                            ).fetchone() == (len(meta.to(PHONE)),)
        assert _leaks(conn) == []
        rows = conn.execute("select to_phone, to_phone_index, to_phone_display, body_kind "
                            "from whatsapp_outbox order by seq").fetchall()
        bodies = outbox_bodies(conn, PHONE)
    ring = keys()
    assert {ring.decrypt(r[0], sealed.PHONE) for r in rows} == {PHONE}
    assert {(r[1], r[2]) for r in rows} == {(phone_index(PHONE), "+966••••••288")}
    assert [r[3] for r in rows] == [body_kind(b) for b in bodies]
    assert rows[-1][3] == "interactive.list"
    # what is stored opens to exactly what was sent (the sender adds its callback tag)
    assert bodies == [{k: v for k, v in m.items() if k != "biz_opaque_callback_data"}
                      for m in meta.to(PHONE)]
    assert NAME in text_of(bodies[0])  # the greeting, opened


def test_the_database_refuses_plain_values_whatever_the_path(conn: psycopg.Connection) -> None:
    ring = keys()
    body = messages.text(PHONE, NEED)
    good = {"to_phone": ring.encrypt(PHONE, sealed.PHONE), "to_phone_index": phone_index(PHONE),
            "to_phone_display": sealed.phone_display(PHONE),
            "body": Jsonb(ring.encrypt("{}", BODY)), "body_kind": "text"}
    attempts = [
        ("whatsapp_outbox_to_phone_sealed", {"to_phone": PHONE}),
        ("whatsapp_outbox_to_phone_index_present", {"to_phone_index": None}),
        ("whatsapp_outbox_to_phone_index_check", {"to_phone_index": PHONE}),
        ("whatsapp_outbox_to_phone_display_check", {"to_phone_display": PHONE}),
        ("whatsapp_outbox_body_sealed", {"body": Jsonb(body)}),
        ("whatsapp_outbox_body_sealed", {"body": Jsonb(NEED)}),  # a string, not sealed
        ("whatsapp_outbox_template_body_sealed", {"template_body": Jsonb(body)}),
        ("whatsapp_outbox_body_kind_check", {"body_kind": NEED}),
    ]
    for constraint, change in attempts:
        values = {**good, **change}
        with pytest.raises(psycopg.errors.CheckViolation) as refused, conn.transaction():
            conn.execute(f"insert into whatsapp_outbox ({', '.join(values)}) "
                         f"values ({', '.join(['%s'] * len(values))})", list(values.values()))
        assert refused.value.diag.constraint_name == constraint
    # A stored row cannot be turned back into plain text either.
    row = insert_reply(conn, PHONE, body)
    for statement, params in (("update whatsapp_outbox set body = %s where id = %s",
                               (Jsonb(body), row)),
                              ("update whatsapp_outbox set to_phone = %s where id = %s",
                               (PHONE, row))):
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute(statement, params)


async def test_a_failed_send_logs_the_display_form_never_the_number(
        clean_db: str, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    settings = bot_settings(clean_db)
    with psycopg.connect(clean_db) as conn:
        insert_reply(conn, PHONE, messages.text(PHONE, NEED))
    caplog.set_level(logging.WARNING, logger="khadum.whatsapp.sender")
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        meta.fail_next(400, "graph_error_131047")  # permanent, no template: failed
        report = await drain_whatsapp(db, settings)
    assert report.failed == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "+966••••••288" in logged
    assert not [s for s in (*SECRETS, NEED) if s in logged]


async def test_rotation_reseals_the_outbox_and_seals_rows_queued_before(
        clean_db: str, db: Database) -> None:
    old_keys, blind = _local_keys()
    ring = keyring_from(old_keys, blind)
    other = "+966509990011"
    with psycopg.connect(clean_db, autocommit=True) as conn:
        insert_reply(conn, PHONE, messages.text(PHONE, "الأولى"),
                     template=messages.template(PHONE, "khadum_request_accepted", "ar",
                                                ["محمد"], []))
        # A row queued before migration 20251204000100: plain (its checks set
        # aside for the insert, as for a row that predates them).
        conn.execute("alter table whatsapp_outbox "
                     "drop constraint whatsapp_outbox_to_phone_sealed, "
                     "drop constraint whatsapp_outbox_to_phone_index_present, "
                     "drop constraint whatsapp_outbox_to_phone_display_check, "
                     "drop constraint whatsapp_outbox_body_sealed, "
                     "drop constraint whatsapp_outbox_body_kind_check")
        try:
            conn.execute("insert into whatsapp_outbox (to_phone, body) values (%s, %s)",
                         (other, Jsonb(messages.text(other, "رسالة قديمة"))))
        finally:
            conn.execute(_RESTORE_CHECKS)
        rotated = keyring_from(f"next:{new_key()},{old_keys}", blind)
        report = keys_module.rotate(conn, rotated)
        assert report["whatsapp_outbox.to_phone"] == 2
        assert report["whatsapp_outbox.body"] == 2
        assert report["whatsapp_outbox.template_body"] == 1
        assert sum(keys_module.rotate(conn, rotated).values()) == 0  # nothing left to do
        stored = conn.execute("select to_phone, body #>> '{}', template_body #>> '{}' "
                              "from whatsapp_outbox").fetchall()
        assert {rotated.kid_of(v) for row in stored for v in row if v} == {"next"}
        # The legacy row is sealed with its blind index: the checks now hold everywhere.
        assert conn.execute("select count(*) from whatsapp_outbox where to_phone_index = %s",
                            (sealed.phone_index(ring, other),)).fetchone() == (1,)
        for constraint in ("to_phone_sealed", "to_phone_index_present", "body_sealed",
                           "template_body_sealed"):
            conn.execute(f"alter table whatsapp_outbox validate constraint "
                         f"whatsapp_outbox_{constraint}")
    # Under the new key alone the sender opens and sends both, each to its number.
    only_new = f"next:{_b64(rotated.keys['next'])}"
    settings = bot_settings(clean_db, khadum_data_keys=only_new, khadum_blind_index_key=blind)
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        assert (await drain_whatsapp(db, settings)).sent == 2
        assert [text_of(m) for m in meta.to(other)] == ["رسالة قديمة"]
        assert len(meta.to(PHONE)) == 1


async def test_a_wrong_key_fails_loudly_and_sends_nothing(clean_db: str, db: Database) -> None:
    _old, blind = _local_keys()
    with psycopg.connect(clean_db) as conn:
        insert_reply(conn, PHONE, messages.text(PHONE, NEED))
        stored = conn.execute("select body from whatsapp_outbox").fetchone()
    assert stored is not None
    wrong_keys = f"{keys().kid_of(stored[0])}:{new_key()}"
    settings = bot_settings(clean_db, khadum_data_keys=wrong_keys, khadum_blind_index_key=blind)
    with respx.mock as router:
        meta = FakeMeta(router, settings)
        with pytest.raises(DecryptionError) as failed:
            await drain_whatsapp(db, settings)
        assert meta.route.call_count == 0
    assert BODY in str(failed.value) and NEED not in str(failed.value)
    with pytest.raises(DecryptionError):
        open_body(keyring_from(wrong_keys, blind), stored[0])


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


_RESTORE_CHECKS = """
alter table public.whatsapp_outbox
  add constraint whatsapp_outbox_to_phone_sealed
    check (to_phone ~ '^ev1\\.[A-Za-z0-9_-]{1,32}\\.[A-Za-z0-9_-]+$') not valid,
  add constraint whatsapp_outbox_to_phone_index_present
    check (to_phone_index is not null) not valid,
  add constraint whatsapp_outbox_to_phone_display_check
    check (to_phone_display ~ '^\\+[0-9]{0,4}•+[0-9]{0,3}$') not valid,
  add constraint whatsapp_outbox_body_sealed
    check (jsonb_typeof(body) = 'string'
           and (body #>> '{}') ~ '^ev1\\.[A-Za-z0-9_-]{1,32}\\.[A-Za-z0-9_-]+$') not valid,
  add constraint whatsapp_outbox_body_kind_check
    check (body_kind ~ '^[a-z_]{1,20}(\\.[a-z_]{1,19})?$') not valid;
"""
