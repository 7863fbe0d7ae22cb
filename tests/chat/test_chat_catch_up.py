"""Issue 13 item 1 at the chat API: a page that lost its socket asks for the
messages since its cursor (`?since=`, the server's clock at its last read) and
gets them oldest first, with a little overlap (merged by id on the page), the
next cursor, and pages for a long gap; only a party may ask."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from tests.chat.conftest import ChatWorld


async def test_messages_since_a_cursor(chat_world: ChatWorld, clean_db: str) -> None:
    c = chat_world.client
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    client = await chat_world.client_headers()
    old = await c.post(base + "/messages", json={"text": "قديمة"}, headers=client)
    with psycopg.connect(clean_db) as conn:  # written long before the page's last read
        conn.execute("update chat_messages set created_at = created_at - interval '1 hour' "
                     "where id = %s", (old.json()["id"],))
    cursor = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    for text in ("أثناء الانقطاع ١", "أثناء الانقطاع ٢"):
        assert (await c.post(base + "/messages", json={"text": text},
                             headers=chat_world.freelancer)).status_code == 201
    res = await c.get(base + "/messages", params={"since": cursor}, headers=client)
    assert res.status_code == 200, res.text
    body = res.json()
    assert [m["message_content"] for m in body["messages"]] == [
        "أثناء الانقطاع ١", "أثناء الانقطاع ٢"]  # oldest first, nothing from before
    assert body["has_more"] is False
    assert datetime.fromisoformat(body["cursor"]) > datetime.fromisoformat(cursor)
    # From the new cursor the overlap may repeat the last minute; ids decide.
    again = (await c.get(base + "/messages", params={"since": body["cursor"]},
                         headers=chat_world.freelancer)).json()
    assert {m["id"] for m in again["messages"]} <= {m["id"] for m in body["messages"]}
    # A long gap comes in pages.
    paged = (await c.get(base + "/messages", params={"since": cursor, "limit": 1},
                         headers=client)).json()
    assert [m["message_content"] for m in paged["messages"]] == ["أثناء الانقطاع ١"]
    assert paged["has_more"] is True
    both = await c.get(base + "/messages", params={"since": cursor, "before": cursor},
                       headers=client)
    assert both.status_code == 422 and both.json()["error"]["code"] == "bad_query"
    bad = await c.get(base + "/messages", params={"since": "soon"}, headers=client)
    assert bad.status_code == 422
    stranger = await c.get(base + "/messages", params={"since": cursor},
                           headers=chat_world.stranger)
    assert stranger.status_code == 403
    ancient = await c.get(base + "/messages", params={"since": "0001-01-01T00:00:00+00:00"},
                          headers=client)
    assert ancient.status_code == 200 and len(ancient.json()["messages"]) == 3
