"""Several months of realistic, deterministic activity, so the operator console
means something locally (`khadum seed --history`).

Every request goes through the product's own SQL functions — the bot's
`submit_client_request`, the freelancer's `request_details` / `accept_request` /
`reject_request`, `expire_requests`, and the chat's `chat_mark_delivered`,
`chat_confirm_completion` and `chat_rate` as each party — so the events,
notifications, activity log and chats are exactly what the product writes. Those
functions stamp `now()`; each request's rows are then moved back to the moment the
simulation gives them. The WhatsApp notices and emails they queued are marked as
long delivered: history is never sent. A second run adds nothing.
"""

from __future__ import annotations

import json
import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from khadum.chat import freetext
from khadum.crypto import Keyring
from khadum.db import act_as, one_row
from khadum.requests import sealed
from khadum.seed.freelancers import DEMO_FREELANCERS
from khadum.seed.load import user_id
from khadum.settings import get_settings

HISTORY_MARK = "seed:history"
NAMES = ["أحمد محمد", "سارة العتيبي", "فهد الشهري", "نورة القحطاني", "خالد الدوسري",
         "ريم الزهراني", "عبدالله الحربي", "هيا المطيري", "Omar Haddad", "Lina Farouk"]
NEEDS = [
    ("marketing_ads", "إعلان تسويقي لساعة ذكية للشباب", "300 ريال"),
    ("graphic_design", "شعار لمقهى مختص في الرياض", "800 ريال"),
    ("translation", "ترجمة عقد توريد من الإنجليزية إلى العربية", "1200 ريال"),
    ("video_motion", "مونتاج ريلز أسبوعية لحساب مطعم", "1500 ريال"),
    ("web_development", "متجر إلكتروني على سلة مع ربط الدفع", "6000 ريال"),
    ("social_media", "إدارة حسابات سناب وإنستقرام لشهر", "2500 ريال"),
    ("writing_content", "كتابة محتوى موقع شركة مقاولات", "900 ريال"),
    ("voice_over", "تعليق صوتي لإعلان إذاعي ٣٠ ثانية", "400 ريال"),
]


@dataclass
class HistoryReport:
    requests: int = 0
    accepted: int = 0
    rejected: int = 0
    expired: int = 0
    completed: int = 0
    rated: int = 0
    skipped: bool = False


def seed_history(
    url: str, *, days: int = 120, seed: int = 2025, progress: Callable[[str], None] | None = None,
    ring: Keyring | None = None,
) -> HistoryReport:
    """Adds `days` days of activity ending yesterday (Riyadh), unless already there."""
    ring = ring or sealed.keys(get_settings())
    report = HistoryReport()
    say = progress or (lambda _: None)
    rng = random.Random(seed)
    freelancers = [d.key for d in DEMO_FREELANCERS]
    with psycopg.connect(url) as conn:
        if conn.execute(
            "select 1 from public.activity_log where action = 'seed.history' limit 1"
        ).fetchone():
            report.skipped = True
            return report
        # The demo profiles' ratings and project counts already stand for their whole
        # past; keep them as the seed wrote them (the ratings stay in chat_ratings).
        conn.execute(
            "create temporary table demo_profiles on commit drop as "
            "select id, rating, rating_count, completed_projects from public.freelancers"
        )
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        for offset in range(days, 0, -1):
            day = today - timedelta(days=offset)
            # Requests grow over the months, as the spec hopes (its KPI: +50 % a month).
            count = rng.randint(2, 4) + (days - offset) // 25
            for _ in range(count):
                created = day + timedelta(minutes=rng.randint(6 * 60, 23 * 60))
                with conn.transaction():
                    _one_request(conn, ring, rng, rng.choice(freelancers[:24]), created,
                                 report)
            if offset % 30 == 0:
                say(f"history: {day.date()} — {report.requests} requests so far")
        conn.execute(
            "update public.freelancers f set rating = d.rating, rating_count = d.rating_count, "
            "completed_projects = d.completed_projects from demo_profiles d where d.id = f.id"
        )
        conn.execute(
            "select public.log_activity('system', null, 'seed.history', null, null, %s)",
            (Jsonb({"days": days, "requests": report.requests}),),
        )
        conn.commit()
    return report


def _one_request(
    conn: psycopg.Connection[Any], ring: Keyring, rng: random.Random, key: str,
    created: datetime, report: HistoryReport,
) -> None:
    category, need, budget = rng.choice(NEEDS)
    phone = "+9665" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    name = rng.choice(NAMES)
    started = _clock(conn)
    fid = conn.execute("select id from public.freelancers where user_id = %s",
                       (user_id(key),)).fetchone()
    row = conn.execute(sealed.SUBMIT_SQL, sealed.submission(
        ring, phone=phone, name=name, email=f"client{rng.randint(1000, 9999)}@example.com",
        freelancer_id=fid[0] if fid else None, description=f"أبي {need}", title=None,
        category=category, budget=budget, details={"source": HISTORY_MARK},
        reason="اخترتك لخبرتك وتقييمك العالي", language="ar")).fetchone()
    request = one_row(row, "submit_client_request")[0]
    report.requests += 1
    uid = user_id(key)
    roll = rng.random()
    response = created + timedelta(minutes=int(rng.lognormvariate(3.6, 1.0)) + 3)
    chat_id: uuid.UUID | None = None
    if roll < 0.08:
        conn.execute("update public.client_requests set expires_at = now() where id = %s",
                     (request,))
        conn.execute("select public.expire_requests(now() + interval '1 second')")
        report.expired += 1
        response = created + timedelta(hours=24)
    elif roll < 0.25:
        conn.execute("select public.reject_request(%s, %s, %s)",
                     (request, uid, "مشغول بمشروع آخر هذا الأسبوع"))
        report.rejected += 1
    else:
        if rng.random() < 0.2:
            conn.execute("select public.request_details(%s, %s, %s)",
                         (request, uid, "هل عندك أمثلة أو مراجع تحبها؟"))
        chat_id = uuid.uuid4()
        conn.execute(
            "select public.accept_request(%s, %s, %s, %s, '[]'::jsonb)",
            (request, uid, chat_id, secrets.token_urlsafe(32)),
        )
        report.accepted += 1
        # A project takes days: only chats that would be done by now are completed.
        if rng.random() < 0.85 and response + timedelta(days=3, hours=3) < started:
            _complete(conn, ring, chat_id, key, rng.choice([5, 5, 5, 4, 4, 4, 3, 2]) if
                      rng.random() < 0.8 else None, report)
    _move_back(conn, request, chat_id, started, created, response)


