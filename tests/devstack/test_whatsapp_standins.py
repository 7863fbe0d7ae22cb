"""The Graph API stand-in and the simulator's send endpoint, through the local server."""

from __future__ import annotations

import httpx

from khadum.devstack.app import ENDPOINTS, create_app
from khadum.devstack.simulator import SimulatedMessage, webhook_envelope
from khadum.settings import Settings
from khadum.whatsapp import messages
from khadum.whatsapp.payloads import read_batch


async def test_the_graph_stand_in_records_and_answers_like_meta(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    app = create_app(database_url, settings=settings, run_expiry=False, run_workers=False)
    url = f"/dev/graph/{settings.whatsapp_api_version}/{settings.whatsapp_phone_number_id}/messages"
    auth = {"authorization": f"Bearer {settings.whatsapp_access_token}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            first = messages.text("+966500000001", "أهلاً")
            second = messages.buttons("+966500000001", "تأكيد؟", [("yes", "نعم")])
            answer = await client.post(url, json=first, headers=auth)
            assert answer.status_code == 200
            body = answer.json()
            assert body["messaging_product"] == "whatsapp"
            assert body["contacts"] == [{"input": "966500000001", "wa_id": "966500000001"}]
            assert body["messages"][0]["id"].startswith("wamid.")
            await client.post(url, json=second, headers=auth)
            await client.post(url, json=messages.text("+966500000002", "other"), headers=auth)
            listed = await client.get("/dev/graph/messages", params={"to": "+966500000001"})
            assert listed.json() == [first, second]
            refused = await client.post(url, json=first, headers={"authorization": "Bearer x"})
            assert refused.status_code == 401 and refused.json()["error"]["code"] == 190
            invalid = await client.post(url, json={"to": "1"}, headers=auth)
            assert invalid.status_code == 400 and invalid.json()["error"]["code"] == 100
            page = await client.get("/dev/whatsapp")
            assert page.status_code == 200 and 'dir="rtl"' in page.text
            start = await client.get("/dev")  # the start page; "/" is the dashboard
            assert "/dev/whatsapp" in start.text
    assert ("/dev/whatsapp", "WhatsApp simulator: play the client") in ENDPOINTS


def test_the_simulator_builds_what_meta_sends() -> None:
    settings = Settings()
    msg = SimulatedMessage(
        phone="+966501234567",
        name="أحمد",
        kind="list_reply",
        id="pick:x",
        title="محمد",
        description="⭐ 4.8",
    )
    batch = read_batch(webhook_envelope(settings, msg))
    assert len(batch.messages) == 1
    parsed = batch.messages[0]
    assert parsed.phone == "+966501234567" and parsed.profile_name == "أحمد"
    assert parsed.message_type == "interactive"
    assert parsed.payload["interactive"]["list_reply"]["id"] == "pick:x"
