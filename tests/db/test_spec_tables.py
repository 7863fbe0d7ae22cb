"""The four spec tables match the specification's DDL, column by column.

The spec's own CREATE TABLE statements are run in a scratch schema and the
catalogue is compared with the real tables: names, order, types, lengths,
defaults, nullability, checks and references.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

# The spec's DDL, copied verbatim from the specification into the repository.
SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "spec" / "tables.sql"
SPEC_TABLES = ("client_requests", "private_chats", "chat_messages", "notifications")


def spec_ddl() -> dict[str, str]:
    text = SPEC.read_text(encoding="utf-8")
    blocks = re.findall(r"^(CREATE TABLE (\w+) \(.*?\);)$", text, flags=re.S | re.M)
    return {name: ddl for ddl, name in blocks}


def columns(conn: psycopg.Connection, schema: str, table: str) -> list[tuple]:
    return conn.execute(
        """
        select column_name, ordinal_position, data_type, character_maximum_length,
               column_default, is_nullable
        from information_schema.columns where table_schema = %s and table_name = %s
        order by ordinal_position
        """,
        (schema, table),
    ).fetchall()


def constraints(conn: psycopg.Connection, schema: str, table: str) -> set[tuple[str, str]]:
    rows = conn.execute(
        """
        select contype::text, pg_get_constraintdef(c.oid)
        from pg_constraint c join pg_class t on t.oid = c.conrelid
        join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = %s and t.relname = %s
        """,
        (schema, table),
    ).fetchall()
    # References print with the schema only when it is not on the search path.
    return {
        (kind, definition.replace("spec_check.", "").replace("public.", ""))
        for kind, definition in rows
    }


def test_the_spec_defines_the_four_tables() -> None:
    assert set(spec_ddl()) == set(SPEC_TABLES)


@pytest.mark.parametrize("table", SPEC_TABLES)
def test_table_matches_the_spec_column_by_column(conn: psycopg.Connection, table: str) -> None:
    conn.execute("create schema spec_check")
    conn.execute("set local search_path = spec_check, public")
    conn.execute("create table spec_check.freelancers (id uuid primary key)")
    for name in SPEC_TABLES:  # in the spec's order, so references resolve
        conn.execute(spec_ddl()[name])

    expected = columns(conn, "spec_check", table)
    actual = columns(conn, "public", table)
    assert expected, f"the spec DDL for {table} created no columns"
    assert actual[: len(expected)] == expected

    missing = constraints(conn, "spec_check", table) - constraints(conn, "public", table)
    assert not missing, f"{table} lacks the spec's constraints: {missing}"
