-- =============================================================================
-- WhatsApp delivery: outbox ordering, the 24-hour window, status callbacks.
-- Statuses arrive late, twice and out of order; these rules hold for every
-- writer, so they live here rather than in the webhook.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Outbox order: rows queued in one transaction share created_at, so a
-- sequence keeps a turn's messages (text, then list) in the order written.
-- ---------------------------------------------------------------------------
alter table public.whatsapp_outbox
  add column seq bigint generated always as identity;
create index whatsapp_outbox_phone_seq_idx
  on public.whatsapp_outbox (to_phone, seq) where status in ('queued', 'sending');
create index whatsapp_outbox_sending_idx
  on public.whatsapp_outbox (next_attempt_at) where status = 'sending';

-- The sender's WhatsApp profile name (contacts[].profile.name), for the greeting.
alter table public.whatsapp_inbound add column profile_name varchar(255);

-- Rate limiting and the 24-hour customer-service window read recent inbound.
create index whatsapp_inbound_phone_received_idx
  on public.whatsapp_inbound (client_phone, received_at desc);

-- ---------------------------------------------------------------------------
-- Is the client's 24-hour window open (free-form messages allowed)?
-- ---------------------------------------------------------------------------
create or replace function public.whatsapp_window_open(p_phone text, p_now timestamptz default now())
returns boolean
language sql stable set search_path = '' as $$
  select exists (
    select 1 from public.whatsapp_inbound i
    where i.client_phone = p_phone
      and coalesce(i.sent_at, i.received_at) > p_now - interval '24 hours'
  )
$$;

-- ---------------------------------------------------------------------------
-- A status callback: recorded once per (wamid, status); the outbox only moves
-- forward (sent → delivered → read), so a late "delivered" never undoes "read".
-- A 131047 failure (window closed) of a catalogue message queues its template.
-- ---------------------------------------------------------------------------
create or replace function public.whatsapp_status_rank(p_status text) returns integer
language sql immutable parallel safe set search_path = '' as $$
  select case p_status
    when 'queued' then 0 when 'sending' then 0 when 'sent' then 1
    when 'failed' then 2 when 'delivered' then 3 when 'read' then 4 else -1 end
$$;

-- Applies one status to the outbox row with that wamid (if known yet).
create or replace function public.apply_whatsapp_status(
  p_wamid text, p_status text, p_occurred_at timestamptz,
  p_error_code text default null, p_error text default null
) returns void
language plpgsql security definer set search_path = '' as $$
declare
  row_out public.whatsapp_outbox;
begin
  update public.whatsapp_outbox o set
    status = case when public.whatsapp_status_rank(p_status) > public.whatsapp_status_rank(o.status)
                  then p_status else o.status end,
    sent_at = coalesce(o.sent_at, case when p_status <> 'failed' then p_occurred_at end),
    delivered_at = coalesce(o.delivered_at,
                            case when p_status in ('delivered', 'read') then p_occurred_at end),
    read_at = coalesce(o.read_at, case when p_status = 'read' then p_occurred_at end),
    failed_at = case when p_status = 'failed' then p_occurred_at else o.failed_at end,
    error_code = case when p_status = 'failed' then p_error_code else o.error_code end,
    last_error = case when p_status = 'failed' then p_error else o.last_error end
  where o.wamid = p_wamid
  returning o.* into row_out;

  -- 131047 (window closed) on a catalogue message: queue its approved template.
  if found and p_status = 'failed' and p_error_code = '131047' and row_out.message_key is not null
     and not coalesce((row_out.params ->> '_template')::boolean, false)
     and row_out.status = 'failed' then
    insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
    values (row_out.to_phone, row_out.message_key,
            row_out.params || '{"_template": true}'::jsonb, row_out.locale, row_out.request_id);
  end if;
end
$$;

-- A status callback: recorded once per (wamid, status), then applied.
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
  perform public.apply_whatsapp_status(p_wamid, p_status, p_occurred_at, p_error_code, p_error);
  return true;
end
$$;

-- ---------------------------------------------------------------------------
-- The sender got a wamid back: mark the row sent, then replay any statuses
-- that raced ahead of it (Meta can call back before the send returns).
-- ---------------------------------------------------------------------------
create or replace function public.mark_whatsapp_sent(p_id uuid, p_wamid text) returns void
language plpgsql security definer set search_path = '' as $$
declare
  ev record;
begin
  update public.whatsapp_outbox
     set status = 'sent', wamid = p_wamid, sent_at = coalesce(sent_at, now()),
         attempts = attempts + 1, error_code = null, last_error = null
   where id = p_id;
  for ev in select e.status, e.occurred_at, e.payload from public.whatsapp_status_events e
            where e.wamid = p_wamid order by public.whatsapp_status_rank(e.status) loop
    perform public.apply_whatsapp_status(p_wamid, ev.status, ev.occurred_at,
      ev.payload #>> '{errors,0,code}', ev.payload #>> '{errors,0,message}');
  end loop;
end
$$;

-- Server-side functions: the service role (and the owner) only.
revoke execute on function
  public.whatsapp_window_open(text, timestamptz),
  public.whatsapp_status_rank(text),
  public.apply_whatsapp_status(text, text, timestamptz, text, text),
  public.record_whatsapp_status(text, text, timestamptz, jsonb, text, text),
  public.mark_whatsapp_sent(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.whatsapp_window_open(text, timestamptz),
  public.whatsapp_status_rank(text),
  public.apply_whatsapp_status(text, text, timestamptz, text, text),
  public.record_whatsapp_status(text, text, timestamptz, jsonb, text, text),
  public.mark_whatsapp_sent(uuid, text)
to service_role;
