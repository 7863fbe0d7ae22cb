"""Accounts the way Supabase makes them: the Auth Admin API through supabase-py
(`auth.admin.create_user` …) against the stand-in, rows GoTrue can sign in, and
`khadum freelancer invite` / `khadum seed` going the same way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from supabase_auth.errors import AuthApiError

from khadum.accounts import admin_client, run_sync
from khadum.seed.load import DEMO_PASSWORD, SPEC_FREELANCER_EMAIL
from khadum.settings import get_settings
from tests.http import local_client

# GoTrue scans these as strings: a NULL makes sign-in fail ("Database error querying schema").
TOKEN_COLUMNS = ("confirmation_token", "recovery_token", "email_change_token_new",
                 "email_change", "email_change_token_current", "phone_change",
                 "phone_change_token", "reauthentication_token")
NULL_TOKENS = " or ".join(f"{c} is null" for c in TOKEN_COLUMNS)


def khadum(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "khadum.cli", *args], capture_output=True,
                          text=True, env=env, timeout=180, stdin=subprocess.DEVNULL)


@pytest.fixture
def email(database_url: str) -> Iterator[str]:
    """A fresh address; its freelancer row and Auth user are removed afterwards."""
    address = f"invited-{uuid.uuid4().hex[:10]}@example.com"
    yield address
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("delete from public.freelancers where lower(email) = %s", (address,))
        conn.execute("delete from auth.users where lower(email) = %s", (address,))


async def sign_in(database_url: str, address: str, password: str) -> httpx.Response:
    async with local_client(database_url, workers=False) as client:
        return await client.post("/auth/v1/token?grant_type=password",
                                 json={"email": address, "password": password})


async def test_seeded_freelancers_have_gotrue_rows_and_sign_in(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        nulls = conn.execute(
            f"select count(*) from auth.users u join public.freelancers f on f.user_id = u.id "
            f"where {NULL_TOKENS}").fetchone()
        without_identity = conn.execute(
            "select count(*) from public.freelancers f where not exists (select 1 from "
            "auth.identities i where i.user_id = f.user_id and i.provider = 'email' "
            "and i.provider_id = f.user_id::text)").fetchone()
        emails = [r[0] for r in conn.execute(
            "select u.email from auth.users u join public.freelancers f on f.user_id = u.id "
            "order by u.email = %s desc, u.email limit 3", (SPEC_FREELANCER_EMAIL,))]
    assert nulls == (0,) and without_identity == (0,)
    for address in emails:
        res = await sign_in(database_url, address, DEMO_PASSWORD)
        assert res.status_code == 200, res.text
        assert res.json()["user"]["identities"][0]["provider"] == "email"


async def test_the_admin_api_through_supabase_py(database_url: str, email: str) -> None:
    settings = get_settings()
    async with admin_client(settings, database_url) as client:
        admin = client.auth.admin
        created = (await admin.create_user({
            "email": email, "password": "first-password-1", "email_confirm": True,
            "user_metadata": {"display_name": "نورة"}})).user
        assert created.email == email and created.user_metadata["display_name"] == "نورة"
        assert created.email_confirmed_at is not None
        assert created.identities and created.identities[0].provider == "email"
        with pytest.raises(AuthApiError) as taken:
            await admin.create_user({"email": email.upper(), "password": "x-password-2"})
        assert taken.value.code == "email_exists" and taken.value.status == 422
        with pytest.raises(AuthApiError) as invalid:
            await admin.create_user({"email": "not-an-email", "password": "x-password-2"})
        assert invalid.value.status == 400

        fetched = (await admin.get_user_by_id(created.id)).user
        assert fetched.id == created.id
        listed = await admin.list_users(page=1, per_page=1000)
        assert created.id in {u.id for u in listed}
        await admin.update_user_by_id(created.id, {"password": "second-password-2",
                                                   "user_metadata": {"city": "Riyadh"}})
        updated = (await admin.get_user_by_id(created.id)).user
        assert updated.user_metadata == {"display_name": "نورة", "city": "Riyadh"}

    assert (await sign_in(database_url, email, "first-password-1")).status_code == 400
    assert (await sign_in(database_url, email, "second-password-2")).status_code == 200
    with psycopg.connect(database_url) as conn:
        assert conn.execute(f"select count(*) from auth.users where email = %s and "
                            f"({NULL_TOKENS})", (email,)).fetchone() == (0,)

    async with admin_client(settings, database_url) as client:
        await client.auth.admin.delete_user(created.id)
        with pytest.raises(AuthApiError) as gone:
            await client.auth.admin.get_user_by_id(created.id)
        assert gone.value.status == 404


async def test_the_admin_api_needs_the_secret_key(database_url: str) -> None:
    settings = get_settings()
    async with local_client(database_url, workers=False) as client:
        for headers in ({}, {"Authorization": f"Bearer {settings.browser_api_key}"},
                        {"Authorization": "Bearer sb_secret_guessed"}):
            res = await client.get("/auth/v1/admin/users", headers=headers)
            assert res.status_code in (401, 403), headers
            assert res.json()["code"]
        secret = settings.model_copy(update={"supabase_secret_key": "sb_secret_local_test_1"})
        async with admin_client(secret, database_url) as admin:
            assert len(await admin.auth.admin.list_users(per_page=5)) == 5
        res = await client.post("/auth/v1/admin/users", content=b"[1]",
                                headers={"Authorization": f"Bearer {settings.admin_api_key}"})
        assert res.status_code == 400


async def test_invite_creates_links_and_is_idempotent(database_url: str, email: str) -> None:
    first = khadum("freelancer", "invite", email, "--name", "سارة", "--password",
                   "sara-password-1", "--database-url", database_url)
    assert first.returncode == 0, first.stderr
    made = json.loads(first.stdout)
    assert made["user_created"] and made["freelancer_created"] and made["linked"]
    assert "Admin API" in first.stderr

    again = khadum("freelancer", "invite", email, "--name", "سارة", "--password",
                   "sara-password-1", "--database-url", database_url)
    assert again.returncode == 0, again.stderr
    same = json.loads(again.stdout)
    assert (same["user_id"], same["freelancer_id"]) == (made["user_id"], made["freelancer_id"])
    assert not (same["user_created"] or same["freelancer_created"] or same["linked"])

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            f"select f.user_id, u.email_confirmed_at is not null, ({NULL_TOKENS}) "
            f"from public.freelancers f join auth.users u on u.id = f.user_id "
            f"where f.id = %s", (made["freelancer_id"],)).fetchone()
    assert row is not None and str(row[0]) == made["user_id"] and row[1] and row[2] is False
    res = await sign_in(database_url, email, "sara-password-1")
    assert res.status_code == 200, res.text
    async with local_client(database_url, workers=False) as client:
        me = await client.get("/functions/v1/dashboard_api/me", headers={
            "Authorization": f"Bearer {res.json()['access_token']}"})
    assert me.status_code == 200 and me.json()["freelancer"]["display_name"] == "سارة"


async def test_invite_links_an_existing_freelancer_and_sends_invites(
    database_url: str, email: str,
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("insert into public.freelancers (email, display_name, headline) "
                           "values (%s, 'خالد', 'مصمم') returning id", (email,)).fetchone()
    assert row is not None
    done = khadum("freelancer", "invite", email.upper(), "--name", "خالد", "--send-invite",
                  "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["freelancer_id"] == str(row[0]) and result["linked"]
    assert not result["freelancer_created"]
    with psycopg.connect(database_url) as conn:
        user = conn.execute(f"select invited_at is not null, confirmation_token <> '', "
                            f"({NULL_TOKENS}) from auth.users where id = %s",
                            (result["user_id"],)).fetchone()
    assert user == (True, True, False)
    neither = khadum("freelancer", "invite", email, "--name", "خالد",
                     "--database-url", database_url)
    assert neither.returncode == 2 and "--password" in neither.stderr


def test_seeding_goes_through_the_admin_api_and_repeats_as_a_no_op(database_url: str) -> None:
    from khadum.seed.load import seed, user_id

    uid = user_id("mohammed-alghamdi")
    with psycopg.connect(database_url, autocommit=True) as conn:
        # A demo user as an older seed wrote it: NULL token columns.
        conn.execute("update auth.users set confirmation_token = null, email_change = null "
                     "where id = %s", (uid,))
    report = seed(database_url)
    assert report.users_created == 0 and report.inserted == 0
    with psycopg.connect(database_url) as conn:
        assert conn.execute(f"select ({NULL_TOKENS}) from auth.users where id = %s",
                            (uid,)).fetchone() == (False,)

    async def count() -> int:
        async with admin_client(get_settings(), database_url) as client:
            return len(await client.auth.admin.list_users(per_page=1000))

    assert run_sync(count) >= 64


async def test_staff_add_and_remove_through_the_admin_api(database_url: str, email: str) -> None:
    from khadum.auth import verify_token

    invited = khadum("freelancer", "invite", email, "--name", "ريم", "--password",
                     "staff-password-1", "--database-url", database_url)
    assert invited.returncode == 0, invited.stderr

    async def admin_me() -> tuple[dict[str, object], int]:
        res = await sign_in(database_url, email, "staff-password-1")
        assert res.status_code == 200, res.text
        token = res.json()["access_token"]
        async with local_client(database_url, workers=False) as client:
            me = await client.get("/functions/v1/admin_api/me",
                                  headers={"Authorization": f"Bearer {token}"})
        return (await verify_token(get_settings(), token))["app_metadata"], me.status_code

    metadata, status = await admin_me()
    assert "khadum_role" not in metadata and status == 403

    added = khadum("staff", "add", email.upper(), "--database-url", database_url)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {"user_id": json.loads(invited.stdout)["user_id"],
                                        "staff": True, "changed": True}
    assert "now staff" in added.stderr
    metadata, status = await admin_me()
    assert metadata["khadum_role"] == "staff" and metadata["provider"] == "email"
    assert status == 200

    again = khadum("staff", "add", email, "--database-url", database_url)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["changed"] is False and "already staff" in again.stderr

    removed = khadum("staff", "remove", email, "--database-url", database_url)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout) == {"user_id": json.loads(invited.stdout)["user_id"],
                                          "staff": False, "changed": True}
    metadata, status = await admin_me()
    assert "khadum_role" not in metadata and metadata["provider"] == "email"
    assert status == 403
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select raw_app_meta_data ? 'khadum_role' from auth.users "
                           "where email = %s", (email,)).fetchone()
    assert row == (False,)  # removed, as GoTrue removes a key given as null

    nobody = khadum("staff", "add", f"nobody-{uuid.uuid4().hex[:8]}@example.com",
                    "--database-url", database_url)
    assert nobody.returncode == 1 and "no Auth user has the email" in nobody.stderr
    assert nobody.stdout == ""
