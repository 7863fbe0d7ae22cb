-- =============================================================================
-- Everything on the request card live, and a catch-up after every (re)join
-- (issue 13, items 1 and 2).
--
-- The card's thread (a client's answer to «ask for details», the outcome) and
-- its emails' delivery state are broadcast on the freelancer's private topic, in
-- the same transaction as the write, as `request_status` already is. Payloads
-- are hints (ids and states, no text): the page reads the card back through RLS.
--
-- A page that was disconnected asks what changed since the last time it read
-- (`requests_changed_since`), so nothing made during the gap is lost.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- When an email's state last changed (the catch-up's cursor for emails)
-- ---------------------------------------------------------------------------
alter table public.email_outbox add column updated_at timestamptz not null default now();
create index email_outbox_updated_idx on public.email_outbox (updated_at)
  where request_id is not null;
create index request_events_created_idx on public.request_events (created_at);
create index client_requests_responded_idx on public.client_requests (responded_at)
  where responded_at is not null;

create or replace function public.email_outbox_touch() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status is distinct from old.status or new.last_error is distinct from old.last_error then
    new.updated_at := now();
  end if;
  return new;
end
$$;

create trigger email_outbox_touch
  before update on public.email_outbox
  for each row execute function public.email_outbox_touch();

-- ---------------------------------------------------------------------------
-- Broadcasts: a thread entry, an email's state
-- ---------------------------------------------------------------------------
create or replace function public.broadcast_request_event() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  owner uuid;
begin
  select r.freelancer_id into owner from public.client_requests r where r.id = new.request_id;
  if owner is null then
    return new;
  end if;
  perform realtime.send(
    jsonb_build_object('request_id', new.request_id, 'id', new.id,
                       'event_type', new.event_type, 'created_at', new.created_at),
    'request_event', 'freelancer:' || owner::text, true);
  return new;
end
$$;

create trigger request_events_broadcast
  after insert on public.request_events
  for each row execute function public.broadcast_request_event();

create or replace function public.broadcast_request_email() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  owner uuid;
begin
  if new.request_id is null
     or (tg_op = 'UPDATE' and new.status is not distinct from old.status) then
    return new;
  end if;
  select r.freelancer_id into owner from public.client_requests r where r.id = new.request_id;
  if owner is null then
    return new;
  end if;
  perform realtime.send(
    jsonb_build_object('request_id', new.request_id, 'status', new.status),
    'request_email', 'freelancer:' || owner::text, true);
  return new;
end
$$;

create trigger email_outbox_broadcast
  after insert or update of status on public.email_outbox
  for each row execute function public.broadcast_request_email();

-- ---------------------------------------------------------------------------
-- Catch-up: the caller's requests whose card changed after p_since — created,
-- answered, expired, a thread entry, an email's state. Security definer for the
-- email outbox (service-only); answers only for the caller's own requests.
-- ---------------------------------------------------------------------------
create or replace function public.requests_changed_since(p_since timestamptz)
returns setof uuid
language sql stable security definer set search_path = '' as $$
  with me as (select public.current_freelancer_id() as id)
  select r.id from public.client_requests r, me
   where r.freelancer_id = me.id
     and (r.created_at > p_since or r.responded_at > p_since
          -- expired in the window (the one expiry rule, asked at both ends)
          or (public.effective_status_at(r.status, r.expires_at, now()) = 'expired'
              and public.effective_status_at(r.status, r.expires_at, p_since) <> 'expired'))
  union
  select e.request_id from public.request_events e
    join public.client_requests r on r.id = e.request_id, me
   where e.created_at > p_since and r.freelancer_id = me.id
  union
  select m.request_id from public.email_outbox m
    join public.client_requests r on r.id = m.request_id, me
   where m.request_id is not null and m.updated_at > p_since and r.freelancer_id = me.id
$$;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke execute on function
  public.email_outbox_touch(),
  public.broadcast_request_event(),
  public.broadcast_request_email()
from public, anon, authenticated, service_role;

revoke execute on function public.requests_changed_since(timestamptz)
  from public, anon, authenticated;
grant execute on function public.requests_changed_since(timestamptz) to authenticated, service_role;
comment on function public.requests_changed_since(timestamptz) is
  'callable by authenticated: the dashboard''s catch-up after a reconnect; answers only for the caller''s own requests';
