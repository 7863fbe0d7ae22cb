-- Issue 9: the workers' listing of phones with waiting items reads the
-- pending-messages index, whatever the statistics say.
--
-- client_inbox_phones runs on every wake-up of every worker (up to 50 times a
-- second each). Its inbound branch wants `processed_at is null`: few rows, found
-- by the partial index whatsapp_inbound_pending_phone_idx. But statistics taken
-- during a burst (autoanalyze while thousands of messages waited, a young table)
-- tell the planner most rows are waiting, and it scans the whole table instead:
-- 5-9 ms per listing with nothing waiting, until the next autoanalyze (up to a
-- minute after the backlog is cleared), which at 50 messages/s took the CPU the
-- replies needed (bench.webhook_ingest: reply p95 over 300 ms). Nor a bitmap
-- scan: only an index scan marks the dead entries a processed backlog leaves in
-- the partial index (killed tuples), so the next listing skips them.
-- Same body as 20251203000100; only the plan settings are new.
create or replace function public.client_inbox_phones(
  p_retries boolean default null, p_older_than interval default interval '0',
  p_limit integer default 500
) returns setof text
language sql stable
set search_path = ''
set enable_seqscan = off
set enable_bitmapscan = off
as $$
  select min(w.phone) from (
    select i.client_phone_index as who, i.client_phone as phone, i.received_at as at,
           i.attempts
      from public.whatsapp_inbound i
     where i.processed_at is null and i.attempts < public.retry_attempt_limit()
       and i.client_phone_index is not null
    union all
    select r.client_phone_index, r.client_phone_sealed, e.created_at, e.notice_attempts
      from public.request_events e join public.client_requests r on r.id = e.request_id
     where e.notice_consumed_at is null
       and e.event_type in ('accepted', 'rejected', 'expired', 'details_requested')
       and e.notice_attempts < public.retry_attempt_limit()
    union all
    select r.client_phone_index, r.client_phone_sealed, e.created_at, e.notice_attempts
      from public.chat_events e join public.private_chats c on c.id = e.chat_id
      join public.client_requests r on r.id = c.request_id
     where e.notice_consumed_at is null and e.notice_attempts < public.retry_attempt_limit()
  ) w
  where w.at < now() - p_older_than
  group by w.who
  having p_retries is null or (min(w.attempts) > 0) = p_retries
  order by min(w.at)
  limit p_limit
$$;
