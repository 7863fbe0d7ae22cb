"""Issue 16: after the whole flow (webhook → request → accept → emails) the client's
phone, email and words are nowhere in plain text in client_requests, activity_log
or the notification broadcasts; the parties still read them (dashboard API,
respond_request, the emails); a key rotation keeps everything readable; a wrong
key fails loudly."""

from __future__ import annotations

import base64
import uuid

import psycopg
import pytest
from psycopg.rows import dict_row

from khadum import keys as keys_module
from khadum.crypto import DecryptionError, keyring_from, new_key
from khadum.devstack.keys import LocalKeys
from khadum.requests import sealed
from khadum.settings import get_settings
from tests.bot.flows import complete_request
from tests.factories import MOHAMMED, keys, opened
from tests.http import bearer, local_client
from tests.whatsapp.meta import WhatsAppUser, bot_settings, webhook_client

PHONE = "+966501234567"
# What the client typed (complete_request), in the forms SQL would store it.
SECRETS = ("501234567", "ahmed@example.com", "ahmed@", "أبي إعلان تسويقي لساعة ذكية للشباب",
           "الشحن مجاني", "ضمان سنتين")
# Every text and jsonb column of the tables this issue seals or pseudonymises.
OWNED = ("client_requests", "activity_log", "request_events", "notifications",
         "whatsapp_inbound", "bot_conversations")


def _plain_columns(conn: psycopg.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'public' "
        "and table_name = %s and data_type in ('text', 'character varying', 'jsonb', 'json')",
        (table,)).fetchall()]


def _leaks(conn: psycopg.Connection, table: str) -> list[tuple[str, str]]:
    found = []
    for column in _plain_columns(conn, table):
        values = [str(v) for (v,) in conn.execute(
            f'select "{column}"::text from public.{table} where "{column}" is not null'
        ).fetchall()]
        found += [(f"{table}.{column}", s) for s in SECRETS if any(s in v for v in values)]
    return found


async def _whole_flow(url: str) -> str:
    async with webhook_client(bot_settings(url)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(user, url)
    async with local_client(url) as client:
        res = await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                                json={"request_id": request_id, "action": "accept"})
    assert res.status_code == 200
    # The freelancer (the party) gets the client's details back, opened.
    answered = res.json()["request"]
    assert answered["client_whatsapp_phone"] == PHONE
    assert answered["client_email"] == "ahmed@example.com"
    assert answered["project_details"]["extras"] == "الشحن مجاني، ضمان سنتين"
    return request_id


async def test_no_plain_client_data_at_rest_yet_the_parties_read_it(clean_db: str) -> None:
    request_id = await _whole_flow(clean_db)
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from client_requests").fetchone() == (1,)
        leaks = [leak for table in OWNED for leak in _leaks(conn, table)]
        # The notification broadcasts (realtime.messages) carry no client data either.
        broadcasts = [str(p) for (p,) in conn.execute(
            "select payload::text from realtime.messages where topic like 'freelancer:%%'")]
        assert broadcasts
        leaks += [("realtime.messages", s) for s in (*SECRETS, "أحمد محمد")
                  if any(s in b for b in broadcasts)]
        stored = conn.execute(
            "select client_whatsapp_phone, client_email from client_requests").fetchone()
        # The emails to both sides went out with the right details (rendered at queue time).
        emails = conn.execute("select to_email, text_body from email_outbox "
                              "where request_id = %s", (request_id,)).fetchall()
    assert leaks == []
    assert stored == (sealed.phone_display(PHONE), "a•••@example.com")
    assert "ahmed@example.com" in {to for to, _ in emails}
    client_text = next(text for to, text in emails if to == "ahmed@example.com")
    assert "مرحباً أحمد" in client_text or "أحمد محمد" in client_text

    async with local_client(clean_db) as client:
        detail = (await client.get(f"/functions/v1/dashboard_api/requests/{request_id}",
                                   headers=bearer(MOHAMMED))).json()["request"]
        found = (await client.get("/functions/v1/dashboard_api/requests",
                                  params={"q": "لساعه ذكيه للشباب"},
                                  headers=bearer(MOHAMMED))).json()
    assert (detail["client_whatsapp_phone"], detail["client_email"]) == (
        PHONE, "ahmed@example.com")
    assert detail["service_description"] == "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"
    assert "client_phone_sealed" not in detail and "client_phone_index" not in detail
    assert [r["id"] for r in found["items"]] == [request_id]


async def test_rotation_keeps_requests_readable_and_a_wrong_key_fails(
        clean_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = uuid.UUID(await _whole_flow(clean_db))
    local = LocalKeys(get_settings().khadum_local_auth_dir).data_keys
    old_keys, blind = str(local["data_keys"]), str(local["blind_index_key"])
    rotated = keyring_from(f"next:{new_key()},{old_keys}", blind)
    with psycopg.connect(clean_db, autocommit=True) as conn:
        report = keys_module.rotate(conn, rotated)
        assert report["client_requests.client_phone_sealed"] == 1
        assert report["client_requests.project_details"] == 1
        row = conn.execute("select client_phone_sealed, project_details #>> '{}' "
                           "from client_requests where id = %s", (request_id,)).fetchone()
        assert row is not None and {rotated.kid_of(v) for v in row} == {"next"}
        # Under the new key alone (the old one dropped), everything still opens.
        only_new = keyring_from(f"next:{_b64(rotated.keys['next'])}", blind)
        monkeypatch.setattr(sealed, "keys", lambda _settings: only_new)
        request = sealed.open_request(only_new, _row(conn, request_id))
        assert request["client_whatsapp_phone"] == PHONE
        assert request["project_details"]["extras"] == "الشحن مجاني، ضمان سنتين"
        # The lookups by blind index are unchanged by a data-key rotation.
        assert conn.execute("select count(*) from client_requests where client_phone_index = %s",
                            (sealed.phone_index(only_new, PHONE),)).fetchone() == (1,)
        # A wrong key fails loudly, naming the context, never the value.
        wrong = keyring_from(f"next:{new_key()}", blind)
        with pytest.raises(DecryptionError) as failed:
            sealed.open_request(wrong, _row(conn, request_id))
        assert "client.phone" in str(failed.value) and PHONE not in str(failed.value)
    # The dashboard reads through the same module (here: with the new key only).
    async with local_client(clean_db) as client:
        detail = (await client.get(f"/functions/v1/dashboard_api/requests/{request_id}",
                                   headers=bearer(MOHAMMED))).json()["request"]
    assert detail["client_email"] == "ahmed@example.com"
    with psycopg.connect(clean_db) as conn:
        assert opened(conn, request_id)["client_whatsapp_phone"] == PHONE
        assert keys() is only_new


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _row(conn: psycopg.Connection, request_id: uuid.UUID) -> dict[str, object]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("select * from client_requests where id = %s",
                          (request_id,)).fetchone()
    assert row is not None
    return row
