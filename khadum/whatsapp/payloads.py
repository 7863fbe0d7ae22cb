"""Meta webhook payloads → the inbound messages and status updates they carry.

Parsing is total: a body that is not a JSON object with an `entry` list is
refused (400), but inside a batch every entry, change, contact, message and
status is read on its own. An item that cannot be used (wrong types, a wamid
or phone of the wrong length, a NUL or a lone surrogate, nesting too deep, NaN…)
becomes a dead letter with its reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from khadum.deadletters import (
    BadItem,
    DeadLetter,
    MalformedBody,
    check_clean,
    dump_for_dead_letter,
    raw_for_dead_letter,
    reject_constant,
)
from khadum.errors import BadRequest

MAX_WAMID = 255
MAX_TYPE = 40
MAX_NAME = 255
# WhatsApp caps a text at 4,096 characters; a captioned or interactive item is
# longer only by its JSON. An item's strings together may not pass this.
MAX_ITEM_CHARS = 32 * 1024
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


@dataclass(frozen=True)
class InboundMessage:
    wamid: str
    phone: str  # E.164 with the plus: "+966501234567"
    message_type: str
    payload: dict[str, Any]
    profile_name: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class StatusUpdate:
    wamid: str
    status: str
    occurred_at: datetime
    payload: dict[str, Any]
    error_code: str | None = None
    error: str | None = None


@dataclass
class WebhookBatch:
    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


def e164(wa_id: str) -> str:
    digits = "".join(ch for ch in str(wa_id) if ch.isdigit())
    return "+" + digits


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def parse_body(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw, parse_constant=reject_constant)
    except RecursionError as exc:
        raise MalformedBody(
            "the body nests too deeply", DeadLetter("body", "nesting_too_deep",
                                                    raw_for_dead_letter(raw))
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise MalformedBody(
            "the body is not valid JSON", DeadLetter("body", "not_json", raw_for_dead_letter(raw))
        ) from exc
    if not isinstance(data, dict):
        raise MalformedBody("the body must be a JSON object",
                            DeadLetter("body", "not_an_object", raw_for_dead_letter(raw)))
    if not isinstance(data.get("entry"), list):
        raise MalformedBody("no entry list in the webhook body",
                            DeadLetter("body", "no_entry_list", raw_for_dead_letter(raw)))
    return data


def _string(item: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise BadItem(f"missing_{key}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadItem(f"{key}_not_a_string")
    text = str(value)
    if len(text) > limit:
        raise BadItem(f"{key}_too_long")
    return text


def _checked(item: Any, kind: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadItem(f"{kind}_not_an_object")
    if check_clean(item) > MAX_ITEM_CHARS:
        raise BadItem(f"{kind}_too_long")
    return item


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value.strip()):
        raise BadItem("bad_phone_number")
    return e164(value)


def read_message(msg: Any, names: dict[str, str | None]) -> InboundMessage:
    item = _checked(msg, "message")
    wamid = _string(item, "id", MAX_WAMID)
    sender = _string(item, "from", 32)
    if wamid is None or sender is None:  # required fields: _string raised already
        raise BadItem("message_id_required")
    message_type = _string(item, "type", MAX_TYPE, required=False) or "unknown"
    return InboundMessage(
        wamid=wamid,
        phone=_phone(sender),
        message_type=message_type,
        payload=item,
        profile_name=names.get(sender),
        sent_at=_timestamp(item.get("timestamp")),
    )


def read_status(st: Any) -> StatusUpdate:
    item = _checked(st, "status")
    wamid = _string(item, "id", MAX_WAMID)
    status = _string(item, "status", 20)
    if wamid is None or status is None:  # required fields: _string raised already
        raise BadItem("status_id_required")
    errors = item.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) \
        else {}
    code = first.get("code")
    message = first.get("message") or first.get("title")
    return StatusUpdate(
        wamid=wamid,
        status=status,
        occurred_at=_timestamp(item.get("timestamp")) or datetime.now(UTC),
        payload=item,
        error_code=str(code)[:40] if isinstance(code, str | int) else None,
        error=message[:1000] if isinstance(message, str) else None,
    )


def _contact_names(value: dict[str, Any], batch: WebhookBatch) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    contacts = value.get("contacts")
    if contacts is None:
        return names
    if not isinstance(contacts, list):
        batch.dead_letters.append(
            DeadLetter("contact", "contacts_not_a_list", dump_for_dead_letter(contacts)))
        return names
    for contact in contacts:
        try:
            item = _checked(contact, "contact")
            wa_id = _string(item, "wa_id", 32)
            profile = item.get("profile")
            name = profile.get("name") if isinstance(profile, dict) else None
            if name is not None and not isinstance(name, str):
                raise BadItem("name_not_a_string")
            names[str(wa_id)] = name[:MAX_NAME] if name else None
        except BadItem as exc:
            batch.dead_letters.append(
                DeadLetter("contact", str(exc), dump_for_dead_letter(contact)))
    return names


def _items(value: dict[str, Any], key: str, batch: WebhookBatch) -> list[Any]:
    items = value.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        batch.dead_letters.append(
            DeadLetter("status" if key == "statuses" else "message",
                       f"{key}_not_a_list", dump_for_dead_letter(items)))
        return []
    return items


def _external_id(item: Any) -> str | None:
    if isinstance(item, dict) and isinstance(item.get("id"), str | int):
        return dump_for_dead_letter(str(item["id"]))[:MAX_WAMID]
    return None


def read_value(value: dict[str, Any], batch: WebhookBatch) -> None:
    names = _contact_names(value, batch)
    for msg in _items(value, "messages", batch):
        try:
            batch.messages.append(read_message(msg, names))
        except BadItem as exc:
            batch.dead_letters.append(DeadLetter(
                "message", str(exc), dump_for_dead_letter(msg), _external_id(msg)))
    for st in _items(value, "statuses", batch):
        try:
            batch.statuses.append(read_status(st))
        except BadItem as exc:
            batch.dead_letters.append(DeadLetter(
                "status", str(exc), dump_for_dead_letter(st), _external_id(st)))


def read_batch(data: dict[str, Any]) -> WebhookBatch:
    batch = WebhookBatch()
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise BadRequest("no entry list in the webhook body", code="malformed")
    for entry in entries:
        if not isinstance(entry, dict):
            batch.dead_letters.append(
                DeadLetter("entry", "entry_not_an_object", dump_for_dead_letter(entry)))
            continue
        changes = entry.get("changes")
        if changes is None:
            continue
        if not isinstance(changes, list):
            batch.dead_letters.append(
                DeadLetter("entry", "changes_not_a_list", dump_for_dead_letter(entry)))
            continue
        for change in changes:
            if not isinstance(change, dict):
                batch.dead_letters.append(
                    DeadLetter("change", "change_not_an_object", dump_for_dead_letter(change)))
                continue
            value = change.get("value")
            if change.get("field") not in (None, "messages"):
                continue  # other subscriptions (account updates…) are not ours
            if not isinstance(value, dict):
                batch.dead_letters.append(
                    DeadLetter("change", "value_not_an_object", dump_for_dead_letter(change)))
                continue
            read_value(value, batch)
    return batch
