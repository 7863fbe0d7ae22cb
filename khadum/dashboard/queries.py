"""The dashboard's reads and its one write (mark notifications read), as SQL run
inside `atransaction_as`: the caller's role and claims, so RLS decides what exists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from psycopg import AsyncCursor

from khadum.analysis.text import normalize
from khadum.chat.messages import last_message
from khadum.crypto import Keyring
from khadum.requests import sealed
from khadum.rules import REQUEST_STATUSES

Cursor = AsyncCursor[dict[str, Any]]

# The sealed columns are opened by khadum.requests.sealed (the caller's rows only).
_REQUEST_COLUMNS = """
  r.id, r.client_name, r.client_phone_sealed, r.client_email_sealed, r.service_description,
  r.service_title,
  r.service_category, c.name_ar as category_ar, c.name_en as category_en, r.budget_range,
  r.project_details, r.reason_for_choice, r.status, public.effective_status(r) as effective_status,
  public.is_actionable(r) as actionable, r.created_at, r.responded_at, r.expires_at,
  r.response_message, r.client_language
"""


async def me(cur: Cursor) -> dict[str, Any] | None:
    await cur.execute(
        "select id, display_name, display_name_en, email, headline, headline_en, rating "
        "from public.freelancers where id = (select public.current_freelancer_id())"
    )
    return await cur.fetchone()


def _notification_columns(lang: str) -> str:
    """A notification's columns, its text in the viewer's language (`lang`): the
    rows hold the Arabic text; another language is rendered from the catalogue."""
    text = ("n.title, n.message" if lang == "ar" else
            "t.title, t.message")
    join = ("" if lang == "ar" else
            "left join lateral public.my_notification_text("
            "n.type, n.request_id, n.title, n.message, %(lang)s) t on true")
    return f"""
        select n.id, n.request_id, {text}, n.type, n.is_read, n.created_at, n.read_at,
               r.client_name, r.service_description, r.budget_range,
               public.effective_status(r) as request_status,
               case when n.type = 'chat_message' then
                 (select c.id from public.private_chats c where c.request_id = n.request_id)
               end as chat_id
        from public.notifications n
        left join public.client_requests r on r.id = n.request_id
        {join}
"""


async def notifications(cur: Cursor, ring: Keyring, limit: int, offset: int,
                        lang: str = "ar") -> dict[str, Any]:
    await cur.execute(
        f"""
        {_notification_columns(lang)}
        order by n.created_at desc, n.id
        limit {int(limit)} offset {int(offset)}
        """,
        {"lang": lang},
    )
    items = [sealed.open_notification(ring, item) for item in await cur.fetchall()]
    await cur.execute(
        "select count(*) filter (where not coalesce(is_read, false)) as unread, count(*) as total "
        "from public.notifications"
    )
    counts = await cur.fetchone() or {"unread": 0, "total": 0}
    return {"items": items, "unread": counts["unread"], "total": counts["total"],
            "cursor": await server_time(cur)}


async def server_time(cur: Cursor) -> datetime:
    """The catch-up cursor: the server's clock as this read began."""
    await cur.execute("select now() as at")
    row = await cur.fetchone()
    at: datetime = row["at"] if row else datetime.now(UTC)
    return at


CHANGES_LIMIT = 200


async def changes(cur: Cursor, ring: Keyring, start: datetime,
                  lang: str = "ar") -> dict[str, Any]:
    """What changed after `start` (see khadum.catchup): notifications made or read,
    and the ids of requests whose card changed. When more notifications changed
    than one answer holds, it holds the most recent changes (what the top of the
    list needs), oldest first, and `complete` is false (the page then rereads)."""
    cursor = await server_time(cur)
    await cur.execute(
        f"""
        {_notification_columns(lang)}
        where n.created_at > %(start)s or n.read_at > %(start)s
        order by greatest(n.created_at, n.read_at) desc, n.id desc
        limit {CHANGES_LIMIT + 1}
        """,
        {"start": start, "lang": lang},
    )
    fetched = await cur.fetchall()
    complete = len(fetched) <= CHANGES_LIMIT
    items = [sealed.open_notification(ring, item) for item in reversed(fetched[:CHANGES_LIMIT])]
    await cur.execute("select public.requests_changed_since(%s) as id", (start,))
    request_ids = [row["id"] for row in await cur.fetchall()]
    await cur.execute(
        "select count(*) as unread from public.notifications where not coalesce(is_read, false)"
    )
    unread = (await cur.fetchone() or {"unread": 0})["unread"]
    return {"cursor": cursor, "notifications": items,
            "complete": complete, "request_ids": request_ids,
            "unread": unread}


async def notification(cur: Cursor, ring: Keyring, notification_id: uuid.UUID,
                       lang: str = "ar") -> dict[str, Any] | None:
    """One notification as the list shows it (a live broadcast carries ids only)."""
    await cur.execute(
        f"""
        {_notification_columns(lang)}
        where n.id = %(id)s
        """,
        {"id": notification_id, "lang": lang},
    )
    row = await cur.fetchone()
    return sealed.open_notification(ring, row) if row else None


