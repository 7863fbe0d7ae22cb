"""Supabase's transaction pooler (port 6543) cannot keep prepared statements between
transactions: the functions' pool turns them off there, and only there."""

from __future__ import annotations

from khadum.db import Database, pooler_kwargs

TRANSACTION = "postgresql://postgres.ref:pw@aws-0-me-central-1.pooler.supabase.com:6543/postgres"
SESSION = "postgresql://postgres.ref:pw@aws-0-me-central-1.pooler.supabase.com:5432/postgres"


def test_prepared_statements_are_off_behind_the_transaction_pooler() -> None:
    assert pooler_kwargs(TRANSACTION) == {"prepare_threshold": None}
    assert pooler_kwargs("host=db port=6543 dbname=postgres user=postgres") == {
        "prepare_threshold": None
    }
    assert Database(TRANSACTION).pool.kwargs == {"prepare_threshold": None}


def test_session_pooler_and_direct_connections_keep_them() -> None:
    assert pooler_kwargs(SESSION) == {}
    assert pooler_kwargs("postgresql://postgres@127.0.0.1:54329/khadum") == {}
    assert Database(SESSION).pool.kwargs == {}
