"""Catch-up after a (re)join: a page that lost its Realtime socket asks what
changed since the cursor of its last read, and merges the answer by id.

The cursor is the server's clock at that read. A write whose transaction began
before the cursor but committed after it carries an earlier timestamp than the
cursor yet was not visible to the read, so every catch-up looks back a little
further (`OVERLAP`); the pages merge by id, so what they already hold is harmless."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

OVERLAP = timedelta(seconds=60)
# Nothing in Khadum predates this; an older cursor means "everything" (and keeps
# the arithmetic below away from datetime.min).
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def window_start(since: datetime) -> datetime:
    """Where a catch-up from cursor `since` starts (a naive cursor is UTC)."""
    aware = since if since.tzinfo else since.replace(tzinfo=UTC)
    return max(aware, EPOCH + OVERLAP) - OVERLAP