async def mark_read(cur: Cursor, ids: list[uuid.UUID] | None) -> dict[str, Any]:
    await cur.execute(
        """
        update public.notifications set is_read = true, read_at = now()
        where not coalesce(is_read, false) and (%(all)s or id = any(%(ids)s))
        returning id
        """,
        {"all": ids is None, "ids": ids or []},
    )
    updated = [row["id"] for row in await cur.fetchall()]
    await cur.execute(
        "select count(*) as unread from public.notifications where not coalesce(is_read, false)"
    )
    row = await cur.fetchone() or {"unread": 0}
    return {"updated": updated, "unread": row["unread"]}


# What a search looks in: the opened request (SQL cannot read the sealed parts).
_SEARCHED = ("client_name", "client_email", "client_whatsapp_phone", "service_description",
             "budget_range", "reason_for_choice", "service_title")


def _matches(request: dict[str, Any], folded: str) -> bool:
    return folded in normalize(" ".join(str(request.get(k) or "") for k in _SEARCHED))


async def requests(
    cur: Cursor, ring: Keyring, status: str | None, query: str | None, page: int,
    page_size: int,
) -> dict[str, Any]:
    clause = "(%(status)s::text is null or public.effective_status(r) = %(status)s)"
    params: dict[str, Any] = {"status": status}
    window = "" if query else f"limit {int(page_size)} offset {int((page - 1) * page_size)}"
    await cur.execute(
        f"""
        select {_REQUEST_COLUMNS}, count(*) over () as total_rows
        from public.client_requests r
        left join public.service_categories c on c.slug = r.service_category
        where {clause}
        order by r.created_at desc, r.id
        {window}
        """,
        params,
    )
    rows = await cur.fetchall()
    total = rows[0]["total_rows"] if rows else 0
    items = [sealed.open_request(ring, row) for row in rows]
    if query:
        # A search opens the caller's requests (RLS: their own) and looks in them.
        folded = normalize(query)
        items = [item for item in items if _matches(item, folded)]
        total = len(items)
        items = items[(page - 1) * page_size:page * page_size]
    elif not items and page > 1:
        total = await _count(cur, clause, params)
    for item in items:
        item.pop("total_rows", None)
    await cur.execute(
        "select public.effective_status(r) as status, count(*) as n "
        "from public.client_requests r group by 1"
    )
    counts = {s: 0 for s in REQUEST_STATUSES} | {
        row["status"]: row["n"] for row in await cur.fetchall()}
    counts["all"] = sum(counts[s] for s in REQUEST_STATUSES)
    return {"items": items, "total": total, "page": page, "page_size": page_size,
            "counts": counts}


async def _count(cur: Cursor, clause: str, params: dict[str, Any]) -> int:
    await cur.execute(f"select count(*) as n from public.client_requests r where {clause}", params)
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def request_detail(
    cur: Cursor, ring: Keyring, request_id: uuid.UUID
) -> dict[str, Any] | None:
    await cur.execute(
        f"""
        select {_REQUEST_COLUMNS}
        from public.client_requests r
        left join public.service_categories c on c.slug = r.service_category
        where r.id = %s
        """,
        (request_id,),
    )
    found = await cur.fetchone()
    if found is None:
        return None
    request = sealed.open_request(ring, found)
    await cur.execute(
        "select id, event_type, actor, message, created_at from public.request_events "
        "where request_id = %s order by created_at, id",
        (request_id,),
    )
    events = [sealed.open_event(ring, event) for event in await cur.fetchall()]
    await cur.execute(
        "select id, status, created_at, last_activity from public.private_chats "
        "where request_id = %s",
        (request_id,),
    )
    chat = await cur.fetchone()
    await cur.execute("select * from public.request_emails(%s)", (request_id,))
    emails = await cur.fetchall()
    return {"request": request, "events": events, "chat": chat, "emails": emails}


async def chats(cur: Cursor, ring: Keyring,
                chat_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    await cur.execute(
        """
        select c.id, c.request_id, c.status, c.created_at, c.last_activity,
               r.client_name, r.service_description, r.budget_range,
               m.message_content as last_message, m.message_type as last_message_type,
               m.sender_type as last_sender,
               m.created_at as last_message_at,
               (select count(*) from public.chat_messages x where x.chat_id = c.id) as messages
        from public.private_chats c
        join public.client_requests r on r.id = c.request_id
        left join lateral (
          select message_content, message_type, sender_type, created_at from public.chat_messages
          where chat_id = c.id order by created_at desc limit 1
        ) m on true
        where %(chat)s::uuid is null or c.id = %(chat)s
        order by c.last_activity desc nulls last, c.created_at desc
        limit 200
        """,
        {"chat": chat_id},
    )
    rows = [sealed.open_request(ring, row) for row in await cur.fetchall()]
    for row in rows:  # the preview is sealed like every message (khadum.chat.messages)
        row["last_message"] = last_message(ring, row["last_message"],
                                           row.pop("last_message_type"))
    return rows
