"""The spec's KPIs in SQL, on a hand-built month whose figures are computed by hand.

October 2025 in Riyadh time. Requests (R = Riyadh local time):
  1 محمد  2 Oct 10:00R  accepted after 1 h, chat completed, rated 5 (3 Oct)
  2 محمد  3 Oct 10:00R  accepted after 3 h, chat completed, rated 4 (4 Oct)
  3 محمد  4 Oct 10:00R  rejected after 30 min
  4 نورة  5 Oct 10:00R  asked for details after 30 min, accepted after 2 h, chat active
  5 نورة  6 Oct 10:00R  expired, no answer
  6 نورة 31 Oct 23:30R  accepted after 1 h, chat completed, rated 2 (31 Oct 23:50R)
Outside the month: 10 Sep and 30 Sep 23:30R (still September in Riyadh), and
1 Nov 00:30R (31 Oct in UTC, but November in Riyadh).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from khadum.db import act_as
from khadum.seed.load import freelancer_id
from tests.factories import (
    ANON,
    MOHAMMED,
    NOURA,
    freelancer_claims,
    insert_inbound,
    insert_reply,
    sealed_row,
)

RIYADH = ZoneInfo("Asia/Riyadh")
OCT_FROM, OCT_TO = date(2025, 10, 1), date(2025, 10, 31)
HOUR = 3600.0


def riyadh(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=RIYADH)


def staff_claims() -> dict[str, Any]:
    claims = freelancer_claims(NOURA)
    claims["app_metadata"] = {"provider": "email", "khadum_role": "staff"}
    return claims


def _request(
    conn: psycopg.Connection, key: str, created: datetime, status: str, n: int
) -> uuid.UUID:
    row = conn.execute(
        """
        insert into client_requests (client_whatsapp_phone, client_phone_sealed,
          client_phone_index, client_name, freelancer_id,
          service_description, status, created_at, expires_at, responded_at)
        values (%(client_whatsapp_phone)s, %(client_phone_sealed)s, %(client_phone_index)s,
                'عميل', %(freelancer)s, %(service_description)s, %(status)s::text, %(created)s,
                %(created)s + interval '24 hours',
                case when %(status)s <> 'pending' then %(created)s + interval '1 hour' end)
        returning id
        """,
        {**sealed_row(f"+9665000{n:05d}"), "freelancer": freelancer_id(key), "status": status,
         "created": created},
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _event(conn: psycopg.Connection, request: uuid.UUID, kind: str, at: datetime) -> None:
    conn.execute(
        "insert into request_events (request_id, event_type, actor, created_at) "
        "values (%s, %s, 'freelancer', %s)",
        (request, kind, at),
    )


def _chat(conn: psycopg.Connection, request: uuid.UUID, status: str) -> uuid.UUID:
    row = conn.execute(
        """
        insert into private_chats (request_id, client_whatsapp_phone, freelancer_id,
          chat_url_token, status)
        select id, client_whatsapp_phone, freelancer_id, %s, %s from client_requests where id = %s
        returning id
        """,
        (uuid.uuid4().hex, status, request),
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _rate(conn: psycopg.Connection, chat: uuid.UUID, key: str, stars: int, at: datetime) -> None:
    conn.execute(
        "insert into chat_ratings (chat_id, freelancer_id, rating, created_at) "
        "values (%s, %s, %s, %s)",
        (chat, freelancer_id(key), stars, at),
    )


@pytest.fixture
def month(conn: psycopg.Connection) -> psycopg.Connection:
    r1 = _request(conn, MOHAMMED, riyadh(10, 2, 10), "accepted", 1)
    _event(conn, r1, "accepted", riyadh(10, 2, 11))
    _rate(conn, _chat(conn, r1, "completed"), MOHAMMED, 5, riyadh(10, 3, 9))

    r2 = _request(conn, MOHAMMED, riyadh(10, 3, 10), "accepted", 2)
    _event(conn, r2, "accepted", riyadh(10, 3, 13))
    _rate(conn, _chat(conn, r2, "completed"), MOHAMMED, 4, riyadh(10, 4, 9))

    r3 = _request(conn, MOHAMMED, riyadh(10, 4, 10), "rejected", 3)
    _event(conn, r3, "rejected", riyadh(10, 4, 10, 30))

    r4 = _request(conn, NOURA, riyadh(10, 5, 10), "accepted", 4)
    _event(conn, r4, "details_requested", riyadh(10, 5, 10, 30))
    _event(conn, r4, "accepted", riyadh(10, 5, 12))
    _chat(conn, r4, "active")

    _request(conn, NOURA, riyadh(10, 6, 10), "expired", 5)

    r6 = _request(conn, NOURA, riyadh(10, 31, 23, 30), "accepted", 6)
    _event(conn, r6, "accepted", riyadh(11, 1, 0, 30))
    _rate(conn, _chat(conn, r6, "completed"), NOURA, 2, riyadh(10, 31, 23, 50))

    _request(conn, NOURA, riyadh(9, 10, 12), "rejected", 7)
    _request(conn, MOHAMMED, riyadh(9, 30, 23, 30), "expired", 8)
    _request(conn, MOHAMMED, riyadh(11, 1, 0, 30), "expired", 9)

    # Funnel inputs: three phones wrote in October, two of them were shown a list.
    for n, phone in enumerate(("+966511111111", "+966511111111", "+966522222222", "+966533333333")):
        insert_inbound(conn, f"wamid.kpi{n}", phone, "text", {},
                       received_at=riyadh(10, 2 + n, 9))
    for phone in ("+966511111111", "+966522222222"):
        insert_reply(conn, phone, {"type": "interactive", "interactive": {"type": "list"}},
                     created_at=riyadh(10, 2, 9, 1), status="sent")
    return conn


def _summary(conn: psycopg.Connection) -> dict[str, Any]:
    row = conn.execute("select public.kpi_summary(%s, %s)", (OCT_FROM, OCT_TO)).fetchone()
    assert row is not None
    return dict(row[0])


def test_summary_matches_the_hand_computed_figures(month: psycopg.Connection) -> None:
    kpi = _summary(month)
    assert kpi["counts"]["requests"] == 6
    counts = kpi["counts"]
    assert (counts["accepted"], counts["rejected"], counts["expired"]) == (4, 1, 1)
    assert kpi["acceptance_rate"] == pytest.approx(4 / 6)
    assert kpi["expiry_rate"] == pytest.approx(1 / 6)
    # First responses: 1 h, 3 h, 30 min, 30 min (the question), 1 h.
    assert kpi["response_time_median"] == pytest.approx(1 * HOUR)
    assert kpi["response_time_p90"] == pytest.approx(1 * HOUR + 0.6 * 2 * HOUR)
    # Ratings 5, 4 and 2 were given in October (the last at 23:50 Riyadh on the 31st).
    assert kpi["satisfaction"] == pytest.approx(2 / 3)
    assert kpi["mean_rating"] == pytest.approx(11 / 3)
    assert kpi["completion_rate"] == pytest.approx(3 / 4)
    # September had two requests in Riyadh time; October six.
    assert (kpi["counts"]["requests_last_month"], kpi["counts"]["requests_this_month"]) == (2, 6)
    assert kpi["monthly_growth"] == pytest.approx(2.0)


def test_each_kpi_carries_its_spec_target(month: psycopg.Connection) -> None:
    targets = _summary(month)["targets"]
    assert targets["acceptance_rate"]["min"] == pytest.approx(0.70)
    assert targets["acceptance_rate"]["max"] == pytest.approx(0.80)
    assert targets["response_time_median"]["max"] == 7200
    assert targets["satisfaction"]["min"] == pytest.approx(0.90)
    assert targets["completion_rate"]["min"] == pytest.approx(0.85)
    assert targets["monthly_growth"]["min"] == pytest.approx(0.50)
    assert targets["satisfaction"]["name_ar"] == "رضا العملاء"


def test_funnel(month: psycopg.Connection) -> None:
    row = month.execute("select public.kpi_funnel(%s, %s)", (OCT_FROM, OCT_TO)).fetchone()
    assert row is not None
    assert row[0] == {"conversations": 3, "listed": 2, "requests": 6, "accepted": 4, "completed": 3}


def test_series_by_day_and_month(month: psycopg.Connection) -> None:
    days = month.execute(
        "select bucket, requests, accepted, rejected, expired, completed "
        "from public.kpi_series(%s, %s, 'day')",
        (OCT_FROM, OCT_TO),
    ).fetchall()
    assert len(days) == 31  # every day of October, quiet ones as zeros
    busy = [row for row in days if row[1]]
    assert busy == [
        (date(2025, 10, 2), 1, 1, 0, 0, 1),
        (date(2025, 10, 3), 1, 1, 0, 0, 1),
        (date(2025, 10, 4), 1, 0, 1, 0, 0),
        (date(2025, 10, 5), 1, 1, 0, 0, 0),
        (date(2025, 10, 6), 1, 0, 0, 1, 0),
        (date(2025, 10, 31), 1, 1, 0, 0, 1),
    ]
    assert days[0] == (date(2025, 10, 1), 0, 0, 0, 0, 0)
    months = month.execute(
        "select bucket, requests, acceptance_rate from public.kpi_series(%s, %s, 'month')",
        (date(2025, 9, 1), OCT_TO),
    ).fetchall()
    assert [(m, n) for m, n, _ in months] == [(date(2025, 9, 1), 2), (date(2025, 10, 1), 6)]
    assert float(months[1][2]) == pytest.approx(4 / 6)
    with pytest.raises(psycopg.Error, match="invalid_bucket"):
        month.execute("select * from public.kpi_series(%s, %s, 'year')", (OCT_FROM, OCT_TO))


def test_per_freelancer(month: psycopg.Connection) -> None:
    rows = month.execute(
        "select freelancer_id, requests, accepted, acceptance_rate, response_time_median, "
        "mean_rating, ratings from public.kpi_freelancers(%s, %s)",
        (OCT_FROM, OCT_TO),
    ).fetchall()
    by_id = {r[0]: r[1:] for r in rows}
    m = by_id[freelancer_id(MOHAMMED)]
    assert (m[0], m[1]) == (3, 2)
    assert float(m[2]) == pytest.approx(2 / 3)
    assert m[3] == pytest.approx(1 * HOUR)
    assert (m[4], m[5]) == (pytest.approx(4.5), 2)
    n = by_id[freelancer_id(NOURA)]
    assert (n[0], n[1]) == (3, 2)
    assert n[3] == pytest.approx(0.75 * HOUR)  # median of 30 min and 1 h
    assert (n[4], n[5]) == (pytest.approx(2.0), 1)


def test_a_period_must_run_forward(month: psycopg.Connection) -> None:
    with pytest.raises(psycopg.Error) as caught:
        month.execute("select public.kpi_summary(%s, %s)", (OCT_TO, OCT_FROM))
    assert caught.value.sqlstate == "KH422"


@pytest.mark.parametrize(
    "call",
    [
        "select public.kpi_summary('2025-10-01', '2025-10-31')",
        "select public.kpi_funnel('2025-10-01', '2025-10-31')",
        "select * from public.kpi_series('2025-10-01', '2025-10-31', 'day')",
        "select * from public.kpi_freelancers('2025-10-01', '2025-10-31')",
    ],
)
def test_only_staff_see_the_kpis(month: psycopg.Connection, call: str) -> None:
    with month.transaction():
        act_as(month, staff_claims())
        assert month.execute(call).fetchall()
        month.execute("reset role")
    for caller, sqlstate in ((freelancer_claims(MOHAMMED), "KH403"), (ANON, "42501")):
        with pytest.raises(psycopg.Error) as caught, month.transaction():
            act_as(month, caller)
            month.execute(call)
        assert caught.value.sqlstate == sqlstate


def test_a_user_cannot_claim_staff_through_user_metadata(month: psycopg.Connection) -> None:
    claims = freelancer_claims(MOHAMMED)
    claims["user_metadata"] = {"khadum_role": "staff"}
    with pytest.raises(psycopg.Error) as caught, month.transaction():
        act_as(month, claims)
        month.execute("select public.kpi_summary('2025-10-01', '2025-10-31')")
    assert caught.value.sqlstate == "KH403"


def test_kpi_targets_are_not_readable_through_the_data_api(month: psycopg.Connection) -> None:
    for caller in (freelancer_claims(MOHAMMED), ANON):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), month.transaction():
            act_as(month, caller)
            month.execute("select * from public.kpi_targets")


def test_unused_period_gives_empty_figures(month: psycopg.Connection) -> None:
    row = month.execute("select public.kpi_summary('2024-01-01', '2024-01-31')").fetchone()
    assert row is not None
    kpi = row[0]
    assert kpi["counts"]["requests"] == 0
    assert kpi["acceptance_rate"] is None and kpi["satisfaction"] is None
    assert kpi["monthly_growth"] is None
    assert kpi["period"] == {"from": "2024-01-01", "to": "2024-01-31", "time_zone": "Asia/Riyadh"}
