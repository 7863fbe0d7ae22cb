"""Graph API message bodies (exactly what is POSTed to /{phone_id}/messages),
clipped to WhatsApp's limits so Meta never refuses them for length."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Body = dict[str, Any]

TEXT_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
BUTTON_TITLE_MAX = 20
MAX_BUTTONS = 3
LIST_BUTTON_MAX = 20
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
SECTION_TITLE_MAX = 24
MAX_ROWS = 10
ROW_ID_MAX = 200


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def graph_to(phone: str) -> str:
    """Meta addresses a WhatsApp user by digits (wa_id), without the plus."""
    return phone.lstrip("+")


def _envelope(phone: str, kind: str, content: Body) -> Body:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": graph_to(phone),
        "type": kind,
        kind: content,
    }


def text(phone: str, body: str, *, preview_url: bool = False) -> Body:
    return _envelope(phone, "text", {"preview_url": preview_url, "body": clip(body, TEXT_MAX)})


def buttons(phone: str, body: str, choices: Sequence[tuple[str, str]]) -> Body:
    if not 1 <= len(choices) <= MAX_BUTTONS:
        raise ValueError("reply buttons: 1 to 3")
    return _envelope(
        phone,
        "interactive",
        {
            "type": "button",
            "body": {"text": clip(body, INTERACTIVE_BODY_MAX)},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": cid, "title": clip(title, BUTTON_TITLE_MAX)}}
                    for cid, title in choices
                ]
            },
        },
    )


Row = tuple[str, str, str]  # id, title, description


def list_message(
    phone: str, body: str, button: str, sections: Sequence[tuple[str, Sequence[Row]]]
) -> Body:
    total = sum(len(rows) for _, rows in sections)
    if not 1 <= total <= MAX_ROWS:
        raise ValueError("list messages hold 1 to 10 rows")
    return _envelope(
        phone,
        "interactive",
        {
            "type": "list",
            "body": {"text": clip(body, INTERACTIVE_BODY_MAX)},
            "action": {
                "button": clip(button, LIST_BUTTON_MAX),
                "sections": [
                    {
                        "title": clip(title, SECTION_TITLE_MAX),
                        "rows": [
                            {
                                "id": rid[:ROW_ID_MAX],
                                "title": clip(rtitle, ROW_TITLE_MAX),
                                "description": clip(desc, ROW_DESCRIPTION_MAX),
                            }
                            for rid, rtitle, desc in rows
                        ],
                    }
                    for title, rows in sections
                    if rows
                ],
            },
        },
    )


def template(
    phone: str,
    name: str,
    language: str,
    parameters: Sequence[str],
    quick_reply_payloads: Sequence[str] = (),
) -> Body:
    components: list[Body] = []
    if parameters:
        components.append(
            {
                "type": "body",
                "parameters": [{"type": "text", "text": clip(p, 1024)} for p in parameters],
            }
        )
    for index, payload in enumerate(quick_reply_payloads):
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    return _envelope(
        phone, "template", {"name": name, "language": {"code": language}, "components": components}
    )
