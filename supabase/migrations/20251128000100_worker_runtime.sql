-- =============================================================================
-- The worker runtime: functions store and answer, workers (`khadum worker`, in
-- other processes) do the work. Every writer wakes them the same way — a
-- NOTIFY on `khadum_work` when it queues work, sent at commit — so
-- respond_request, the chat function, the webhook and the SQL jobs need no
-- code of their own to ask for a drain.
--
-- Crash recovery in seconds: a sender's claim is a short lease it renews while
-- it works (`claimed_by`, `next_attempt_at` / `claimed_at`), and the attempt is
-- recorded before the provider is called, so a send whose outcome is unknown
-- is reconciled (status callbacks carry the outbox id in
-- `biz_opaque_callback_data`) instead of being sent again blindly.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Wake-ups: one NOTIFY per statement that inserted rows (payload = the queue).
-- ---------------------------------------------------------------------------
create or replace function public.notify_khadum_work() returns trigger
language plpgsql set search_path = '' as $$
begin
  if exists (select 1 from fresh) then
    perform pg_notify('khadum_work', tg_argv[0]);
  end if;
  return null;
end
$$;

create trigger whatsapp_inbound_wake_workers
  after insert on public.whatsapp_inbound referencing new table as fresh
  for each statement execute function public.notify_khadum_work('inbound');
create trigger whatsapp_outbox_wake_workers
  after insert on public.whatsapp_outbox referencing new table as fresh
  for each statement execute function public.notify_khadum_work('whatsapp');
create trigger email_outbox_wake_workers
  after insert on public.email_outbox referencing new table as fresh
  for each statement execute function public.notify_khadum_work('email');

revoke execute on function public.notify_khadum_work() from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Leases and attempts
-- ---------------------------------------------------------------------------
alter table public.whatsapp_outbox
  add column claimed_by varchar(64),
  -- Set (and committed) right before the Graph API call; cleared when the
  -- outcome is known. Set on a row whose lease ran out = outcome unknown.
  add column send_attempted_at timestamptz;

alter table public.email_outbox
  add column claimed_by varchar(64),
  -- SMTP's sent-marker: committed right before the DATA phase. A row found
  -- with it set was (very likely) handed over: never sent a second time.
  add column smtp_data_at timestamptz;

create index whatsapp_outbox_claimed_by_idx
  on public.whatsapp_outbox (claimed_by) where status = 'sending';
create index email_outbox_claimed_by_idx
  on public.email_outbox (claimed_by) where status = 'sending';
create index whatsapp_inbound_pending_phone_idx
  on public.whatsapp_inbound (received_at, client_phone) where processed_at is null;

-- Claims due emails for one sender (its id renews and releases the lease).
create or replace function public.claim_due_emails(
  p_limit integer, p_stale_after interval, p_worker text
) returns setof public.email_outbox
language sql set search_path = '' as $$
  update public.email_outbox o
     set status = 'sending', attempts = o.attempts + 1, claimed_at = now(),
         claimed_by = p_worker
   where o.id in (
     select d.id from public.email_outbox d
      where (d.status = 'queued' and d.next_attempt_at <= now())
         or (d.status = 'sending' and d.claimed_at < now() - p_stale_after)
      order by d.next_attempt_at, d.created_at
      limit p_limit
      for update skip locked)
  returning o.*;
$$;

revoke execute on function public.claim_due_emails(integer, interval, text)
  from public, anon, authenticated;
grant execute on function public.claim_due_emails(integer, interval, text) to service_role;

-- ---------------------------------------------------------------------------
-- A status callback carrying `biz_opaque_callback_data = khadum:outbox:<id>`
-- settles a send whose answer was lost (the sender died mid-call): the row
-- takes the wamid and is sent, and is not sent again. Then the usual rules.
-- ---------------------------------------------------------------------------
create or replace function public.reconcile_whatsapp_send(
  p_wamid text, p_occurred_at timestamptz, p_payload jsonb
) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  v_ref text := p_payload ->> 'biz_opaque_callback_data';
begin
  if v_ref is null or v_ref !~ '^khadum:outbox:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     or exists (select 1 from public.whatsapp_outbox w where w.wamid = p_wamid) then
    return false;
  end if;
  update public.whatsapp_outbox o
     set wamid = p_wamid,
         status = case when o.status in ('queued', 'sending') then 'sent' else o.status end,
         sent_at = coalesce(o.sent_at, p_occurred_at),
         attempts = o.attempts + case when o.status in ('queued', 'sending') then 1 else 0 end,
         claimed_by = null, send_attempted_at = null, error_code = null, last_error = null
   where o.id = substr(v_ref, 15)::uuid and o.wamid is null;
  return found;
end
$$;

create or replace function public.record_whatsapp_status(
  p_wamid text, p_status text, p_occurred_at timestamptz, p_payload jsonb,
  p_error_code text default null, p_error text default null
) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  inserted integer;
begin
  if p_status not in ('sent', 'delivered', 'read', 'failed') then
    raise exception 'unknown WhatsApp status: %', p_status using errcode = '22023';
  end if;
  insert into public.whatsapp_status_events (wamid, status, occurred_at, payload)
  values (p_wamid, p_status, p_occurred_at, p_payload)
  on conflict (wamid, status) do nothing;
  get diagnostics inserted = row_count;
  if inserted = 0 then
    return false;  -- a redelivery: already applied
  end if;
  perform public.reconcile_whatsapp_send(p_wamid, p_occurred_at, p_payload);
  perform public.apply_whatsapp_status(p_wamid, p_status, p_occurred_at, p_error_code, p_error);
  return true;
end
$$;

-- The sender got a wamid back. A status callback may have settled the row
-- already (same wamid): then only the replay below runs.
create or replace function public.mark_whatsapp_sent(p_id uuid, p_wamid text) returns void
language plpgsql security definer set search_path = '' as $$
declare
  ev record;
begin
  update public.whatsapp_outbox
     set status = 'sent', wamid = p_wamid, sent_at = coalesce(sent_at, now()),
         attempts = attempts + 1, error_code = null, last_error = null,
         claimed_by = null, send_attempted_at = null
   where id = p_id and (wamid is null or status in ('queued', 'sending'));
  for ev in select e.status, e.occurred_at, e.payload from public.whatsapp_status_events e
            where e.wamid = p_wamid order by public.whatsapp_status_rank(e.status) loop
    perform public.apply_whatsapp_status(p_wamid, ev.status, ev.occurred_at,
      ev.payload #>> '{errors,0,code}', ev.payload #>> '{errors,0,message}');
  end loop;
end
$$;

revoke execute on function
  public.reconcile_whatsapp_send(text, timestamptz, jsonb),
  public.record_whatsapp_status(text, text, timestamptz, jsonb, text, text),
  public.mark_whatsapp_sent(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.reconcile_whatsapp_send(text, timestamptz, jsonb),
  public.record_whatsapp_status(text, text, timestamptz, jsonb, text, text),
  public.mark_whatsapp_sent(uuid, text)
to service_role;
