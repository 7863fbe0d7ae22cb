"""M1: signed but odd webhook payloads never answer 500. Each bad item becomes
a dead letter with its reason and the rest of the batch is stored; a body that
is not a JSON object at all is 400; a database outage is 503."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from svix.webhooks import Webhook

from khadum.db import Database
from khadum.settings import LOCAL_RESEND_WEBHOOK_SECRET
from khadum.whatsapp.router import PATH, router
from tests.http import function_factory
from tests.security.conftest import function_client, meta_signed, settings_for
from tests.whatsapp.meta import fixture

send_emails_app = function_factory("send_emails")

RESEND = "/functions/v1/send_emails/webhook"


def good_message(phone: str = "966501230001") -> dict[str, Any]:
    return {"from": phone, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "1732000000",
            "type": "text", "text": {"body": "أبي شعار لمتجري"}}


def batch(*, entry: Any = None, value: dict[str, Any] | None = None) -> dict[str, Any]:
    """A real recorded payload (one good text message), with the odd part swapped in."""
    body = copy.deepcopy(fixture("text"))
    v = body["entry"][0]["changes"][0]["value"]
    v["messages"] = [good_message()]
    v["contacts"] = [{"wa_id": "966501230001", "profile": {"name": "أحمد"}}]
    if value:
        v.update(value)
        if "messages" in value and isinstance(value["messages"], list):
            v["messages"] = [good_message(), *value["messages"]]
    if entry is not None:
        body["entry"].append(entry)
    return body


INF = "__a number too large for a float__"


def encode(body: Any) -> bytes:
    """ASCII JSON (NUL and surrogates travel as escapes); INF becomes 1e400."""
    return json.dumps(body).replace(json.dumps(INF), "1e400").encode()


def deep(levels: int) -> Any:
    node: Any = "x"
    for _ in range(levels):
        node = {"a": node}
    return node


# (name, batch, the dead letter's reason)
ODD_BATCHES: list[tuple[str, dict[str, Any], str]] = [
    ("entry_is_a_number", batch(entry=5), "entry_not_an_object"),
    ("entry_is_a_string", batch(entry="entry"), "entry_not_an_object"),
    ("changes_is_a_number", batch(entry={"id": "1", "changes": 7}), "changes_not_a_list"),
    ("change_is_null", batch(entry={"id": "1", "changes": [None]}), "change_not_an_object"),
    ("change_is_a_list", batch(entry={"id": "1", "changes": [[1]]}), "change_not_an_object"),
    ("value_is_a_string", batch(entry={"changes": [{"field": "messages", "value": "v"}]}),
     "value_not_an_object"),
    ("contacts_is_an_int", batch(entry={"changes": [{"value": {"contacts": 3}}]}),
     "contacts_not_a_list"),
    ("contact_is_an_int", batch(entry={"changes": [{"value": {"contacts": [3]}}]}),
     "contact_not_an_object"),
    ("name_is_an_int", batch(entry={"changes": [{"value": {
        "contacts": [{"wa_id": "966501230002", "profile": {"name": 5}}]}}]}),
     "name_not_a_string"),
    ("messages_is_an_object", batch(entry={"changes": [{"value": {"messages": {"a": 1}}}]}),
     "messages_not_a_list"),
    ("message_is_a_number", batch(value={"messages": [1]}), "message_not_an_object"),
    ("message_without_id", batch(value={"messages": [{"from": "966501230003", "type": "text"}]}),
     "missing_id"),
    ("id_is_a_list", batch(value={"messages": [{**good_message(), "id": ["x"]}]}),
     "id_not_a_string"),
    ("wamid_of_10k_chars", batch(value={"messages": [{**good_message(), "id": "w" * 10_000}]}),
     "id_too_long"),
    ("from_of_10k_digits", batch(value={"messages": [{**good_message(), "from": "9" * 10_000}]}),
     "from_too_long"),
    ("from_not_a_phone", batch(value={"messages": [{**good_message(), "from": "abc"}]}),
     "bad_phone_number"),
    ("nul_in_text", batch(value={"messages": [{**good_message(), "text": {"body": "a\x00b"}}]}),
     "nul_character"),
    ("lone_surrogate_in_text",
     batch(value={"messages": [{**good_message(), "text": {"body": "a\ud800b"}}]}),
     "lone_surrogate"),
    ("nul_in_name", batch(entry={"changes": [{"value": {
        "contacts": [{"wa_id": "966501230004", "profile": {"name": "\x00"}}]}}]}),
     "nul_character"),
    ("surrogate_in_name", batch(entry={"changes": [{"value": {
        "contacts": [{"wa_id": "966501230005", "profile": {"name": "\udfff"}}]}}]}),
     "lone_surrogate"),
    ("nesting_of_30", batch(value={"messages": [{**good_message(), "text": deep(30)}]}),
     "nesting_too_deep"),
    ("infinite_number", batch(value={"messages": [{**good_message(), "n": INF}]}),
     "not_a_finite_number"),
    ("text_of_100k_chars",
     batch(value={"messages": [{**good_message(), "text": {"body": "x" * 100_000}}]}),
     "message_too_long"),
    ("status_is_a_string", batch(entry={"changes": [{"value": {"statuses": ["sent"]}}]}),
     "status_not_an_object"),
    ("status_without_status", batch(entry={"changes": [{"value": {"statuses": [{"id": "w"}]}}]}),
     "missing_status"),
]


def dead_letters(url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(
            "select source, kind, reason from webhook_dead_letters order by id").fetchall()]


def stored_wamids(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("select wamid from whatsapp_inbound").fetchall()}


def quiet_webhook(db: Database, settings: Any) -> Any:
    from khadum.http import function_app

    return function_app("whatsapp_webhook", db=db, settings=settings, router=router)


@pytest.mark.parametrize(("name", "body", "reason"), ODD_BATCHES, ids=[b[0] for b in ODD_BATCHES])
async def test_an_odd_item_is_a_dead_letter_and_the_batch_goes_on(
    clean_db: str, name: str, body: dict[str, Any], reason: str
) -> None:
    raw = encode(body)
    _, headers = meta_signed(raw)
    good = body["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    async with function_client(clean_db, quiet_webhook) as http:
        res = await http.post(PATH, content=raw, headers=headers)
        assert res.status_code == 200, res.text
        assert res.json()["dead_letters"] >= 1
        again = await http.post(PATH, content=raw, headers=headers)  # Meta's redelivery
        assert again.status_code == 200
    assert good in stored_wamids(clean_db)  # the rest of the batch was kept
    assert ("whatsapp", reason) in {(s, r) for s, _, r in dead_letters(clean_db)}


@pytest.mark.parametrize(("name", "raw", "reason"), [
    ("not_json", b"{nope", "not_json"),
    ("nan", b'{"entry": [], "x": NaN}', "not_json"),
    ("nesting_of_5000", b'{"entry": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "nesting_too_deep"),
    ("an_array", b"[1, 2]", "not_an_object"),
    ("no_entry", b'{"object": "whatsapp_business_account"}', "no_entry_list"),
    ("invalid_utf8", b'{"entry": ["\xff\xfe"]}', "not_json"),
    ("a_100k_digit_number", b'{"entry": [], "n": ' + b"9" * 100_000 + b"}", "not_json"),
])
async def test_a_body_that_is_no_batch_is_400_and_kept(
    clean_db: str, name: str, raw: bytes, reason: str
) -> None:
    _, headers = meta_signed(raw)
    async with function_client(clean_db, quiet_webhook) as http:
        res = await http.post(PATH, content=raw, headers=headers)
    assert res.status_code == 400 and res.json()["error"]["code"] == "malformed"
    assert dead_letters(clean_db) == [("whatsapp", "body", reason)]


async def test_a_database_outage_is_503_not_500(clean_db: str) -> None:
    db = Database("host=127.0.0.1 port=1 dbname=nothing connect_timeout=1", timeout=0.5)
    await db.pool.open(wait=False)
    try:
        app = quiet_webhook(db, settings_for(clean_db))
        raw, headers = meta_signed(batch())
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://f") as http:
            res = await http.post(PATH, content=raw, headers=headers)
            assert res.status_code == 503
            assert res.json()["error"]["code"] == "temporarily_unavailable"
            assert res.headers["retry-after"] == "5"
    finally:
        await db.pool.close()


# -- Resend (Svix-signed) -------------------------------------------------------------


def svix(raw: bytes, msg_id: str | None = None) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    return {"svix-id": msg_id, "svix-timestamp": str(int(now.timestamp())),
            "svix-signature": Webhook(LOCAL_RESEND_WEBHOOK_SECRET).sign(
                msg_id, now, raw.decode("utf-8", "surrogatepass")),
            "content-type": "application/json"}


EVENT = {"type": "email.delivered", "created_at": "2025-11-23T09:00:00.000Z",
         "data": {"email_id": str(uuid.uuid4())}}


@pytest.mark.parametrize(("name", "event", "reason"), [
    ("nul_in_type", {**EVENT, "type": "email.\x00"}, "nul_character"),
    ("surrogate_in_data", {**EVENT, "data": {"email_id": "\ud800"}}, "lone_surrogate"),
    ("type_of_1000_chars", {**EVENT, "type": "t" * 1000}, "bad_event_type"),
    ("email_id_is_an_object", {**EVENT, "data": {"email_id": {"a": 1}}}, "bad_email_id"),
    ("nesting_of_40", {**EVENT, "data": deep(40)}, "nesting_too_deep"),
    ("infinite_number", {**EVENT, "n": INF}, "not_a_finite_number"),
])
async def test_an_odd_resend_event_is_a_dead_letter(
    clean_db: str, name: str, event: dict[str, Any], reason: str
) -> None:
    raw = encode(event)
    async with function_client(clean_db, send_emails_app) as http:
        res = await http.post(RESEND, content=raw, headers=svix(raw))
    assert res.status_code == 200, res.text
    assert res.json() == {"status": "dead_letter", "reason": reason}
    assert dead_letters(clean_db) == [("resend", "event", reason)]


async def test_odd_resend_bodies_and_headers_never_500(clean_db: str) -> None:
    async with function_client(clean_db, send_emails_app) as http:
        deep_body = b'{"type": "email.sent", "d": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        assert (await http.post(RESEND, content=deep_body, headers=svix(deep_body))
                ).status_code == 400
        nan = b'{"type": "email.sent", "n": NaN}'
        assert (await http.post(RESEND, content=nan, headers=svix(nan))).status_code == 400
        raw = json.dumps(EVENT).encode()
        long_id = await http.post(RESEND, content=raw, headers=svix(raw, "m" * 400))
        assert long_id.status_code == 200 and long_id.json()["reason"] == "svix_id_too_long"
        bad_date = json.dumps({**EVENT, "created_at": "99999-01-01T00:00:00Z"}).encode()
        assert (await http.post(RESEND, content=bad_date, headers=svix(bad_date))
                ).status_code == 200
    reasons = [r for _, _, r in dead_letters(clean_db)]
    assert reasons == ["nesting_too_deep", "not_json", "svix_id_too_long"]
