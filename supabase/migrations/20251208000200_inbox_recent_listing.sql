-- =============================================================================
-- The workers' listing of waiting phones: a recent window read from the end of
-- the queue's index, planned with its bounds' values.
--
-- Issue 9, measured (bench.webhook_ingest, reply phase at 50 messages/s): the
-- workers listed the waiting phones 646-659 times per 500 messages (each NOTIFY
-- wakes every worker), and each listing was a sequential scan of the whole
-- whatsapp_inbound (22-24 k rows, 7-10 ms): the plan is made without the bounds'
-- values (a SQL function's statements get a generic plan on PostgreSQL 15-17),
-- and after an autoanalyze that sampled the table while a backlog waited, the
-- statistics say most rows are unprocessed, so the partial index
-- whatsapp_inbound_pending_phone_idx (received_at, client_phone_index) where
-- processed_at is null looks no cheaper than the table. An index scan from the
-- start was no cure either: it walks every dead entry that processed rows left in
-- that index until the next vacuum (1 ms per 22 k; 12 ms in one run where they
-- could not be marked dead).
--
-- Now:
-- - `p_within` (new, optional): only items that arrived within this interval. A
--   worker woken by a NOTIFY lists what arrived in the last seconds (khadum/worker.py:
--   `recent_seconds`), and the whole queue at most every `full_listing_seconds`
--   (and on its poll, and at start), which finds whatever the recent window missed
--   (an item older than the window: a retry whose backoff ran out, a message whose
--   webhook committed late, a backlog).
-- - The statement runs by EXECUTE with its bounds as parameters, so it is planned
--   with their values: for a recent window the planner reads the received_at
--   histogram (and the index's actual end), sees few rows and scans the partial
--   index from the window's start, past none of the dead entries older than it.
--   Measured on a copy of the bench's table (22 k processed rows, statistics taken
--   while they waited, autovacuum off): 0.7-1.0 ms per call, planning included,
--   against 5 ms for the whole queue.
-- - Same rows, same order, same grouping and filters as 20251203000100's
--   definition when `p_within` is null (the bounds become -infinity and
--   now() - p_older_than, as before).
-- =============================================================================

drop function if exists public.client_inbox_phones(boolean, interval, integer);

-- Phones with something waiting, the longest-waiting first, each named by one
-- sealed copy of the client's number (the worker opens it), grouped by index.
create function public.client_inbox_phones(
  p_retries boolean default null, p_older_than interval default interval '0',
  p_limit integer default 500, p_within interval default null
) returns setof text
language plpgsql stable set search_path = '' as $fn$
begin
  return query execute $q$
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
  where w.at >= $1 and w.at < $2
  group by w.who
  having $3 is null or (min(w.attempts) > 0) = $3
  order by min(w.at)
  limit $4
  $q$ using coalesce(now() - p_within, '-infinity'::timestamptz), now() - p_older_than,
            p_retries, p_limit;
end
$fn$;

comment on function public.client_inbox_phones(boolean, interval, integer, interval) is
  'Phones with waiting inbox items (messages, client notices), longest-waiting first. '
  'p_retries: null all, false fresh (the workers), true failed before (the sweeper); '
  'p_within: only items that arrived within it (a woken worker''s quick look).';

revoke execute on function public.client_inbox_phones(boolean, interval, integer, interval)
  from public, anon, authenticated;
grant execute on function public.client_inbox_phones(boolean, interval, integer, interval)
  to service_role;
