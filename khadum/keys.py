"""The encrypted columns and key rotation (`khadum keys new`, `khadum keys rotate`).

Every column that holds `khadum.crypto` ciphertext is listed in ENCRYPTED_COLUMNS,
with the context (authenticated data) its values are sealed with:
`<table>.<column>`, or a shared kind (`client.email`) where SQL copies a value between
columns. Rotation re-encrypts, in batches, every value whose key id is not
the active one (the first in KHADUM_DATA_KEYS); readers keep working throughout,
because every listed key decrypts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from khadum.crypto import CIPHERTEXT, Keyring


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    column: str
    key: str = "id"  # the table's primary key column
    # The authenticated data values are sealed with: `<table>.<column>` unless a kind
    # of value is shared by several columns that SQL copies between (e.g. `client.email`).
    kind: str | None = None
    # Rows whose value in this column is not encrypted by design (an SQL condition
    # naming this table's columns), e.g. chat system notes: rotation skips them.
    plain_when: str | None = None
    # The column is jsonb holding the ciphertext as a JSON string (project_details).
    jsonb: bool = False
    # The column of this table holding the value's keyed blind index (context
    # `kind`): filled when a value written before its column was encrypted is sealed.
    index: str | None = None

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def context(self) -> str:
        return self.kind or f"{self.table}.{self.column}"


# Filled in as columns become encrypted (one line per column, schema public).
ENCRYPTED_COLUMNS: list[EncryptedColumn] = [
    # the private chat (issue 16): text (system notes stay plain), file names, and
    # each attachment's own key (the file bytes are sealed with it, in storage)
    EncryptedColumn("chat_messages", "message_content", plain_when="message_type = 'system'"),
    EncryptedColumn("chat_messages", "file_name"),
    EncryptedColumn("chat_messages", "file_key"),
    # The client's data in client_requests (khadum/requests/sealed.py).
    EncryptedColumn("client_requests", "client_phone_sealed", kind="client.phone"),
    EncryptedColumn("client_requests", "client_email_sealed", kind="client.email"),
    EncryptedColumn("client_requests", "service_description"),
    EncryptedColumn("client_requests", "project_details", jsonb=True),
    EncryptedColumn("client_requests", "reason_for_choice"),
    # The bot's tables (migration 20251203000100): raw WhatsApp messages and the
    # conversations (khadum/whatsapp/store.py, khadum/bot/conversation.py).
    EncryptedColumn("whatsapp_inbound", "client_phone", kind="client.phone",
                    index="client_phone_index"),
    EncryptedColumn("whatsapp_inbound", "payload", jsonb=True),
    EncryptedColumn("whatsapp_inbound", "profile_name"),
    EncryptedColumn("bot_conversations", "client_phone", kind="client.phone",
                    index="client_phone_index"),
    EncryptedColumn("bot_conversations", "data", jsonb=True),
    # The email outbox (khadum/email/sealed.py): opened only by the email drain.
    EncryptedColumn("email_outbox", "to_email"),
    EncryptedColumn("email_outbox", "subject"),
    EncryptedColumn("email_outbox", "html_body"),
    EncryptedColumn("email_outbox", "text_body"),
    EncryptedColumn("email_outbox", "params", jsonb=True),
    # The WhatsApp outbox (khadum/whatsapp/sealed.py): opened only by the sender;
    # both bodies share a context (the sender opens whichever goes).
    EncryptedColumn("whatsapp_outbox", "to_phone", kind="client.phone",
                    index="to_phone_index"),
    EncryptedColumn("whatsapp_outbox", "body", jsonb=True),
    EncryptedColumn("whatsapp_outbox", "template_body", kind="whatsapp_outbox.body",
                    jsonb=True),
    # What a party types about a chat (khadum/chat/freetext.py).
    EncryptedColumn("private_chats", "cancel_reason"),
    EncryptedColumn("chat_ratings", "comment", key="chat_id"),
    # The client's answer to a freelancer's question (khadum/requests/sealed.py); the
    # other events and notifications are plain by design.
    EncryptedColumn("request_events", "message", plain_when="event_type <> 'details_answered'"),
    EncryptedColumn("notifications", "message", plain_when="type <> 'details_answered'"),
]


def column(table: str, name: str) -> EncryptedColumn:
    """The registered column (its context is what values there are sealed with)."""
    for entry in ENCRYPTED_COLUMNS:
        if entry.table == table and entry.column == name:
            return entry
    raise LookupError(f"{table}.{name} is not a registered encrypted column")


def rotate(conn: psycopg.Connection, keys: Keyring, *, batch: int = 500,
           progress: Callable[[str], None] = lambda _m: None) -> dict[str, int]:
    """Re-encrypt every registered column's values under the active key; returns
    {table.column: values re-encrypted or sealed}. Each batch is its own transaction, so a stop
    leaves finished batches done and the rest for the next run."""
    active = keys.active_kid
    done: dict[str, int] = {entry.name: 0 for entry in ENCRYPTED_COLUMNS}
    for table in dict.fromkeys(entry.table for entry in ENCRYPTED_COLUMNS):
        for name, sealed in seal_legacy(conn, keys, table, batch=batch).items():
            done[name] += sealed
            if sealed:
                progress(f"{name}: {sealed} plain value(s) sealed")
    for entry in ENCRYPTED_COLUMNS:
        count = done[entry.name]
        value = sql.SQL("({col} #>> '{{}}')" if entry.jsonb else "{col}").format(
            col=sql.Identifier(entry.column))
        select = sql.SQL(
            "select {key}::text, {value} from public.{table} "
            "where {col} is not null and split_part({value}, '.', 2) <> %s "
            "and not coalesce({plain}, false) "
            "order by {key} limit %s for update skip locked"
        ).format(key=sql.Identifier(entry.key), col=sql.Identifier(entry.column),
                 value=value, table=sql.Identifier(entry.table),
                 plain=sql.SQL(entry.plain_when or "false"))
        update = sql.SQL("update public.{table} set {col} = {new} where {key}::text = %s").format(
            key=sql.Identifier(entry.key), col=sql.Identifier(entry.column),
            new=sql.SQL("to_jsonb(%s::text)" if entry.jsonb else "%s"),
            table=sql.Identifier(entry.table))
        while True:
            with conn.transaction():
                rows = conn.execute(select, (active, batch)).fetchall()
                if not rows:
                    break
                with conn.cursor() as cur:
                    cur.executemany(update, [
                        (keys.encrypt(_opened(keys, value, entry.context), entry.context), key)
                        for key, value in rows
                    ])
            count += len(rows)
            progress(f"{entry.name}: {count} re-encrypted")
        done[entry.name] = count
    return done


def _value_sql(entry: EncryptedColumn) -> sql.Composable:
    return sql.SQL("({col} #>> '{{}}')" if entry.jsonb else "{col}").format(
        col=sql.Identifier(entry.column))


def seal_legacy(conn: psycopg.Connection, keys: Keyring, table: str, *,
                batch: int = 500) -> dict[str, int]:
    """Seals, row by row, every registered column of `table` still holding a
    value written before it was encrypted, all of a row's columns in one update
    (the row's check constraints hold only once every column is sealed), and
    fills the blind index beside a sealed number. Returns {table.column: values sealed}."""
    entries = [e for e in ENCRYPTED_COLUMNS if e.table == table]
    key = entries[0].key
    plain = [sql.SQL("({col} is not null and not public.is_ciphertext({value}) "
                     "and not coalesce({when}, false))").format(
        col=sql.Identifier(e.column), value=_value_sql(e), when=sql.SQL(e.plain_when or "false"))
        for e in entries]
    select = sql.SQL("select {key}::text, {values} from public.{table} where {plain} "
                     "order by {key} limit %s for update skip locked").format(
        key=sql.Identifier(key), values=sql.SQL(", ").join(
            sql.SQL("case when {p} then {v} end").format(p=p, v=_value_sql(e))
            for p, e in zip(plain, entries, strict=True)),
        table=sql.Identifier(table), plain=sql.SQL(" or ").join(plain))
    done = {e.name: 0 for e in entries}
    while True:
        with conn.transaction():
            rows = conn.execute(select, (batch,)).fetchall()
            for row in rows:
                sets: list[sql.Composable] = []
                params: list[str] = []
                for entry, value in zip(entries, row[1:], strict=True):
                    if value is None:
                        continue
                    sets.append(sql.SQL("{col} = {new}").format(
                        col=sql.Identifier(entry.column),
                        new=sql.SQL("to_jsonb(%s::text)" if entry.jsonb else "%s")))
                    params.append(keys.encrypt(value, entry.context))
                    if entry.index is not None:
                        sets.append(sql.SQL("{col} = %s").format(col=sql.Identifier(entry.index)))
                        params.append(keys.blind_index(value.strip(), entry.context))
                    done[entry.name] += 1
                conn.execute(sql.SQL("update public.{table} set {sets} where {key}::text = %s")
                             .format(table=sql.Identifier(table), key=sql.Identifier(key),
                                     sets=sql.SQL(", ").join(sets)), (*params, row[0]))
        if len(rows) < batch:
            return done


def _opened(keys: Keyring, value: str, context: str) -> str:
    """The plain value; one written before its column was encrypted (no ciphertext
    shape; the column's check constraint refuses such values since) is sealed as is."""
    return keys.decrypt(value, context) if CIPHERTEXT.match(value) else value
