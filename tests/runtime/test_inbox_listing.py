"""Issue 9: the workers' listing of phones with waiting items
(`client_inbox_phones`, on every wake-up of every worker) reads the
pending-messages index even when the statistics were taken during a burst.

Statistics that say most of whatsapp_inbound is waiting (autoanalyze during a
backlog) made the planner scan the whole table on each listing once the
backlog was processed: 5-9 ms per listing with nothing waiting, at 50 messages/s
the CPU the replies needed (bench.webhook_ingest)."""

from __future__ import annotations

import psycopg

from tests.factories import insert_inbound

GREETING = {"type": "text", "text": {"body": "السلام عليكم"}}
LISTING = "select p from public.client_inbox_phones(false, interval '0', 500) p"


def scans(conn: psycopg.Connection) -> tuple[int, int]:
    """Sequential and index scans of whatsapp_inbound in this transaction."""
    row = conn.execute("select seq_scan, coalesce(idx_scan, 0) from pg_stat_xact_user_tables"
                       " where relname = 'whatsapp_inbound'").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_the_listing_reads_the_pending_index_after_a_processed_backlog(clean_db: str) -> None:
    with psycopg.connect(clean_db, autocommit=True) as conn:
        for i in range(600):  # a backlog, analysed while it waits
            insert_inbound(conn, f"wamid.backlog.{i}", f"+9665077{i % 300:05d}", "text",
                           GREETING)
        conn.execute("analyze whatsapp_inbound")
        conn.execute("update whatsapp_inbound set processed_at = now()")  # processed
        insert_inbound(conn, "wamid.new.0", "+966507799999", "text", GREETING)

        # The setting is real: with these statistics the planner's own choice for
        # the listing's inbound branch is to scan the whole table.
        plan = conn.execute(
            "explain (format json) select client_phone from whatsapp_inbound i"
            " where i.processed_at is null and i.attempts < public.retry_attempt_limit()"
            " and i.client_phone_index is not null").fetchone()
        assert plan is not None and plan[0][0]["Plan"]["Node Type"] == "Seq Scan"

        with conn.transaction():
            before = scans(conn)
            phones = [p for (p,) in conn.execute(LISTING)]
            after = scans(conn)
        assert len(phones) == 1  # only the new message waits
        assert after[0] == before[0]  # no sequential scan of whatsapp_inbound
        assert after[1] > before[1]  # the pending index

        # A second listing walks only what the first left: the dead entries the
        # processed backlog left in the index were marked by the index scan.
        with conn.transaction():
            plan = conn.execute(f"explain (analyze, buffers, format json) {LISTING}"
                                ).fetchone()
        assert plan is not None
        assert plan[0][0]["Plan"]["Shared Hit Blocks"] < 100
