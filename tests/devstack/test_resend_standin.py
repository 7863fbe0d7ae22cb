"""The Resend stand-in speaks Resend's protocol (checked with the real resend SDK),
and the dev server drains the email outbox on its own."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx
import psycopg

from khadum.devstack.app import create_app
from khadum.email.resend_provider import ResendProvider
from khadum.settings import Settings
from tests.email.support import SUBJECT, outbox_row, outgoing, queue_email, standin_server


async def test_idempotency_key_same_id_recorded_once(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        email = outgoing(outbox_row(conn, queue_email(conn)))
        provider = ResendProvider("re_test_key", api_url, timeout_seconds=5)
        first, second = await provider.send(email), await provider.send(email)
        assert first == second and len(standin.attempts) == 2
        listed = httpx.get(api_url + "/emails").json()
        assert [e["id"] for e in listed] == [first]
        assert listed[0]["subject"] == SUBJECT and listed[0]["to"] == ["ahmed@example.com"]
        assert listed[0]["idempotency_key"] == email.idempotency_key
        assert {"name": "outbox_id", "value": email.outbox_id} in listed[0]["tags"]
        assert httpx.get(api_url + f"/emails/{first}").json()["id"] == first


def test_resend_errors_on_the_wire() -> None:
    with standin_server() as (_, api_url):
        body = {"from": "a@khadum.app", "to": ["b@example.com"], "subject": "x", "text": "y"}
        unauthorised = httpx.post(api_url + "/emails", json=body)
        assert unauthorised.status_code == 401
        assert unauthorised.json()["name"] == "missing_api_key"
        auth = {"authorization": "Bearer re_test", "idempotency-key": "k-1"}
        invalid = httpx.post(api_url + "/emails", json={**body, "to": ["nobody"]}, headers=auth)
        assert invalid.status_code == 422 and invalid.json()["name"] == "validation_error"
        assert httpx.post(api_url + "/emails", json=body, headers=auth).status_code == 200
        reused = httpx.post(api_url + "/emails", json={**body, "subject": "other"}, headers=auth)
        assert reused.status_code == 409
        assert reused.json()["name"] == "invalid_idempotent_request"


async def test_the_dev_server_drains_the_outbox_continuously(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        settings = Settings(database_url=clean_db, resend_api_url=api_url)
        app = create_app(clean_db, settings=settings, run_expiry=False, run_workers=True)
        async with app.router.lifespan_context(app):
            email_id = queue_email(conn)
            for _ in range(50):
                if outbox_row(conn, email_id)["status"] == "sent":
                    break
                await asyncio.sleep(0.1)
        row = outbox_row(conn, email_id)
        assert row["status"] == "sent"
        assert [e["id"] for e in standin.recorded()] == [row["provider_id"]]


def test_khadum_outbox_drain_sends_once(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn, standin_server() as (standin, api_url):
        email_id = queue_email(conn)
        env = {"RESEND_API_URL": api_url, "PATH": "/usr/bin:/bin"}
        command = [sys.executable, "-m", "khadum.cli", "outbox", "drain",
                   "--database-url", clean_db]
        first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["email"] == {"sent": 1, "retried": 0, "failed": 0}
        assert "email: 1 sent, 0 retried, 0 failed" in first.stderr
        again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert json.loads(again.stdout)["email"]["sent"] == 0
        assert outbox_row(conn, email_id)["status"] == "sent"
        assert [e["to"] for e in standin.recorded()] == [["ahmed@example.com"]]
