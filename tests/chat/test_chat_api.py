"""The chat function over real HTTP (ASGI) on real PostgreSQL."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, unquote, urlparse

import jwt
import psycopg

from khadum.crypto import CIPHERTEXT
from tests.chat.conftest import ChatWorld
from tests.factories import send_message

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_a_chat_link_opens_a_short_client_session(chat_world: ChatWorld) -> None:
    res = await chat_world.client.post(
        "/functions/v1/chat/session", json={"token": chat_world.token}
    )
    assert res.status_code == 200
    claims = jwt.decode(res.json()["access_token"], options={"verify_signature": False})
    assert claims["chat_id"] == str(chat_world.chat_id) and claims["chat_role"] == "client"
    assert claims["role"] == "authenticated" and claims["exp"] - time.time() <= 12 * 3600 + 5


async def test_bad_links_get_clear_errors_and_guessing_is_slowed(chat_world: ChatWorld) -> None:
    unknown = await chat_world.client.post("/functions/v1/chat/session", json={"token": "A" * 43})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_link"
    malformed = await chat_world.client.post(
        "/functions/v1/chat/session", json={"token": "../../etc/passwd"}
    )
    assert malformed.status_code == 404
    for _ in range(18):
        await chat_world.client.post("/functions/v1/chat/session", json={"token": "B" * 43})
    blocked = await chat_world.client.post(
        "/functions/v1/chat/session", json={"token": chat_world.token}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"


async def test_a_cancelled_chat_link_opens_its_history_read_only(
    chat_world: ChatWorld, clean_db: str
) -> None:
    """Issue 13: the client keeps reading a cancelled chat (history and files), and
    may write nothing more to it (it used to answer 410 and show nothing)."""
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    client = await chat_world.client_headers()
    sent = await chat_world.client.post(base + "/messages", json={"text": "قبل الإلغاء"},
                                        headers=client)
    assert sent.status_code == 201
    with psycopg.connect(clean_db) as conn:
        conn.execute(
            "update private_chats set status = 'cancelled' where id = %s", (chat_world.chat_id,)
        )
    res = await chat_world.client.post(
        "/functions/v1/chat/session", json={"token": chat_world.token}
    )
    assert res.status_code == 200 and res.json()["status"] == "cancelled"
    headers = {"Authorization": f"Bearer {res.json()['access_token']}"}
    history = await chat_world.client.get(base + "/messages", headers=headers)
    assert [m["message_content"] for m in history.json()["messages"]] == ["قبل الإلغاء"]
    summary = await chat_world.client.get(base, headers=headers)
    assert summary.json()["status"] == "cancelled"
    refused = await chat_world.client.post(base + "/messages", json={"text": "بعد الإلغاء"},
                                           headers=headers)
    assert refused.status_code == 409, refused.text
    upload = await chat_world.client.post(
        base + "/attachments", files={"file": ("a.png", PNG, "image/png")}, headers=headers)
    assert upload.status_code == 409, upload.text


async def test_messages_flow_both_ways_and_contacts_are_masked(chat_world: ChatWorld) -> None:
    c = chat_world.client
    client = await chat_world.client_headers()
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    sent = await c.post(
        base + "/messages", json={"text": "السلام عليكم، رقمي 0551234567"}, headers=client
    )
    assert sent.status_code == 201
    assert "0551234567" not in sent.json()["message_content"] and sent.json()["was_masked"]
    reply = await c.post(
        base + "/messages", json={"text": "وعليكم السلام، أبشر"}, headers=chat_world.freelancer
    )
    assert reply.status_code == 201 and reply.json()["sender_type"] == "freelancer"
    listed = await c.get(base + "/messages", headers=chat_world.freelancer)
    kinds = [(m["sender_type"], m["message_type"]) for m in listed.json()["messages"]]
    assert kinds == [("freelancer", "text"), (None, "system"), ("client", "text")]
    summary = await c.get(base, headers=client)
    body = summary.json()
    assert body["side"] == "client" and body["freelancer"]["display_name"] == "محمد الغامدي"
    assert body["unread"] == 1 and "client_email" not in str(body)
    # The request panel shows the client's words (sealed at rest), never the ciphertext.
    assert body["request"]["description"] == "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"


async def test_history_pages_back(chat_world: ChatWorld, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        for i in range(7):
            send_message(conn, chat_world.chat_id, "client", f"رسالة {i}")
    base = f"/functions/v1/chat/{chat_world.chat_id}/messages"
    res = await chat_world.client.get(base + "?limit=4", headers=chat_world.freelancer)
    assert res.status_code == 200, res.text
    first = res.json()
    assert len(first["messages"]) == 4 and first["has_more"]
    oldest = first["messages"][-1]["created_at"]
    rest = (
        await chat_world.client.get(
            base, params={"before": oldest, "limit": 4}, headers=chat_world.freelancer
        )
    ).json()
    assert len(rest["messages"]) == 3 and not rest["has_more"]


async def test_strangers_are_refused(chat_world: ChatWorld) -> None:
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    other_client = await chat_world.client_headers(chat_world.other_token)
    for headers in (chat_world.stranger, other_client):
        assert (await chat_world.client.get(base, headers=headers)).status_code == 403
        assert (await chat_world.client.get(base + "/messages", headers=headers)).status_code == 403
        posted = await chat_world.client.post(
            base + "/messages", json={"text": "مرحبا"}, headers=headers
        )
        assert posted.status_code == 403
    assert (await chat_world.client.get(base)).status_code == 401


async def test_images_and_files_are_private_and_linked_briefly(chat_world: ChatWorld) -> None:
    c = chat_world.client
    client = await chat_world.client_headers()
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    image = await c.post(
        base + "/attachments", headers=client, files={"file": ("شعار.png", PNG, "image/png")}
    )
    assert image.status_code == 201, image.text
    assert image.json()["message_type"] == "image" and image.json()["file_mime"] == "image/png"
    link = image.json()["file_link"]
    got = await c.get(link)
    assert got.status_code == 200 and got.content == PNG
    pdf = await c.post(
        base + "/attachments",
        headers=chat_world.freelancer,
        files={"file": ("brief.pdf", PDF, "application/pdf")},
        data={"caption": "الملف المطلوب"},
    )
    assert pdf.json()["message_type"] == "file" and pdf.json()["message_content"] == "الملف المطلوب"
    # the link names ids, never the file; tampered and expired links are refused
    assert "شعار" not in unquote(link) and "brief" not in unquote(pdf.json()["file_link"])
    path, query = urlparse(link).path, parse_qs(urlparse(link).query)
    forged = await c.get(
        path.replace(str(chat_world.chat_id), str(chat_world.other_chat_id)),
        params={"expires": query["expires"][0], "sig": query["sig"][0]},
    )
    assert forged.status_code == 403
    stale = await c.get(path, params={"expires": "1000", "sig": query["sig"][0]})
    assert stale.status_code == 403
    # the party's link request answers the name, opened, and a fresh link
    asked = await c.get(f"{base}/attachments/{pdf.json()['id']}", headers=client)
    assert asked.json()["name"] == "brief.pdf"
    assert (await c.get(asked.json()["url"])).content == PDF
    # the other chat's parties cannot ask for a link to it
    other_client = await chat_world.client_headers(chat_world.other_token)
    refused = await c.get(f"{base}/attachments/{image.json()['id']}", headers=other_client)
    assert refused.status_code == 404


async def test_disallowed_and_oversized_files(chat_world: ChatWorld) -> None:
    base = f"/functions/v1/chat/{chat_world.chat_id}/attachments"
    exe = await chat_world.client.post(
        base,
        headers=chat_world.freelancer,
        files={"file": ("setup.exe", b"MZ\x90\x00" * 64, "image/png")},
    )
    assert exe.status_code == 422 and exe.json()["error"]["code"] == "file_type_not_allowed"
    huge = await chat_world.client.post(
        base,
        headers=chat_world.freelancer,
        files={"file": ("big.png", PNG + b"\0" * (10 * 1024 * 1024), "image/png")},
    )
    assert huge.status_code == 413


async def test_deliver_complete_and_rate(chat_world: ChatWorld, clean_db: str) -> None:
    c = chat_world.client
    client = await chat_world.client_headers()
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    assert (await c.post(base + "/complete", headers=client)).status_code == 409
    assert (await c.post(base + "/deliver", headers=chat_world.freelancer)).status_code == 200
    assert (await c.post(base + "/complete", headers=client)).status_code == 200
    bad = await c.post(base + "/rate", json={"rating": 9}, headers=client)
    assert bad.status_code == 422
    rated = await c.post(
        base + "/rate", json={"rating": 5, "comment": "ممتاز وسريع"}, headers=client
    )
    assert rated.status_code == 200
    again = await c.post(base + "/rate", json={"rating": 1}, headers=client)
    assert again.status_code == 409
    summary = (await c.get(base, headers=chat_world.freelancer)).json()
    assert summary["status"] == "completed" and summary["rating"]["rating"] == 5
    # The comment is sealed at rest and opened for the parties (issue 16).
    assert rated.json()["result"]["comment"] == "ممتاز وسريع"
    assert summary["rating"]["comment"] == "ممتاز وسريع"
    with psycopg.connect(clean_db) as conn:
        stored = conn.execute("select comment from chat_ratings where chat_id = %s",
                              (chat_world.chat_id,)).fetchone()
    assert stored is not None and CIPHERTEXT.match(stored[0])
    late = await c.post(base + "/messages", json={"text": "بعد الإكمال"}, headers=client)
    assert late.status_code == 409


async def test_flooding_is_rate_limited(chat_world: ChatWorld) -> None:
    client = await chat_world.client_headers()
    base = f"/functions/v1/chat/{chat_world.chat_id}/messages"
    codes = [
        (await chat_world.client.post(base, json={"text": f"سبام {i}"}, headers=client)).status_code
        for i in range(12)
    ]
    assert codes[:10] == [201] * 10 and codes[10:] == [429, 429]


async def test_a_cancel_reason_is_sealed_and_shown_to_both_parties(
        chat_world: ChatWorld, clean_db: str) -> None:
    """Issue 16: the reason is stored sealed, the system note does not quote it, and
    both parties read it (opened) in the chat's state; a stranger reads nothing."""
    c = chat_world.client
    client = await chat_world.client_headers()
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    short = await c.post(base + "/cancel", json={"reason": "لا"}, headers=client)
    assert short.status_code == 422
    done = await c.post(base + "/cancel", json={"reason": "تغيرت خطة المشروع"}, headers=client)
    assert done.status_code == 200 and done.json()["result"]["cancel_reason"] == "تغيرت خطة المشروع"
    for headers in (client, chat_world.freelancer):
        summary = (await c.get(base, headers=headers)).json()
        assert (summary["status"], summary["cancel_reason"]) == ("cancelled", "تغيرت خطة المشروع")
    assert (await c.get(base, headers=chat_world.stranger)).status_code in (403, 404)
    with psycopg.connect(clean_db) as conn:
        stored = conn.execute("select cancel_reason from private_chats where id = %s",
                              (chat_world.chat_id,)).fetchone()
        texts = [t for (t,) in conn.execute(
            "select message_content::text from chat_messages where chat_id = %s "
            "union all select details::text from activity_log", (chat_world.chat_id,))]
    assert stored is not None and CIPHERTEXT.match(stored[0])
    assert not any("تغيرت خطة" in t for t in texts)
