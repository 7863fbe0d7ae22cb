-- =============================================================================
-- Email delivery: claiming due emails (safe with many senders at once),
-- recording sends, retries and final failures, and Resend's delivery events.
-- The sender (Python) talks to the provider; every state change is here.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Columns: the claim lease and the delivery timeline
-- ---------------------------------------------------------------------------
alter table public.email_outbox
  add column claimed_at timestamptz,
  add column failed_at timestamptz,
  add column bounced_at timestamptz,
  add column complained_at timestamptz,
  add column last_event varchar(40),
  add column last_event_at timestamptz;

create index email_outbox_sending_idx on public.email_outbox (claimed_at) where status = 'sending';

-- Events may arrive before the sender has recorded the provider id: they are
-- kept unmatched (email_id null) and applied when the send is recorded.
alter table public.email_events add column provider_id varchar(255);
create index email_events_unmatched_idx on public.email_events (provider_id) where email_id is null;

-- ---------------------------------------------------------------------------
-- Delivery states only move forward (events arrive out of order).
-- ---------------------------------------------------------------------------
create or replace function public.email_status_rank(p_status text) returns integer
language sql immutable set search_path = '' as $$
  select case p_status
    when 'sent' then 1 when 'delayed' then 2 when 'delivered' then 3
    when 'bounced' then 4 when 'failed' then 4 when 'complained' then 5
    else 0 end;
$$;

-- ---------------------------------------------------------------------------
-- Claim: due queued rows, plus rows whose sender died mid-send (stale lease).
-- skip locked + the status change make two senders never claim the same row.
-- ---------------------------------------------------------------------------
create or replace function public.claim_due_emails(
  p_limit integer default 20, p_stale_after interval default interval '5 minutes'
) returns setof public.email_outbox
language sql set search_path = '' as $$
  update public.email_outbox o
     set status = 'sending', attempts = o.attempts + 1, claimed_at = now()
   where o.id in (
     select d.id from public.email_outbox d
      where (d.status = 'queued' and d.next_attempt_at <= now())
         or (d.status = 'sending' and d.claimed_at < now() - p_stale_after)
      order by d.next_attempt_at, d.created_at
      limit p_limit
      for update skip locked)
  returning o.*;
$$;

-- ---------------------------------------------------------------------------
-- Apply one delivery event to an outbox row (never regresses the state).
-- ---------------------------------------------------------------------------
create or replace function public.apply_email_state(
  p_email_id uuid, p_event_type text, p_occurred_at timestamptz, p_payload jsonb
) returns void
language plpgsql set search_path = '' as $$
declare
  v_target text;
  v_at timestamptz := coalesce(p_occurred_at, now());
  v_error text;
  v_row public.email_outbox;
