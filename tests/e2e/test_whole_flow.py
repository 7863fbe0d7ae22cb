"""The whole connection flow through one running local server, with its workers
and stand-ins, as DESIGN.md section 1 tells it: a client talks to the bot on
WhatsApp (signed Meta webhooks), the freelancer's dashboard gets the request,
the freelancer accepts, the client gets the chat link on WhatsApp and both get
the spec's emails, and the link opens the private chat."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from khadum.devstack.app import create_app, served_from
from khadum.seed.load import freelancer_id
from khadum.settings import Settings
from tests.http import bearer
from tests.live import free_port, serve
from tests.whatsapp.meta import inbound, signed

PHONE = "+966501234567"
MOHAMMED = "mohammed-alghamdi"


def wait_for(probe: Callable[[], Any], what: str, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass(frozen=True)
class Walked:
    """What the flow handed out: the secrets no log may carry."""

    phone: str
    email: str
    chat_token: str
    access_token: str
    file_link: str


def test_from_whatsapp_to_the_private_chat(clean_db: str) -> None:
    walk_the_whole_flow(clean_db)


def walk_the_whole_flow(clean_db: str, *, log_level: str = "warning") -> Walked:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = served_from(Settings(), base)
    with serve(create_app(clean_db, settings=settings, run_expiry=False), port=port,
               log_level=log_level), \
            httpx.Client(base_url=base, timeout=10) as http:

        def outbound() -> list[dict[str, Any]]:
            return list(http.get("/dev/graph/messages", params={"to": PHONE}).json())

        def client_says(fixture: str, **fields: Any) -> None:
            seen = len(outbound())
            body, headers = signed(inbound(fixture, PHONE, "أحمد محمد", **fields),
                                   settings.whatsapp_app_secret)
            assert http.post("/functions/v1/whatsapp_webhook", content=body,
                             headers=headers).status_code == 200
            wait_for(lambda: len(outbound()) > seen, "the bot's answer")

        def text(value: str) -> None:
            client_says("text", text={"body": value})

        def tap(kind: str, reply_id: str) -> None:
            client_says(f"{kind}", interactive={"type": kind, kind: {"id": reply_id,
                                                                     "title": reply_id}})

        text("السلام عليكم")
        text("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
        tap("list_reply", f"pick:{freelancer_id(MOHAMMED)}")
        tap("button_reply", "confirm_choice")
        text("أحمد محمد")
        text("ahmed@example.com")
        text("الشحن مجاني، ضمان سنتين، جمهور شبابي")
        text("٣٠٠ ريال")
        tap("button_reply", "use_suggested")
        tap("button_reply", "submit")

        # the freelancer's dashboard has it
        notes = http.get("/functions/v1/dashboard_api/notifications",
                         headers=bearer(MOHAMMED, settings)).json()
        request_id = next(n["request_id"] for n in notes["items"]
                          if n["type"] == "client_request")
        detail = http.get(f"/functions/v1/dashboard_api/requests/{request_id}",
                          headers=bearer(MOHAMMED, settings)).json()["request"]
        assert (detail["client_name"], detail["client_email"]) == ("أحمد محمد",
                                                                  "ahmed@example.com")
        assert detail["client_whatsapp_phone"] == PHONE and "ريال" in detail["budget_range"]

        # accept: WhatsApp link to the client, the two emails, the chat opens
        accepted = http.post("/functions/v1/respond_request", headers=bearer(MOHAMMED, settings),
                             json={"request_id": request_id, "action": "accept"})
        assert accepted.status_code == 200
        # The freelancer gets their own /chats/{id}; only the client receives the
        # client's link, on WhatsApp and by email (issue 15, H1).
        assert accepted.json()["chat_url"] == f"{base}/chats/{accepted.json()['chat_id']}"

        def client_link() -> str | None:
            pattern = re.escape(base) + r"/chat/[A-Za-z0-9_-]{40,}"
            found = [re.search(pattern, str(m)) for m in outbound()]
            return next((f.group(0) for f in found if f), None)

        chat_url = wait_for(client_link, "the chat link on WhatsApp")
        assert http.get(chat_url).status_code == 200  # the chat page behind the link
        def both_emails() -> list[dict[str, Any]] | None:
            listed = http.get("/dev/resend/emails").json()
            return listed if len(listed) >= 2 else None

        emails = wait_for(both_emails, "both emails")
        to_client = next(e for e in emails if e["to"] == ["ahmed@example.com"])
        assert "تم قبول طلبك" in to_client["subject"] and chat_url in to_client["html"]
        link = re.search(r"/chat/([A-Za-z0-9_-]+)", chat_url)
        assert link is not None
        token = link.group(1)
        session = http.post("/functions/v1/chat/session", json={"token": token})
        assert session.status_code == 200
        said = http.post(f"/functions/v1/chat/{session.json()['chat_id']}/messages",
                         json={"text": "مرحبا محمد"},
                         headers={"Authorization": f"Bearer {session.json()['access_token']}"})
        assert said.status_code == 201
        # a file, fetched through its signed link
        attached = http.post(f"/functions/v1/chat/{session.json()['chat_id']}/attachments",
                             headers={"Authorization": f"Bearer {session.json()['access_token']}"},
                             files={"file": ("عقد-أحمد.pdf", b"%PDF-1.4\n%%EOF\n",
                                             "application/pdf")})
        assert attached.status_code == 201, attached.text
        file_link = attached.json()["file_link"]
        assert http.get(file_link).status_code == 200
        return Walked(PHONE, "ahmed@example.com", token, session.json()["access_token"],
                      file_link)
