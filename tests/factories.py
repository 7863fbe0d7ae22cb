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
from khadum.seed.load import freelancer_id, user_id
from khadum.settings import Settings

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
    expires_in: timedelta | None = None,
    status: str = "pending",
) -> uuid.UUID:
    row = conn.execute(
        """
        insert into client_requests (client_whatsapp_phone, client_name, client_email,
          freelancer_id, service_description, service_category, budget_range, project_details,
          reason_for_choice, status, expires_at)
        values (%s, %s, 'ahmed@example.com', %s,
          'أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة', 'marketing_ads', '300 ريال',
          %s, 'اخترتك بسبب خبرتك في الإعلانات التسويقية وتقييمك العالي 4.8/5', %s,
          coalesce(now() + %s, now() + interval '24 hours'))
        returning id
        """,
        (
            phone,
            name,
            freelancer_id(key),
            Jsonb({"audience": "شباب 18-30 سنة", "extras": "الشحن مجاني، ضمان سنتين، جمهور شبابي"}),
            status,
            expires_in,
        ),
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


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
