"""Builders for test data, written with the server's rights (as the functions would)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from khadum.chat import messages
from khadum.chat.messages import Attachment
from khadum.crypto import Keyring, keyring
from khadum.db import act_as
from khadum.email import sealed as sealed_email
from khadum.requests import sealed
from khadum.seed.load import freelancer_id, user_id
from khadum.settings import Settings, get_settings

DETAILS = {"audience": "شباب 18-30 سنة", "extras": "الشحن مجاني، ضمان سنتين، جمهور شبابي"}
REASON = "اخترتك بسبب خبرتك في الإعلانات التسويقية وتقييمك العالي 4.8/5"
MOHAMMED = "mohammed-alghamdi"
NOURA = "noura-alqahtani"  # another freelancer, for "not theirs" checks


def freelancer_claims(key: str) -> dict[str, Any]:
    return {
        "sub": str(user_id(key)),
        "role": "authenticated",
        "aud": "authenticated",
        "email": f"{key}@demo.khadum.app",
    }


def chat_client_claims(chat_id: uuid.UUID) -> dict[str, Any]:
    return {
        "sub": str(uuid.uuid4()),
        "role": "authenticated",
        "aud": "authenticated",
        "chat_id": str(chat_id),
        "chat_role": "client",
    }


ANON: dict[str, Any] = {"role": "anon"}
SERVICE: dict[str, Any] = {"role": "service_role"}


def make_request(
    conn: psycopg.Connection,
    key: str = MOHAMMED,
    *,
    phone: str = "+966501234567",
    name: str = "أحمد محمد",
    email: str | None = "ahmed@example.com",
    description: str = "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة",
    title: str | None = "إعلان تسويقي لساعة ذكية",
    expires_in: timedelta | None = None,
    status: str = "pending",
) -> uuid.UUID:
    """A request as the bot saves it: the client's data sealed (khadum.requests.sealed)."""
    sealed_values = sealed.submission(
        keys(), phone=phone, name=name, email=email, freelancer_id=freelancer_id(key),
        description=description, title=title, category="marketing_ads", budget="300 ريال",
        details=DETAILS, reason=REASON, language="ar")
    row = conn.execute(
        """
        insert into client_requests (client_whatsapp_phone, client_phone_sealed,
          client_phone_index, client_name, client_email, client_email_sealed,
          freelancer_id, service_description, service_category, budget_range, project_details,
          reason_for_choice, service_title, status, expires_at)
        values (%(phone_display)s, %(phone_sealed)s, %(phone_index)s, %(name)s,
          %(email_display)s, %(email_sealed)s, %(freelancer_id)s, %(description)s,
          %(category)s, %(budget)s, to_jsonb(%(details)s::text), %(reason)s, %(title)s, %(status)s,
          coalesce(now() + %(expires_in)s, now() + interval '24 hours'))
        returning id
        """,
        {**sealed_values, "status": status, "expires_in": expires_in},
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def submit_request(conn: psycopg.Connection, phone: str, freelancer: Any,
                   email: str | None = None, description: str = "أبي شعار") -> uuid.UUID:
    """Through the bot's SQL path: the contact check, then submit_client_request."""
    conn.execute(sealed.CHECK_SQL, (phone, email))
    row = conn.execute(sealed.SUBMIT_SQL, sealed.submission(
        keys(), phone=phone, name="سارة", email=email, freelancer_id=freelancer,
        description=description, title=None, category="graphic_design", budget=None,
        details={}, reason=None, language="ar")).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def sealed_row(phone: str, description: str = "طلب اختبار") -> dict[str, str]:
    """The sealed columns a request must have, for tests that insert rows directly."""
    ring = keys()
    return {"client_whatsapp_phone": sealed.phone_display(phone),
            "client_phone_sealed": ring.encrypt(phone, sealed.PHONE),
            "client_phone_index": sealed.phone_index(ring, phone),
            "service_description": ring.encrypt(description, sealed.DESCRIPTION)}


def keys() -> Keyring:
    return sealed.keys(get_settings())


def answer_details(conn: psycopg.Connection, request_id: Any, phone: str, answer: str) -> None:
    """The client's answer to a freelancer's question, stored as the bot stores it
    (sealed; `khadum.requests.sealed.answer_details`), on a sync connection."""
    ring, text = keys(), answer.strip()
    index = sealed.phone_index(ring, phone)
    found = conn.execute(sealed.NOTICE_SQL, (request_id, index, text)).fetchone()
    notice = str(found[0]) if found and found[0] is not None else ""
    conn.execute(sealed.ANSWER_SQL, (request_id, index, text,
                                     ring.encrypt(text, sealed.ANSWER) if text else None,
                                     ring.encrypt(notice, sealed.NOTICE)))


def insert_email(conn: psycopg.Connection, *, key: str | None = None,
                 to: str = "ahmed@example.com", subject: str | None = "تم قبول طلبك",
                 html: str | None = "<p>x</p>", text: str | None = "x",
                 template: str = "client_request_accepted", status: str = "queued",
                 last_error: str | None = None, attempts: int = 0,
                 request_id: uuid.UUID | str | None = None) -> uuid.UUID:
    """An email outbox row sealed as the functions queue it (khadum.email.sealed)."""
    row = conn.execute(
        "insert into email_outbox (idempotency_key, to_email, to_display, template, subject, "
        "html_body, text_body, params, status, last_error, attempts, request_id) values "
        "(%(key)s, %(to_email)s, %(to_display)s, %(template)s, %(subject)s, %(html_body)s, "
        "%(text_body)s, to_jsonb(%(params)s::text), %(status)s, %(last_error)s, %(attempts)s, "
        "%(request_id)s) returning id",
        {"key": key or f"{uuid.uuid4()}:{template}", "status": status, "last_error": last_error,
         "attempts": attempts, "request_id": request_id,
         **sealed_email.seal(keys(), {"template": template, "to_email": to, "subject": subject,
                                      "html_body": html, "text_body": text})},
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def opened_email(conn: psycopg.Connection, email_id: uuid.UUID | str) -> dict[str, Any]:
    """An outbox row with its sealed columns opened (as the email drain sees it)."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("select * from email_outbox where id = %s", (email_id,)).fetchone()
    assert row is not None
    return sealed_email.open_row(keys(), row)


def phone_index(phone: str) -> str:
    return sealed.phone_index(keys(), phone)


def opened_row(row: dict[str, Any] | None) -> dict[str, Any]:
    """A client_requests row (dict) as its parties see it."""
    assert row is not None
    return sealed.open_request(keys(), row)


def opened(conn: psycopg.Connection, request_id: uuid.UUID) -> dict[str, Any]:
    """The request as its parties see it (opened)."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("select * from client_requests where id = %s",
                          (request_id,)).fetchone()
    assert row is not None
    return sealed.open_request(keys(), row)


def make_chat(conn: psycopg.Connection, request_id: uuid.UUID) -> uuid.UUID:
    row = conn.execute(
        """
        insert into private_chats (request_id, client_whatsapp_phone, freelancer_id, chat_url_token)
        select id, client_whatsapp_phone, freelancer_id, %s from client_requests where id = %s
        returning id
        """,
        (secrets.token_urlsafe(24), request_id),
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def party_claims(conn: psycopg.Connection, chat_id: uuid.UUID, side: str) -> dict[str, Any]:
    """The claims of a chat's client session or of its freelancer."""
    if side == "client":
        return chat_client_claims(chat_id)
    row = conn.execute(
        "select f.user_id from private_chats c join freelancers f on f.id = c.freelancer_id "
        "where c.id = %s", (chat_id,)).fetchone()
    assert row is not None
    return {"sub": str(row[0]), "role": "authenticated", "aud": "authenticated"}


def send_message(conn: psycopg.Connection, chat_id: uuid.UUID, side: str, text: str,
                 kind: str = "text", file: Attachment | None = None,
                 claims: dict[str, Any] | None = None) -> dict[str, Any]:
    """A party's message the way the chat function writes it (khadum.chat.messages):
    prepared (checked, masked) in SQL, sealed with the checkout's keys, inserted;
    as the party, with the server's role. Answers the stored row, its text opened."""
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        act_as(conn, claims or party_claims(conn, chat_id, side))
        cur.execute("set local role none")
        prepared = cur.execute(messages.PREPARE,
                               messages.prepare_params(chat_id, text, kind, file)).fetchone()
        assert prepared is not None
        row = cur.execute(messages.INSERT, messages.insert_params(
            dev_keys(), chat_id, prepared["content"], kind, file)).fetchone()
        assert row is not None
    conn.execute("reset role")
    return messages.reveal(dev_keys(), dict(row))


def dev_keys() -> Keyring:
    """The keys the local functions use (this checkout's generated dev keys)."""
    return keyring(Settings())


def add_message(conn: psycopg.Connection, chat_id: uuid.UUID, text: str = "مرحبا") -> uuid.UUID:
    return uuid.UUID(str(send_message(conn, chat_id, "client", text)["id"]))


# ---------------------------------------------------------------------------
# The bot's sealed tables (migration 20251203000100)
# ---------------------------------------------------------------------------
def insert_inbound(conn: psycopg.Connection, wamid: str, phone: str, message_type: str,
                   payload: dict[str, Any], **columns: Any) -> uuid.UUID:
    """Stores a WhatsApp message as the webhook does (sealed; `khadum.whatsapp.store`),
    with any other columns (received_at, attempts, processed_at…) as given."""
    from khadum.whatsapp.store import sealed_row as inbound_row

    values = inbound_row(keys(), wamid, phone, message_type, payload,
                         columns.pop("sent_at", None), columns.pop("profile_name", None))
    names = ["wamid", "client_phone", "client_phone_index", "client_phone_display",
             "message_type", "payload", "sent_at", "profile_name", *columns]
    row = conn.execute(
        f"insert into whatsapp_inbound ({', '.join(names)}) "
        f"values ({', '.join(['%s'] * len(names))}) returning id",
        [*values, *columns.values()]).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def inbound_payload(stored: Any) -> dict[str, Any]:
    """A stored message's payload, opened."""
    from khadum.whatsapp.store import open_message

    return open_message(keys(), stored, None)[0]


def bot_conversation(conn: psycopg.Connection, phone: str) -> dict[str, Any] | None:
    """The client's bot_conversations row (found by blind index), its state opened."""
    from khadum.bot.conversation import open_state

    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("select * from bot_conversations where client_phone_index = %s",
                          (phone_index(phone),)).fetchone()
    if row is None:
        return None
    row["data"] = open_state(keys(), row["data"])
    row["client_phone"] = keys().decrypt(row["client_phone"], sealed.PHONE)
    return row


def insert_conversation(conn: psycopg.Connection, phone: str, state: str = "new",
                        data: dict[str, Any] | None = None, **columns: Any) -> None:
    """A bot_conversations row as the bot saves it (sealed)."""
    from khadum.bot.conversation import seal_state

    names = ["client_phone", "client_phone_index", "state", "data", *columns]
    conn.execute(
        f"insert into bot_conversations ({', '.join(names)}) "
        f"values ({', '.join(['%s'] * len(names))})",
        [keys().encrypt(phone, sealed.PHONE), phone_index(phone), state,
         Jsonb(seal_state(keys(), data or {})), *columns.values()])


# ---------------------------------------------------------------------------
# The WhatsApp outbox, sealed (migration 20251204000100)
# ---------------------------------------------------------------------------
def insert_reply(conn: psycopg.Connection, phone: str, body: dict[str, Any] | None = None, *,
                 template: dict[str, Any] | None = None, **columns: Any) -> uuid.UUID:
    """A whatsapp_outbox row sealed as the bot queues it (`khadum.whatsapp.sealed`),
    with any other columns (status, created_at, request_id…) as given."""
    from khadum.whatsapp import messages
    from khadum.whatsapp.sealed import outbox_row

    row = outbox_row(keys(), phone, body if body is not None else messages.text(phone, "مرحبا"),
                     template=template)
    values = {**row, **columns}
    found = conn.execute(
        f"insert into whatsapp_outbox ({', '.join(values)}) "
        f"values ({', '.join(['%s'] * len(values))}) returning id",
        list(values.values())).fetchone()
    assert found is not None
    return uuid.UUID(str(found[0]))


def outbox_bodies(conn: psycopg.Connection, phone: str | None = None, *,
                  request_id: Any = None, column: str = "body") -> list[dict[str, Any]]:
    """The queued replies' bodies (`column`: body or template_body), opened, in
    queue order: to `phone` (found by blind index), or of `request_id`, or all."""
    from khadum.whatsapp.sealed import open_body

    assert column in ("body", "template_body")
    where, params = "true", []
    if phone is not None:
        where, params = "to_phone_index = %s", [phone_index(phone)]
    elif request_id is not None:
        where, params = "request_id = %s", [request_id]
    rows = conn.execute(f"select {column} from whatsapp_outbox where {where} "
                        "order by seq", params).fetchall()
    # a row without a template alternative gives {} for template_body
    return [open_body(keys(), stored) if stored is not None else {} for (stored,) in rows]
