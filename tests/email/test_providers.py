"""Provider choice, error classes (the transient flag drives retries), backoff, and who
may call the email state functions."""

from __future__ import annotations

import psycopg
import pytest
from resend.exceptions import ResendError

from khadum.crypto import new_key
from khadum.email.providers import parse_retry_after, provider_from_settings
from khadum.email.resend_provider import ResendProvider, classify
from khadum.email.smtp_provider import SmtpProvider
from khadum.push.vapid import new_key_pair
from khadum.settings import Settings


def test_the_provider_follows_the_configuration() -> None:
    resend = provider_from_settings(Settings())
    assert isinstance(resend, ResendProvider) and resend.api_url.endswith("/dev/resend")
    smtp = provider_from_settings(Settings(email_provider="smtp", smtp_host="smtp.resend.com",
                                           smtp_port=587, smtp_starttls=True))
    assert isinstance(smtp, SmtpProvider)
    assert (smtp.host, smtp.port, smtp.starttls) == ("smtp.resend.com", 587, True)


def test_production_with_smtp_needs_no_resend_secrets() -> None:
    real = {name: f"prod-{name}-9f8e7d" for name in (
        "supabase_anon_key", "supabase_service_role_key", "supabase_jwt_secret",
        "whatsapp_access_token", "whatsapp_app_secret", "whatsapp_verify_token")}
    base = {"khadum_env": "production", "database_url": "postgresql://db.example/khadum",
            "supabase_url": "https://abc.supabase.co", "whatsapp_phone_number_id": "123456",
            # Production refuses local addresses (issue 9): real ones are given.
            "public_base_url": "https://app.khadum.sa",
            "whatsapp_graph_url": "https://graph.facebook.com",
            "khadum_data_keys": f"k1:{new_key()}", "khadum_blind_index_key": new_key(), **real,
            **dict(zip(("vapid_public_key", "vapid_private_key"), new_key_pair(), strict=True))}
    assert Settings(email_provider="smtp", **base).is_production  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="RESEND_API_KEY"):
        Settings(email_provider="resend", **base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "kind", "headers", "transient", "retry_after"), [
    (429, "rate_limit_exceeded", {"retry-after": "3"}, True, 3.0),
    (500, "application_error", {}, True, None),
    (503, "service_unavailable", {}, True, None),
    (500, "HttpClientError", {}, True, None),  # timeouts and refused connections
    (409, "concurrent_idempotent_requests", {}, True, None),
    (409, "invalid_idempotent_request", {}, False, None),
    (422, "validation_error", {}, False, None),
    (403, "invalid_api_key", {}, False, None),
])
def test_resend_errors_are_classified(code: int, kind: str, headers: dict[str, str],
                                      transient: bool, retry_after: float | None) -> None:
    error = classify(ResendError(code=code, error_type=kind, message="m", suggested_action="",
                                 headers=headers))
    assert (error.transient, error.retry_after) == (transient, retry_after)
    assert error.message.startswith(f"resend {code} {kind}")


def test_backoff_grows_is_capped_and_respects_retry_after(clean_db: str) -> None:
    # One rule for every queue, in SQL (the email sender calls record_email_error).
    with psycopg.connect(clean_db) as conn:
        delays = conn.execute(
            "select array_agg(extract(epoch from retry_delay(n))::int order by n) "
            "from generate_series(1, 10) n").fetchone()
    assert delays == ([2, 4, 8, 16, 32, 64, 128, 256, 300, 300],)
    assert parse_retry_after("2.5") == 2.5 and parse_retry_after("Wed, 21 Oct 2015") is None


def test_only_the_server_may_call_the_email_state_functions(conn: psycopg.Connection) -> None:
    conn.execute("set local role authenticated")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from public.claim_due_emails(10)")
