"""Operator KPIs over a year of history at 100 requests a day (36,500 requests,
their freelancer events, chats and ratings), in a scratch database.

Each KPI function (summary, funnel, day series, per freelancer) is timed over the
last 30 days, the last 90 days and the whole year, as a staff session would call
it (set role authenticated, staff claims). The floor is the cheapest query that
still touches the same requests: counting them over the same period.

    .venv/bin/python -m bench.kpis [--days 365] [--per-day 100] [--repeats 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date, timedelta
from typing import Any

import psycopg

from bench.common import scratch_database, sealed_requests

STAFF = {"sub": "00000000-0000-0000-0000-00000000beef", "role": "authenticated",
         "aud": "authenticated", "app_metadata": {"khadum_role": "staff"}}

# Deterministic history: status by request number, response after 10-300 minutes,
# chats for the accepted, most completed, most of those rated 3-5.
GENERATE = """
with f as (select id, row_number() over (order by id) - 1 as n, count(*) over () as total
             from public.freelancers),
req as (
  -- one sealed client for all (the KPIs count; they never open a request)
  insert into public.client_requests (client_whatsapp_phone, client_phone_sealed,
    client_phone_index, client_name, freelancer_id, service_description, service_category,
    status, created_at, expires_at, responded_at)
  select %(display)s, %(phone)s, %(idx)s, 'عميل ' || g, f.id, %(description)s,
         'marketing_ads',
         case when g %% 10 < 7 then 'accepted' when g %% 10 < 9 then 'rejected' else 'expired' end,
         ts, ts + interval '24 hours',
         case when g %% 10 < 9 then ts + (10 + g %% 290) * interval '1 minute' end
    from generate_series(1, %(total)s) g
    cross join lateral (select %(start)s::timestamptz
                        + (g - 1) * (interval '1 day' / %(per_day)s) as ts) t
    join f on f.n = g %% f.total
  returning id, status, created_at, responded_at, client_whatsapp_phone, freelancer_id
),
ev as (
  insert into public.request_events (request_id, event_type, actor, created_at)
  select id, status, 'freelancer', responded_at from req where responded_at is not null
),
chats as (
  insert into public.private_chats (request_id, client_whatsapp_phone, freelancer_id,
    chat_url_token, status, created_at, completed_at)
  select r.id, r.client_whatsapp_phone, r.freelancer_id, md5(r.id::text),
         case when abs(hashtext(r.id::text)) %% 10 < 8 then 'completed' else 'active' end,
         r.responded_at, r.responded_at + interval '3 days'
    from req r
   where r.status = 'accepted'
  returning id, freelancer_id, status, completed_at
)
insert into public.chat_ratings (chat_id, freelancer_id, rating, created_at)
select id, freelancer_id, 3 + abs(hashtext(id::text)) %% 3, completed_at + interval '1 day'
  from chats where status = 'completed' and abs(hashtext(id::text)) %% 10 < 7
"""

CALLS = {
    "summary": "select public.kpi_summary(%(f)s, %(t)s)",
    "funnel": "select public.kpi_funnel(%(f)s, %(t)s)",
    "series_day": "select * from public.kpi_series(%(f)s, %(t)s, 'day')",
    "freelancers": "select * from public.kpi_freelancers(%(f)s, %(t)s)",
}
FLOOR = (
    "select count(*) from public.client_requests where created_at >= "
    "(%(f)s::date::timestamp at time zone 'Asia/Riyadh') and created_at < "
    "((%(t)s::date + 1)::timestamp at time zone 'Asia/Riyadh')"
)


def timed(conn: psycopg.Connection, sql: str, params: dict[str, Any], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        with conn.transaction():
            conn.execute("set local role authenticated")
            conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(STAFF),))
            started = time.perf_counter()
            conn.execute(sql, params).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(sorted(samples), n=100, method="inclusive")[94], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    end = date.today()
    start = end - timedelta(days=args.days)
    with scratch_database("khadum_bench_kpis") as url, psycopg.connect(url) as conn:
        started = time.perf_counter()
        client = sealed_requests(["+966500000001"], ["طلب تجريبي"])
        conn.execute(GENERATE, {"total": args.days * args.per_day, "per_day": args.per_day,
                                "start": start.isoformat(), "display": client["displays"][0],
                                "phone": client["sealed_phones"][0],
                                "idx": client["indexes"][0],
                                "description": client["descriptions"][0]})
        conn.commit()
        conn.execute("analyze")
        conn.commit()
        generated_s = round(time.perf_counter() - started, 1)
        results: dict[str, Any] = {}
        for label, days in (("30_days", 30), ("90_days", 90), ("year", args.days)):
            params = {"f": end - timedelta(days=days - 1), "t": end}
            floor = p95(timed(conn, FLOOR, params, args.repeats))
            row: dict[str, Any] = {"floor_count_p95_ms": floor}
            for name, sql in CALLS.items():
                figure = p95(timed(conn, sql, params, args.repeats))
                row[f"{name}_p95_ms"] = figure
                row[f"{name}_vs_floor"] = round(figure / floor, 1) if floor else None
            results[label] = row
        worst = max(v for r in results.values() for k, v in r.items() if k.endswith("_p95_ms")
                    and not k.startswith("floor"))
    print(json.dumps({
        "bench": "kpis", "requests": args.days * args.per_day, "generated_s": generated_s,
        "repeats": args.repeats, "periods": results, "worst_p95_ms": worst,
        "target_p95_ms": 100, "meets_target": worst <= 100,
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
