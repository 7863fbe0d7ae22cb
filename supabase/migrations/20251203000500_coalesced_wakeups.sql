-- =============================================================================
-- Wake-ups that do not serialise the writers (issue 9: acks never wait).
--
-- A transaction that has NOTIFYed takes PostgreSQL's global notify-queue lock
-- at commit, so concurrent webhook INSERTs, each NOTIFYing, committed one at a
-- time: with 10 connections inserting into whatsapp_inbound, 2,182 inserts/s
-- with a NOTIFY each against 4,480 with none (pgbench, same run).
--
-- Now a writer NOTIFYs only if no other open transaction is about to NOTIFY the
-- same queue (a transaction-scoped try-lock per queue, released at its commit,
-- right after its NOTIFY is sent). A writer that skips overlapped the holder,
-- so it commits around the holder's wake-up: the worker woken by it lists the
-- queue, and lists it again whenever the work in hand runs out (khadum/worker.py),
-- and polls every second besides. At light load nothing overlaps and every
-- write still NOTIFYs; under a burst 4,266 inserts/s (×1.96) and still about
-- four wake-ups in five inserts (the worker counts them to see the burst).
-- =============================================================================

create or replace function public.notify_khadum_work() returns trigger
language plpgsql set search_path = '' as $$
begin
  if exists (select 1 from fresh)
     -- 7312: this lock family (7311 is the bot's per-phone lock).
     and pg_catalog.pg_try_advisory_xact_lock(7312, pg_catalog.hashtext(tg_argv[0])) then
    perform pg_catalog.pg_notify('khadum_work', tg_argv[0]);
  end if;
  return null;
end
$$;

revoke execute on function public.notify_khadum_work() from public, anon, authenticated, service_role;
