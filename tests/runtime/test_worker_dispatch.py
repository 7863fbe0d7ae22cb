"""Issue 9: acks first. While webhooks store new messages faster than
`burst_per_second` (counted from the NOTIFYs the worker hears), a worker
starts one phone at most every `burst_hold_seconds` — never none, so a sustained
burst still progresses — and goes back to `concurrency` once the last second was
calmer."""

from __future__ import annotations

import time

from khadum.worker import Worker, WorkerOptions
from tests.whatsapp.meta import bot_settings


def test_a_burst_of_acks_holds_the_worker_to_one_phone(clean_db: str) -> None:
    options = WorkerOptions(concurrency=8, burst_per_second=150)
    worker = Worker(clean_db, bot_settings(clean_db), options=options)
    now = time.monotonic()
    assert worker._room() == 8  # nothing stored lately

    worker.stored.extend(now - 0.5 + i / 1000 for i in range(149))
    assert worker._room() == 8  # 149 in the last second: below the burst rate

    worker.stored.append(now)
    assert worker._room() == 1  # 150: a burst, and no phone started lately
    assert worker.stats.deferred == 1
    worker.started_phone_at = time.monotonic()
    assert worker._room() == 0  # one just started: the next waits for the hold
    worker.started_phone_at = time.monotonic() - options.burst_hold_seconds
    assert worker._room() == 1  # the hold is over: one more may start

    worker.stored.clear()
    worker.stored.extend(now - 1.5 + i / 1000 for i in range(400))  # over a second ago
    assert worker._room() == 8
    assert not worker.stored  # the old ones are forgotten
