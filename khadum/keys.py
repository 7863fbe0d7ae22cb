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

from khadum.crypto import Keyring


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    column: str
    key: str = "id"  # the table's primary key column
    # The authenticated data values are sealed with: `<table>.<column>` unless a kind
    # of value is shared by several columns that SQL copies between (e.g. `client.email`).
    kind: str | None = None

    @property
    def context(self) -> str:
        return self.kind or f"{self.table}.{self.column}"


# Filled in as columns become encrypted (one line per column, schema public).
ENCRYPTED_COLUMNS: list[EncryptedColumn] = []


def column(table: str, name: str) -> EncryptedColumn:
    """The registered column (its context is what values there are sealed with)."""
    for entry in ENCRYPTED_COLUMNS:
        if entry.table == table and entry.column == name:
            return entry
    raise LookupError(f"{table}.{name} is not a registered encrypted column")


def rotate(conn: psycopg.Connection, keys: Keyring, *, batch: int = 500,
           progress: Callable[[str], None] = lambda _m: None) -> dict[str, int]:
    """Re-encrypt every registered column's values under the active key; returns
    {context: rows re-encrypted}. Each batch is its own transaction, so a stop
    leaves finished batches done and the rest for the next run."""
    active = keys.active_kid
    done: dict[str, int] = {}
    for entry in ENCRYPTED_COLUMNS:
        count = 0
        select = sql.SQL(
            "select {key}::text, {col} from public.{table} "
            "where {col} is not null and split_part({col}, '.', 2) <> %s "
            "order by {key} limit %s for update skip locked"
        ).format(key=sql.Identifier(entry.key), col=sql.Identifier(entry.column),
                 table=sql.Identifier(entry.table))
        update = sql.SQL("update public.{table} set {col} = %s where {key}::text = %s").format(
            key=sql.Identifier(entry.key), col=sql.Identifier(entry.column),
            table=sql.Identifier(entry.table))
        while True:
            with conn.transaction():
                rows = conn.execute(select, (active, batch)).fetchall()
                if not rows:
                    break
                with conn.cursor() as cur:
                    cur.executemany(update, [
                        (keys.encrypt(keys.decrypt(value, entry.context), entry.context), key)
                        for key, value in rows
                    ])
            count += len(rows)
            progress(f"{entry.context}: {count} re-encrypted")
        done[entry.context] = count
    return done