def _complete(
    conn: psycopg.Connection[Any], ring: Keyring, chat_id: uuid.UUID, key: str,
    stars: int | None,
    report: HistoryReport,
) -> None:
    row = conn.execute(
        "select client_session_sub from public.private_chat_secrets where chat_id = %s",
        (chat_id,),
    ).fetchone()
    row = one_row(row, "the chat's secrets")
    freelancer = {"sub": str(user_id(key)), "role": "authenticated", "aud": "authenticated"}
    client = {"sub": str(row[0]), "role": "authenticated", "aud": "authenticated",
              "chat_id": str(chat_id), "chat_role": "client"}
    for claims, sql, params in (
        (freelancer, "select public.chat_mark_delivered(%s)", (chat_id,)),
        (client, "select public.chat_confirm_completion(%s)", (chat_id,)),
    ):
        act_as(conn, claims)
        conn.execute(sql, params)
        conn.execute("reset role")
    report.completed += 1
    if stars is not None:
        act_as(conn, client)
        conn.execute("set local role none")  # as the chat function: claims set, server role
        comment = "شكراً، عمل ممتاز"  # sealed as the chat function seals it
        conn.execute("select public.chat_rate(%s, %s, %s, %s)",
                     (chat_id, stars, comment, freetext.seal_comment(ring, comment)))
        conn.execute("reset role")
        report.rated += 1


def _clock(conn: psycopg.Connection[Any]) -> datetime:
    value: datetime = one_row(conn.execute("select now()").fetchone(), "select now()")[0]
    return value


def _move_back(
    conn: psycopg.Connection[Any], request: uuid.UUID, chat_id: uuid.UUID | None,
    now: datetime, created: datetime, response: datetime,
) -> None:
    """Everything this transaction wrote for the request happened at `now()`: move it
    to the simulated times (the request at `created`, the rest at `response` or
    later), and mark its queued messages as delivered back then."""
    shift = {"created": created, "response": response, "done": response + timedelta(days=3)}
    conn.execute(
        """
        update public.client_requests
           set created_at = %(created)s, expires_at = %(created)s + interval '24 hours',
               responded_at = case when responded_at is not null then %(response)s end,
               first_response_at = case when first_response_at is not null
                                        then %(response)s end
         where id = %(request)s
        """,
        {**shift, "request": request},
    )
    conn.execute(
        "update public.request_events set created_at = case when actor = 'client' "
        "then %(created)s else %(response)s end where request_id = %(request)s",
        {**shift, "request": request},
    )
    conn.execute(
        "update public.notifications set created_at = %(created)s, is_read = true, "
        "read_at = %(response)s where request_id = %(request)s",
        {**shift, "request": request},
    )
    conn.execute(
        "update public.whatsapp_outbox set status = 'delivered', created_at = %(response)s, "
        "sent_at = %(response)s, delivered_at = %(response)s where request_id = %(request)s",
        {**shift, "request": request},
    )
    conn.execute(
        "update public.email_outbox set status = 'delivered', created_at = %(response)s, "
        "sent_at = %(response)s, delivered_at = %(response)s where request_id = %(request)s",
        {**shift, "request": request},
    )
    subjects = [str(request)] + ([str(chat_id)] if chat_id else [])
    conn.execute(
        "update public.activity_log set created_at = case when action = 'request.created' "
        "then %(created)s when action like 'chat.%%' then %(done)s else %(response)s end "
        "where subject_id = any(%(subjects)s) and created_at >= %(now)s",
        {**shift, "subjects": subjects, "now": now},
    )
    if chat_id is not None:
        conn.execute(
            """
            update public.private_chats
               set created_at = %(response)s, last_activity = %(done)s,
                   delivered_at = case when delivered_at is not null
                                       then %(done)s - interval '1 day' end,
                   completed_at = case when completed_at is not null then %(done)s end,
                   rating_requested_at = case when completed_at is not null then %(done)s end
             where id = %(chat)s
            """,
            {**shift, "chat": chat_id},
        )
        conn.execute(
            "update public.chat_messages set created_at = %(done)s where chat_id = %(chat)s",
            {**shift, "chat": chat_id},
        )
        conn.execute(
            "update public.chat_ratings set created_at = %(done)s + interval '2 hours' "
            "where chat_id = %(chat)s",
            {**shift, "chat": chat_id},
        )
        conn.execute(
            "update public.notifications set created_at = %(done)s, is_read = true, "
            "read_at = %(done)s where request_id = %(request)s and created_at >= %(now)s",
            {**shift, "request": request, "now": now},
        )


def summary(report: HistoryReport) -> str:
    if report.skipped:
        return "history already seeded: nothing added"
    return json.dumps(report.__dict__, ensure_ascii=False)
