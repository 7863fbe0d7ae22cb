"""The email outbox, sealed and opened in one place (migration 20251203000200).

Every email is queued through `seal()` (the acceptance emails, the request alerts;
a staff resend copies the sealed values as they are): the address, subject,
bodies and parameters are stored as ciphertext, beside a display form of the
address for the operator console. Only the email drain opens a row (`open_row`),
right before handing it to the provider; the console opens the subject it shows
(and logs the read).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from khadum.crypto import Keyring
from khadum.requests.sealed import email_display

TO = "email_outbox.to_email"
SUBJECT = "email_outbox.subject"
HTML = "email_outbox.html_body"
TEXT = "email_outbox.text_body"
PARAMS = "email_outbox.params"


def seal(ring: Keyring, email: Mapping[str, Any]) -> dict[str, Any]:
    """A rendered email (template, to_email, locale, subject, html_body, text_body,
    params) as the outbox stores it."""
    to = str(email["to_email"]).strip()
    return {
        "template": email["template"],
        "locale": email.get("locale") or "ar",
        "to_email": ring.encrypt(to, TO),
        "to_display": email_display(to),
        "subject": ring.maybe_encrypt(email.get("subject"), SUBJECT),
        "html_body": ring.maybe_encrypt(email.get("html_body"), HTML),
        "text_body": ring.maybe_encrypt(email.get("text_body"), TEXT),
        "params": ring.encrypt(json.dumps(dict(email.get("params") or {}),
                                          ensure_ascii=False), PARAMS),
    }


def open_row(ring: Keyring, row: Mapping[str, Any]) -> dict[str, Any]:
    """An outbox row with its sealed columns opened (the columns it carries)."""
    opened = dict(row)
    if row.get("to_email") is not None:
        opened["to_email"] = ring.decrypt(row["to_email"], TO)
    for name, context in (("subject", SUBJECT), ("html_body", HTML), ("text_body", TEXT)):
        if name in row:
            opened[name] = ring.maybe_decrypt(row[name], context)
    if row.get("params") is not None:
        params = json.loads(ring.decrypt(row["params"], PARAMS))
        opened["params"] = params if isinstance(params, dict) else {}
    return opened


def open_subject(ring: Keyring, stored: str | None) -> str | None:
    return ring.maybe_decrypt(stored, SUBJECT)
