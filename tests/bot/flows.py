"""Conversations the bot tests share."""

from __future__ import annotations

import psycopg

from khadum.seed.load import freelancer_id
from tests.factories import MOHAMMED, phone_index
from tests.whatsapp.meta import WhatsAppUser, rows_of

PICK_MOHAMMED = f"pick:{freelancer_id(MOHAMMED)}"


async def complete_request(user: WhatsAppUser, url: str) -> str:
    """The spec's request, quickly: returns the new request's id."""
    await user.say("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
    await user.tap(PICK_MOHAMMED, "محمد الغامدي", "list_reply")
    await user.tap("confirm_choice")
    for answer in ("أحمد محمد", "ahmed@example.com", "الشحن مجاني، ضمان سنتين", "300 ريال"):
        await user.say(answer)
    await user.tap("use_suggested")
    await user.tap("submit")
    return request_of(url, user.phone)


def request_of(url: str, phone: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select id from client_requests where client_phone_index = %s "
            "order by created_at desc limit 1",
            (phone_index(phone),),
        ).fetchone()
    assert row is not None
    return str(row[0])


def pick_ids(message: dict[str, object]) -> list[str]:
    return [r["id"] for r in rows_of(message) if r["id"].startswith("pick:")]
