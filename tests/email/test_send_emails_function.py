"""POST /functions/v1/send_emails: only the service key (or a service_role JWT) drains."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import psycopg

from khadum.auth import mint_freelancer_token
from khadum.db import Database
from khadum.settings import Settings
from tests.email.support import outbox_row, queue_email, standin_server
from tests.http import function_factory

create_app = function_factory("send_emails")

URL = "/functions/v1/send_emails"


def service_jwt(settings: Settings, role: str = "service_role") -> str:
    now = int(time.time())
    claims = {"iss": "supabase", "ref": "khadumlocal", "role": role, "iat": now,
              "exp": now + 300}
    assert settings.supabase_jwt_secret
    return jwt.encode(claims, settings.supabase_jwt_secret, algorithm="HS256")


async def test_only_the_service_key_drains_the_outbox(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        # Legacy set-up: service_role key and HS256 JWTs with the legacy JWT secret.
        settings = Settings(database_url=clean_db, resend_api_url=api_url,
                            supabase_service_role_key="sk-test-" + uuid.uuid4().hex,
                            supabase_jwt_secret="legacy-jwt-secret-" + uuid.uuid4().hex)
        db = Database(clean_db, max_size=4)
        await db.open()
        transport = httpx.ASGITransport(app=create_app(db, settings))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://fn") as client:
                freelancer = mint_freelancer_token(settings, uuid.uuid4(), "m@example.com")
                for headers in ({}, {"authorization": "Bearer not-the-key"},
                                {"authorization": f"Bearer {freelancer}"},
                                {"authorization": f"Bearer {service_jwt(settings, 'anon')}"},
                                {"authorization": settings.supabase_service_role_key}):
                    refused = await client.post(URL, headers=headers)
                    assert refused.status_code == 401, headers
                    assert refused.json()["error"]["code"]
                assert standin.attempts == []

                first = queue_email(conn)
                key = {"authorization": f"Bearer {settings.supabase_service_role_key}"}
                answer = await client.post(URL, headers=key)
                assert answer.status_code == 200
                assert answer.json() == {"sent": 1, "retried": 0, "failed": 0}

                second = queue_email(conn)
                signed = {"authorization": f"Bearer {service_jwt(settings)}"}
                again = await client.post(URL, headers=signed)
                assert again.json() == {"sent": 1, "retried": 0, "failed": 0}
        finally:
            await db.close()
        assert [e["idempotency_key"] for e in standin.recorded()] == [
            outbox_row(conn, first)["idempotency_key"], outbox_row(conn, second)["idempotency_key"]]
