"""M1 (the rest): inputs that answered 500 now get their 4xx — a NUL in a search
or a chat text, an offset past bigint, a validly signed token whose role is not
a signed-in user's."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from khadum.auth import local_auth_signing_key
from khadum.seed.load import user_id
from khadum.settings import get_settings
from tests.chat.conftest import ChatWorld, chat_settings, chat_world  # noqa: F401  (fixtures)
from tests.factories import MOHAMMED
from tests.http import bearer, local_client

DASH = "/functions/v1/dashboard_api"


async def test_dashboard_odd_queries_are_4xx(clean_db: str) -> None:
    async with local_client(clean_db) as http:
        headers = bearer(MOHAMMED)
        nul = await http.get(f"{DASH}/requests", params={"q": "\x00"}, headers=headers)
        assert nul.status_code == 422 and nul.json()["error"]["code"] == "bad_query"
        huge = await http.get(f"{DASH}/notifications", params={"offset": str(2**63)},
                              headers=headers)
        assert huge.status_code == 422
        fine = await http.get(f"{DASH}/notifications", params={"offset": "1000"},
                              headers=headers)
        assert fine.status_code == 200


async def test_a_nul_in_chat_text_is_422(chat_world: ChatWorld) -> None:  # noqa: F811
    base = f"/functions/v1/chat/{chat_world.chat_id}"
    for text in ("a\x00b", "\ud800"):
        res = await chat_world.client.post(
            base + "/messages", content=json.dumps({"text": text}).encode(),  # ASCII escapes
            headers={**chat_world.freelancer, "content-type": "application/json"})
        assert res.status_code == 422, res.text
    cancel = await chat_world.client.post(base + "/cancel", json={"reason": "abc\x00"},
                                          headers=chat_world.freelancer)
    assert cancel.status_code == 422


def signed_token(role: str) -> str:
    now = int(time.time())
    claims = {"aud": "authenticated", "role": role, "sub": str(user_id(MOHAMMED)),
              "iat": now, "exp": now + 600}
    # Signed by the project's own key (the Auth stand-in's, in its JWKS): only the role is off.
    settings = get_settings()
    claims["iss"] = f"{settings.supabase_url}/auth/v1"
    return local_auth_signing_key(settings).sign(claims)


@pytest.mark.parametrize("role", ["anon", "postgres", "service_role", "supabase_admin", ""])
async def test_a_signed_token_with_another_role_is_refused(clean_db: str, role: str) -> None:
    headers = {"Authorization": f"Bearer {signed_token(role)}"}
    async with local_client(clean_db) as http:
        for res in (
            await http.get(f"{DASH}/me", headers=headers),
            await http.get(f"{DASH}/requests", headers=headers),
            await http.post("/functions/v1/respond_request", headers=headers,
                            json={"request_id": str(uuid.uuid4()), "action": "accept"}),
            await http.get(f"/functions/v1/chat/{uuid.uuid4()}", headers=headers),
        ):
            assert res.status_code in (401, 403), res.text
            assert res.json()["error"]["code"] in ("wrong_role", "invalid_token")