begin
  v_target := case p_event_type
    when 'email.sent' then 'sent'
    when 'email.delivery_delayed' then 'delayed'
    when 'email.delivered' then 'delivered'
    when 'email.opened' then 'delivered'
    when 'email.clicked' then 'delivered'
    when 'email.bounced' then 'bounced'
    when 'email.complained' then 'complained'
    when 'email.failed' then 'failed'
    when 'email.suppressed' then 'failed'
  end;
  if v_target is null then
    return;
  end if;
  v_error := coalesce(
    p_payload #>> '{data,bounce,message}',
    p_payload #>> '{data,failed,reason}',
    p_payload #>> '{data,suppressed,message}');

  update public.email_outbox o set
    status = case when public.email_status_rank(v_target) > public.email_status_rank(o.status)
                  then v_target else o.status end,
    sent_at = case when v_target <> 'failed' then coalesce(o.sent_at, v_at) else o.sent_at end,
    delivered_at = case when v_target = 'delivered' then coalesce(o.delivered_at, v_at)
                        else o.delivered_at end,
    opened_at = case when p_event_type = 'email.opened' then coalesce(o.opened_at, v_at)
                     else o.opened_at end,
    clicked_at = case when p_event_type = 'email.clicked' then coalesce(o.clicked_at, v_at)
                      else o.clicked_at end,
    bounced_at = case when v_target = 'bounced' then coalesce(o.bounced_at, v_at)
                      else o.bounced_at end,
    complained_at = case when v_target = 'complained' then coalesce(o.complained_at, v_at)
                         else o.complained_at end,
    failed_at = case when v_target = 'failed' then coalesce(o.failed_at, v_at) else o.failed_at end,
    last_error = case when v_target in ('bounced', 'failed') then coalesce(v_error, p_event_type)
                      else o.last_error end,
    last_event = case when v_at >= coalesce(o.last_event_at, '-infinity') then p_event_type
                      else o.last_event end,
    last_event_at = greatest(o.last_event_at, v_at)
  where o.id = p_email_id
  returning o.* into v_row;

  if v_target in ('bounced', 'complained', 'failed') then
    perform public.log_activity('system', null, 'email.' || v_target, 'email', p_email_id::text,
      jsonb_build_object('to', v_row.to_email, 'template', v_row.template,
                         'provider_id', v_row.provider_id, 'reason', v_error));
  end if;
end;
$$;

-- ---------------------------------------------------------------------------
-- A provider event (Resend webhook), stored once per event id.
-- Returns 'applied', 'duplicate' or 'unmatched' (kept for when the send is recorded).
-- ---------------------------------------------------------------------------
create or replace function public.record_email_event(
  p_event_id text, p_event_type text, p_provider_id text, p_payload jsonb,
  p_occurred_at timestamptz
) returns text
language plpgsql set search_path = '' as $$
declare
  v_email_id uuid;
begin
  if p_event_id is null or p_event_type is null then
    raise exception 'an email event needs an id and a type' using errcode = '22023';
  end if;
  -- Serialise with record_email_sent() for this provider id (no lost early events).
  if p_provider_id is not null then
    perform pg_advisory_xact_lock(hashtextextended('email:' || p_provider_id, 0));
    select id into v_email_id from public.email_outbox
     where provider_id = p_provider_id order by created_at limit 1;
  end if;

  insert into public.email_events (email_id, provider_event_id, event_type, payload,
                                   occurred_at, provider_id)
  values (v_email_id, p_event_id, p_event_type, p_payload, p_occurred_at, p_provider_id)
  on conflict (provider_event_id) do nothing;
  if not found then
    return 'duplicate';
  end if;
  if v_email_id is null then
    return 'unmatched';
  end if;
  perform public.apply_email_state(v_email_id, p_event_type, p_occurred_at, p_payload);
  return 'applied';
end;
$$;

-- ---------------------------------------------------------------------------
-- The sender's outcomes. Each acts only on a row it claimed (status 'sending').
-- ---------------------------------------------------------------------------
create or replace function public.record_email_sent(
  p_email_id uuid, p_provider text, p_provider_id text
) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_row public.email_outbox;
  v_event record;
begin
  perform pg_advisory_xact_lock(hashtextextended('email:' || p_provider_id, 0));
  update public.email_outbox
     set status = 'sent', provider = p_provider, provider_id = p_provider_id,
         sent_at = coalesce(sent_at, now()), claimed_at = null, last_error = null
   where id = p_email_id and status = 'sending'
  returning * into v_row;
  if not found then
    return false;
  end if;
  perform public.log_activity('system', null, 'email.sent', 'email', p_email_id::text,
    jsonb_build_object('to', v_row.to_email, 'template', v_row.template,
                       'provider', p_provider, 'provider_id', p_provider_id,
                       'attempts', v_row.attempts, 'request_id', v_row.request_id));
  for v_event in
    update public.email_events set email_id = p_email_id
     where provider_id = p_provider_id and email_id is null
    returning event_type, occurred_at, payload
  loop
    perform public.apply_email_state(p_email_id, v_event.event_type, v_event.occurred_at,
                                     v_event.payload);
  end loop;
  return true;
end;
$$;

create or replace function public.record_email_retry(
  p_email_id uuid, p_error text, p_delay_seconds double precision
) returns boolean
language sql set search_path = '' as $$
  with retried as (
    update public.email_outbox
       set status = 'queued', claimed_at = null, last_error = p_error,
           next_attempt_at = now() + make_interval(secs => greatest(p_delay_seconds, 0))
     where id = p_email_id and status = 'sending'
    returning id)
  select exists (select 1 from retried);
$$;

create or replace function public.record_email_failed(p_email_id uuid, p_error text)
returns boolean
language plpgsql set search_path = '' as $$
declare
  v_row public.email_outbox;
begin
  update public.email_outbox
     set status = 'failed', failed_at = now(), claimed_at = null, last_error = p_error
   where id = p_email_id and status = 'sending'
  returning * into v_row;
  if not found then
    return false;
  end if;
  perform public.log_activity('system', null, 'email.failed', 'email', p_email_id::text,
    jsonb_build_object('to', v_row.to_email, 'template', v_row.template,
                       'attempts', v_row.attempts, 'error', p_error,
                       'request_id', v_row.request_id));
  return true;
end;
$$;

-- Server-side functions: the service role (and the owner) only.
revoke execute on function
  public.email_status_rank(text),
  public.claim_due_emails(integer, interval),
  public.apply_email_state(uuid, text, timestamptz, jsonb),
  public.record_email_event(text, text, text, jsonb, timestamptz),
  public.record_email_sent(uuid, text, text),
  public.record_email_retry(uuid, text, double precision),
  public.record_email_failed(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.email_status_rank(text),
  public.claim_due_emails(integer, interval),
  public.apply_email_state(uuid, text, timestamptz, jsonb),
  public.record_email_event(text, text, text, jsonb, timestamptz),
  public.record_email_sent(uuid, text, text),
  public.record_email_retry(uuid, text, double precision),
  public.record_email_failed(uuid, text)
to service_role;
