"""The client's personal data in `client_requests`, sealed and opened in one place.

SQL stores and compares only what this module hands it (migration
20251202000700): the number sealed (`client_phone_sealed`), its keyed blind index
(`client_phone_index`, for the caps and the bot's lookups), display forms in the
spec's `client_whatsapp_phone` and `client_email` columns, and ciphertext in
`service_description`, `project_details` (a JSON string) and `reason_for_choice`.
Everything that shows a request to a party (the dashboard API, respond_request,
the acceptance emails, the bot's follow-ups) opens it here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import psycopg

from khadum.crypto import CIPHERTEXT, Keyring, keyring
from khadum.settings import Settings

PHONE = "client.phone"  # the sealed number's context, and the blind index's
EMAIL = "client.email"
DESCRIPTION = "client_requests.service_description"
DETAILS = "client_requests.project_details"
REASON = "client_requests.reason_for_choice"
# The client's answer to a freelancer's question (migration 20251203000220).
ANSWER = "request_events.message"  # of a details_answered event
NOTICE = "notifications.message"  # of a details_answered notification
ANSWERED = "details_answered"

# What the submit function takes (migration 20251202000700), in order.
SUBMIT_SQL = (
    "select public.submit_client_request(%(phone_index)s, %(phone_sealed)s, %(phone_display)s, "
    "%(name)s, %(email_sealed)s, %(email_display)s, %(freelancer_id)s, %(description)s, "
    "%(title)s, %(category)s, %(budget)s, %(details)s, %(reason)s, %(language)s)"
)
# The client's answer: the notice rendered by SQL, then both sealed (answer_details).
NOTICE_SQL = "select public.details_answered_notice(%s, %s, %s)"
ANSWER_SQL = "select public.answer_request_details(%s, %s, %s, %s, %s)"
# The plain contact details are checked by SQL's rule before they are sealed.
CHECK_SQL = "select public.check_client_contact(%s, %s)"

BULLET = "•"


def keys(settings: Settings) -> Keyring:
    return keyring(settings)


def phone_display(phone: str) -> str:
    """+966501234567 → +966••••••567: enough to recognise, not to dial."""
    phone = phone.strip()
    return phone[:4] + BULLET * max(1, len(phone) - 7) + phone[-3:]


def email_display(email: str) -> str:
    local, _, domain = email.strip().partition("@")
    return f"{local[:1]}{BULLET * 3}@{domain}"[:255]


def phone_index(ring: Keyring, phone: str) -> str:
    return ring.blind_index(phone.strip(), PHONE)


def submission(
    ring: Keyring, *, phone: str, name: str | None, email: str | None, freelancer_id: Any,
    description: str, title: str | None, category: str | None, budget: str | None,
    details: Mapping[str, Any] | None, reason: str | None, language: str,
) -> dict[str, Any]:
    """The parameters of SUBMIT_SQL (run CHECK_SQL on the plain phone and email first)."""
    phone = phone.strip()
    email = email.strip().lower() if email and email.strip() else None
    description = description.strip()
    reason = reason.strip() if reason and reason.strip() else None
    return {
        "phone_index": phone_index(ring, phone),
        "phone_sealed": ring.encrypt(phone, PHONE),
        "phone_display": phone_display(phone),
        "name": name,
        "email_sealed": ring.maybe_encrypt(email, EMAIL),
        "email_display": email_display(email) if email else None,
        "freelancer_id": freelancer_id,
        "description": ring.encrypt(description, DESCRIPTION) if description else None,
        "title": title,
        "category": category,
        "budget": budget,
        "details": ring.encrypt(json.dumps(dict(details or {}), ensure_ascii=False), DETAILS),
        "reason": ring.maybe_encrypt(reason, REASON),
        "language": language,
    }


def is_sealed(value: str) -> bool:
    return CIPHERTEXT.match(value) is not None


def open_phone(ring: Keyring, sealed: str) -> str:
    return ring.decrypt(sealed, PHONE)


def open_request(ring: Keyring, row: Mapping[str, Any]) -> dict[str, Any]:
    """A request row as its parties see it: the sealed columns opened in place of the
    spec's columns, the sealed copies and the blind index left out. Columns the
    row does not carry stay absent."""
    opened = {k: v for k, v in row.items()
              if k not in ("client_phone_sealed", "client_phone_index", "client_email_sealed")}
    if row.get("client_phone_sealed") is not None:
        opened["client_whatsapp_phone"] = ring.decrypt(row["client_phone_sealed"], PHONE)
    if "client_email_sealed" in row:
        opened["client_email"] = ring.maybe_decrypt(row["client_email_sealed"], EMAIL)
    if "service_description" in row:
        opened["service_description"] = ring.maybe_decrypt(row["service_description"],
                                                           DESCRIPTION)
    if "reason_for_choice" in row:
        opened["reason_for_choice"] = ring.maybe_decrypt(row["reason_for_choice"], REASON)
    if "project_details" in row:
        opened["project_details"] = open_details(ring, row["project_details"])
    return opened


def open_details(ring: Keyring, stored: Any) -> dict[str, Any] | None:
    if stored is None:
        return None
    if not isinstance(stored, str):  # psycopg loads a jsonb string as str
        raise TypeError("project_details is not sealed")
    value = json.loads(ring.decrypt(stored, DETAILS))
    return value if isinstance(value, dict) else {}


async def answer_details(conn: psycopg.AsyncConnection[Any], ring: Keyring, request_id: Any,
                         phone: str, answer: str) -> Any:
    """The client's answer to a freelancer's question: SQL checks it and renders the
    freelancer's notice; both are stored sealed (ANSWER, NOTICE). Returns the
    freelancer's id; SQL's refusals (request_not_found, …) raise as they are."""
    index = phone_index(ring, phone)
    answer = answer.strip()
    cur = await conn.execute(NOTICE_SQL, (request_id, index, answer))
    row = await cur.fetchone()
    notice = str(row[0]) if row and row[0] is not None else ""  # unknown: refused below
    cur = await conn.execute(ANSWER_SQL, (request_id, index, answer,
                                          ring.encrypt(answer, ANSWER) if answer else None,
                                          ring.encrypt(notice, NOTICE)))
    found = await cur.fetchone()
    return found[0] if found else None


def _open_text(ring: Keyring, stored: Any, context: str) -> Any:
    """A sealed text opened; one stored before it was sealed (no ciphertext shape,
    until `khadum keys rotate` seals it) as it is."""
    return ring.decrypt(stored, context) if isinstance(stored, str) and is_sealed(stored) \
        else stored


def open_notification(ring: Keyring, row: Mapping[str, Any]) -> dict[str, Any]:
    """A notification row as its freelancer sees it: the request's columns opened,
    and the text of an answer notification."""
    opened = open_request(ring, row)
    if row.get("type") == ANSWERED and "message" in row:
        opened["message"] = _open_text(ring, row["message"], NOTICE)
    return opened


def open_event(ring: Keyring, event: Mapping[str, Any]) -> dict[str, Any]:
    """A request_events row as the request's parties see it (the client's answer opened)."""
    opened = dict(event)
    if event.get("event_type") == ANSWERED and "message" in event:
        opened["message"] = _open_text(ring, event["message"], ANSWER)
    return opened


def open_push_body(ring: Keyring, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A web push's payload as sent: an answer notification's body opened."""
    opened = dict(payload)
    if payload.get("type") == ANSWERED:
        opened["body"] = _open_text(ring, payload.get("body"), NOTICE)
    return opened
