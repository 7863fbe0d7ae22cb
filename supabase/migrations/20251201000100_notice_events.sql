-- =============================================================================
-- The notice pipeline: the domain writes events, the bot writes messages,
-- WhatsApp only sends.
--
-- State changes (accept, reject, ask, expire, chat housekeeping) append domain
-- events — `request_events`, and the new `chat_events` — and nothing else: no
-- SQL function knows a bot message any more. The bot consumes a client's
-- events, in time order with the client's inbound messages, under the phone's
-- lock, and writes finished outbox rows: the free-form body and, for a notice,
-- its approved-template alternative (`template_body`). The WhatsApp sender
-- claims, sends and records through the functions below; which body goes (the
-- 24-hour window, the 131047 swap) is decided here, in one place.
--
-- Retries share one rule for every queue (both outboxes and inbound
-- processing): `retry_attempt_limit()` and `retry_delay(attempt)`.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- One retry rule for every queue
-- ---------------------------------------------------------------------------
create or replace function public.retry_attempt_limit() returns integer
language sql immutable parallel safe set search_path = '' as $$
  select 5
$$;

-- Exponential, capped at five minutes: 2 s, 4 s, 8 s … 300 s.
create or replace function public.retry_delay(p_attempt integer) returns interval
language sql immutable parallel safe set search_path = '' as $$
  select make_interval(secs => least(300, power(2, greatest(p_attempt, 0)))::double precision)
$$;

revoke execute on function public.retry_attempt_limit(), public.retry_delay(integer)
  from public, anon, authenticated;
grant execute on function public.retry_attempt_limit(), public.retry_delay(integer)
  to service_role;

-- ---------------------------------------------------------------------------
-- "Is this request still actionable?" at a given moment: the one expiry rule.
-- The one-argument form (computed field, policies) asks about now().
-- ---------------------------------------------------------------------------
create or replace function public.is_actionable(request public.client_requests, p_at timestamptz)
returns boolean
language sql stable set search_path = '' as $$
  select request.status = 'pending' and request.expires_at > p_at
$$;

create or replace function public.is_actionable(request public.client_requests) returns boolean
language sql stable set search_path = '' as $$
  select public.is_actionable(request, now())
$$;

revoke execute on function public.is_actionable(public.client_requests, timestamptz)
  from public, anon, authenticated;
grant execute on function public.is_actionable(public.client_requests, timestamptz)
  to authenticated, service_role;
comment on function public.is_actionable(public.client_requests, timestamptz) is
  'callable by authenticated: a computed field of the rows the caller may already read';

-- ---------------------------------------------------------------------------
-- Chat events: what happened in a chat that its client should hear about
-- ---------------------------------------------------------------------------
create table public.chat_events (
  id bigint generated always as identity primary key,
  chat_id uuid not null references public.private_chats (id),
  event_type varchar(30) not null check (event_type in ('unread_nudge', 'rating_requested')),
  created_at timestamptz not null default now(),
  -- The bot's consumed marker (set in the transaction that queued the notice).
  notice_consumed_at timestamptz,
  notice_attempts integer not null default 0,
  notice_error text
);
create index chat_events_chat_idx on public.chat_events (chat_id, created_at);
create index chat_events_unconsumed_idx on public.chat_events (created_at)
  where notice_consumed_at is null;

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.chat_events enable row level security;
revoke all on table public.chat_events from anon, authenticated, service_role;
grant select, insert, update on table public.chat_events to service_role;

-- Request events get the same consumed marker. Only the kinds that concern
-- the client (see client_notice_kind) are ever consumed.
alter table public.request_events
  add column notice_consumed_at timestamptz,
  add column notice_attempts integer not null default 0,
  add column notice_error text;

-- Which events the client hears about, and under which bot notice.
create or replace function public.client_notice_kind(p_source text, p_event_type text)
returns text
language sql immutable parallel safe set search_path = '' as $$
  select case p_source
    when 'request' then case p_event_type
      when 'accepted' then 'request_accepted' when 'rejected' then 'request_rejected'
      when 'expired' then 'request_expired' when 'details_requested' then 'details_requested' end
    when 'chat' then case p_event_type
      when 'unread_nudge' then 'chat_unread' when 'rating_requested' then 'rating_request' end
  end
$$;

create index request_events_unconsumed_idx on public.request_events (created_at)
  where notice_consumed_at is null
    and event_type in ('accepted', 'rejected', 'expired', 'details_requested');

-- ---------------------------------------------------------------------------
-- The outbox holds finished bodies only: the free-form message and, for a
-- notice, its approved-template alternative.
-- ---------------------------------------------------------------------------
-- Rows queued by the old pipeline (a catalogue key, rendered at send time)
-- become events again: their request event is left unconsumed, chat nudges
-- become chat events. Everything else is history: consumed.
update public.request_events set notice_consumed_at = created_at
 where notice_consumed_at is null;
update public.request_events e set notice_consumed_at = null
  from public.whatsapp_outbox o
 where o.status = 'queued' and o.body is null and o.request_id = e.request_id
   and e.event_type = case o.message_key when 'request_accepted' then 'accepted'
                                         when 'request_rejected' then 'rejected'
                                         when 'request_expired' then 'expired'
                                         when 'details_requested' then 'details_requested' end;
insert into public.chat_events (chat_id, event_type, created_at)
select (o.params ->> 'chat_id')::uuid,
       case o.message_key when 'chat_unread' then 'unread_nudge' else 'rating_requested' end,
       o.created_at
  from public.whatsapp_outbox o
 where o.status = 'queued' and o.body is null and o.message_key in ('chat_unread', 'rating_request')
   and (o.params ->> 'chat_id') ~ '^[0-9a-f-]{36}$'
   and exists (select 1 from public.private_chats c where c.id = (o.params ->> 'chat_id')::uuid);
delete from public.whatsapp_outbox where body is null;

alter table public.whatsapp_outbox
  drop column message_key,
  drop column params,
  alter column body set not null,
  add column template_body jsonb,
  -- Set when the template alternative is what goes (window closed, or 131047).
  add column sent_as_template boolean not null default false,
  -- A free-form follow-on of a notice (the list after "declined"): it goes only
  -- while the 24-hour window is open; the template alternative stands alone.
  add column requires_window boolean not null default false;

-- ---------------------------------------------------------------------------
-- The bot's two inboxes for a client: inbound messages and the events that
-- concern the client, oldest first (processed one at a time under the phone's
-- advisory lock; each marked in the transaction that acts on it).
-- ---------------------------------------------------------------------------
create or replace function public.client_inbox(p_phone text, p_limit integer default 2)
returns table (source text, item_id text, kind text, at timestamptz, request_id uuid,
               chat_id uuid, message text)
language sql stable set search_path = '' as $$
  -- Meta's timestamps have whole seconds: arrival breaks their ties.
  select inbox.source, inbox.item_id, inbox.kind, inbox.at, inbox.request_id, inbox.chat_id,
         inbox.message
  from (
    select 'message'::text, i.id::text, i.message_type::text, coalesce(i.sent_at, i.received_at),
           i.received_at, null::uuid, null::uuid, null::text
      from public.whatsapp_inbound i
     where i.client_phone = p_phone and i.processed_at is null
       and i.attempts < public.retry_attempt_limit()
    union all
    select 'request', e.id::text, public.client_notice_kind('request', e.event_type), e.created_at,
           e.created_at, e.request_id, c.id, e.message
      from public.request_events e
      join public.client_requests r on r.id = e.request_id
      left join public.private_chats c on c.request_id = r.id
     where r.client_whatsapp_phone = p_phone and e.notice_consumed_at is null
       and public.client_notice_kind('request', e.event_type) is not null
       and e.notice_attempts < public.retry_attempt_limit()
    union all
    select 'chat', e.id::text, public.client_notice_kind('chat', e.event_type), e.created_at,
           e.created_at, c.request_id, c.id, null
      from public.chat_events e
      join public.private_chats c on c.id = e.chat_id
     where c.client_whatsapp_phone = p_phone and e.notice_consumed_at is null
       and e.notice_attempts < public.retry_attempt_limit()
  ) inbox (source, item_id, kind, at, arrived, request_id, chat_id, message)
  order by inbox.at, inbox.arrived, inbox.source, inbox.item_id
  limit p_limit
$$;

-- Phones with something waiting, the longest-waiting first. `p_retries`:
-- only phones whose oldest waiting item failed before (the sweeper's), else
-- only those whose items never failed (the workers' hot path); null: all.
create or replace function public.client_inbox_phones(
  p_retries boolean default null, p_older_than interval default interval '0',
  p_limit integer default 500
) returns setof text
language sql stable set search_path = '' as $$
  select w.phone from (
    select i.client_phone as phone, i.received_at as at, i.attempts
      from public.whatsapp_inbound i
     where i.processed_at is null and i.attempts < public.retry_attempt_limit()
    union all
    select r.client_whatsapp_phone, e.created_at, e.notice_attempts
      from public.request_events e join public.client_requests r on r.id = e.request_id
     where e.notice_consumed_at is null
       and e.event_type in ('accepted', 'rejected', 'expired', 'details_requested')
       and e.notice_attempts < public.retry_attempt_limit()
    union all
    select c.client_whatsapp_phone, e.created_at, e.notice_attempts
      from public.chat_events e join public.private_chats c on c.id = e.chat_id
     where e.notice_consumed_at is null and e.notice_attempts < public.retry_attempt_limit()
  ) w
  where w.at < now() - p_older_than
  group by w.phone
  having p_retries is null or (min(w.attempts) > 0) = p_retries
  order by min(w.at)
  limit p_limit
$$;

-- The bot acted on an inbox item (p_error null), or failed to (recorded; after
-- retry_attempt_limit() failures the item is left for review and the client's
-- later items go on).
create or replace function public.settle_client_inbox_item(
  p_source text, p_item_id text, p_error text default null
) returns void
language plpgsql set search_path = '' as $$
begin
  if p_source = 'message' then
    update public.whatsapp_inbound
       set attempts = attempts + 1, last_error = left(p_error, 1000),
           processed_at = case when p_error is null then now() end
     where id = p_item_id::uuid;
  elsif p_source = 'request' then
    update public.request_events
       set notice_attempts = notice_attempts + 1, notice_error = left(p_error, 1000),
           notice_consumed_at = case when p_error is null then now() end
     where id = p_item_id::bigint;
  elsif p_source = 'chat' then
    update public.chat_events
       set notice_attempts = notice_attempts + 1, notice_error = left(p_error, 1000),
           notice_consumed_at = case when p_error is null then now() end
     where id = p_item_id::bigint;
  else
    raise exception 'unknown_inbox_source' using errcode = 'KH422';
  end if;
end
$$;

revoke execute on function
  public.client_notice_kind(text, text),
  public.client_inbox(text, integer),
  public.client_inbox_phones(boolean, interval, integer),
  public.settle_client_inbox_item(text, text, text)
from public, anon, authenticated;
grant execute on function
  public.client_notice_kind(text, text),
  public.client_inbox(text, integer),
  public.client_inbox_phones(boolean, interval, integer),
  public.settle_client_inbox_item(text, text, text)
to service_role;

-- Wake the workers (the inbox queue) when an event the client hears about lands.
create or replace function public.notify_client_events() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if exists (select 1 from fresh f
             where public.client_notice_kind(tg_argv[0], f.event_type) is not null) then
    perform pg_notify('khadum_work', 'inbound');
  end if;
  return null;
end
$$;
revoke execute on function public.notify_client_events()
  from public, anon, authenticated, service_role;

create trigger request_events_wake_workers
  after insert on public.request_events referencing new table as fresh
  for each statement execute function public.notify_client_events('request');
create trigger chat_events_wake_workers
  after insert on public.chat_events referencing new table as fresh
  for each statement execute function public.notify_client_events('chat');

-- ---------------------------------------------------------------------------
-- State changes: events only
-- ---------------------------------------------------------------------------
-- The shared guard of the freelancer's answers (expiry through is_actionable).
create or replace function public.lock_request_for_response(
  p_request_id uuid, p_user_id uuid
) returns public.client_requests
language plpgsql security definer set search_path = '' as $$
declare
  caller_freelancer uuid;
  request public.client_requests;
begin
  select f.id into caller_freelancer from public.freelancers f where f.user_id = p_user_id;
  if caller_freelancer is null then
    raise exception 'not_a_freelancer' using errcode = 'KH403';
  end if;
  -- The row lock serialises concurrent answers and the expiry job (which skips
  -- locked rows); everything below sees the row as it is now.
  select r.* into request from public.client_requests r where r.id = p_request_id for update;
  if not found then
    raise exception 'request_not_found' using errcode = 'KH404';
  end if;
  if request.freelancer_id is distinct from caller_freelancer then
    raise exception 'not_your_request' using errcode = 'KH403';
  end if;
  if request.status = 'pending' and not public.is_actionable(request) then
    raise exception 'request_expired' using errcode = 'KH409';
  end if;
  if request.status <> 'pending' then
    raise exception 'request_already_%', request.status using errcode = 'KH409';
  end if;
  return request;
end
$$;

create or replace function public.accept_request(
  p_request_id uuid, p_user_id uuid, p_chat_id uuid, p_chat_token text, p_emails jsonb
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
begin
  if p_chat_id is null then
    raise exception 'chat_id_required' using errcode = 'KH422';
  end if;
  if p_chat_token is null or length(p_chat_token) < 22 or p_chat_token !~ '^[A-Za-z0-9_-]+$' then
    raise exception 'chat_token_invalid' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);

  update public.client_requests
     set status = 'accepted', responded_at = now()
   where id = r.id
  returning * into r;

  insert into public.private_chats (id, request_id, client_whatsapp_phone, freelancer_id,
                                    chat_url_token)
  values (p_chat_id, r.id, r.client_whatsapp_phone, r.freelancer_id, p_chat_token);

  -- The client's WhatsApp notice is the bot's, from this event.
  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'accepted', 'freelancer', null);

  perform public.queue_rendered_emails(r.id, p_emails);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.accepted',
    'client_request', r.id::text, jsonb_build_object('chat_id', p_chat_id));

  return to_jsonb(r);
end
$$;

-- Reject: the reason is masked before it is kept or shown.
create or replace function public.reject_request(
  p_request_id uuid, p_user_id uuid, p_reason text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  reason text := nullif(btrim(coalesce(p_reason, '')), '');
  hits text[] := '{}';
begin
  if length(reason) > 1000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  if reason is not null then
    select m.masked, m.hits into reason, hits from public.mask_contact_details(reason) m;
  end if;

  update public.client_requests
     set status = 'rejected', responded_at = now(), response_message = reason
   where id = r.id
  returning * into r;

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'rejected', 'freelancer', reason);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.rejected',
    'client_request', r.id::text,
    jsonb_build_object('has_reason', reason is not null,
                       'contact_details', to_jsonb(hits)));

  return to_jsonb(r);
end
$$;

-- Ask for details: at most N questions a request, each masked before it is kept.
create or replace function public.request_details(
  p_request_id uuid, p_user_id uuid, p_question text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  question text := nullif(btrim(coalesce(p_question, '')), '');
  hits text[];
begin
  if question is null then
    raise exception 'message_required' using errcode = 'KH422';
  end if;
  if length(question) > 1000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  -- Counted under the request's row lock: concurrent questions cannot pass together.
  if (select count(*) from public.request_events e
      where e.request_id = r.id and e.event_type = 'details_requested')
     >= public.request_limit('questions_per_request') then
    raise exception 'too_many_questions' using errcode = 'KH429';
  end if;
  select m.masked, m.hits into question, hits from public.mask_contact_details(question) m;

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'details_requested', 'freelancer', question);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.details_requested',
    'client_request', r.id::text,
    jsonb_build_object('length', length(question), 'contact_details', to_jsonb(hits)));

  return to_jsonb(r);
end
$$;

create or replace function public.expire_requests(p_now timestamptz default now())
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  expired_count integer;
begin
  -- skip locked: a request being answered right now (row locked by the
  -- respond function) is left to that transaction, which re-checks expiry.
  with overdue as (
    select r.id
    from public.client_requests r
    where r.status = 'pending' and not public.is_actionable(r, p_now)
    order by r.expires_at
    for update skip locked
  ), expired as (
    update public.client_requests r
       set status = 'expired'
      from overdue o
     where r.id = o.id and r.status = 'pending'
    returning r.*
  ), events as (
    -- The client's notice is the bot's, from this event.
    insert into public.request_events (request_id, event_type, actor, message)
    select e.id, 'expired', 'system', null from expired e
  ), freelancer_notices as (
    insert into public.notifications (freelancer_id, request_id, title, message, type)
    select e.freelancer_id, e.id, m.title, m.body, 'request_expired'
    from expired e
    cross join lateral public.render_message('notification.request_expired', 'ar',
      jsonb_build_object('client_name', coalesce(e.client_name, e.client_whatsapp_phone))) m
    where e.freelancer_id is not null
  ), logged as (
    insert into public.activity_log (actor_type, actor_id, action, subject_type, subject_id, details)
    select 'system', null, 'request.expired', 'client_request', e.id::text,
           jsonb_build_object('freelancer_id', e.freelancer_id, 'expires_at', e.expires_at)
    from expired e
  )
  select count(*) into expired_count from expired;
  return expired_count;
end
$$;

-- Housekeeping: an unread nudge, a rating request — as chat events.
drop function if exists public.chat_housekeeping(interval, interval, text);
create or replace function public.chat_housekeeping(
  p_unread_after interval default interval '10 minutes',
  p_rating_after interval default interval '1 day'
) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  n integer;
  queued integer;
begin
  with due as (
    select c.id
    from public.private_chats c
    where c.status = 'active'
      and exists (
        select 1 from public.chat_messages m
        where m.chat_id = c.id and m.sender_type = 'freelancer'
          and m.created_at > coalesce(c.client_last_read_at, '-infinity')
          and m.created_at > coalesce(c.client_nudged_at, '-infinity')
          and m.created_at <= now() - p_unread_after)
    for update of c skip locked
  ), marked as (
    update public.private_chats c set client_nudged_at = now() from due where c.id = due.id
    returning c.id
  )
  insert into public.chat_events (chat_id, event_type) select m.id, 'unread_nudge' from marked m;
  get diagnostics queued = row_count;

  with due as (
    select c.id
    from public.private_chats c
    where c.status = 'completed' and c.rating_requested_at is null
      and c.completed_at <= now() - p_rating_after
      and not exists (select 1 from public.chat_ratings r where r.chat_id = c.id)
    for update of c skip locked
  ), marked as (
    update public.private_chats c set rating_requested_at = now() from due where c.id = due.id
    returning c.id
  )
  insert into public.chat_events (chat_id, event_type)
  select m.id, 'rating_requested' from marked m;
  get diagnostics n = row_count;
  return queued + n;
end
$$;

revoke execute on function
  public.lock_request_for_response(uuid, uuid),
  public.accept_request(uuid, uuid, uuid, text, jsonb),
  public.reject_request(uuid, uuid, text),
  public.request_details(uuid, uuid, text),
  public.expire_requests(timestamptz),
  public.chat_housekeeping(interval, interval)
from public, anon, authenticated;
grant execute on function
  public.lock_request_for_response(uuid, uuid),
  public.accept_request(uuid, uuid, uuid, text, jsonb),
  public.reject_request(uuid, uuid, text),
  public.request_details(uuid, uuid, text),
  public.expire_requests(timestamptz),
  public.chat_housekeeping(interval, interval)
to service_role;

-- ---------------------------------------------------------------------------
-- WhatsApp transport: claim, send, record (mirrors the email outbox)
-- ---------------------------------------------------------------------------
-- The one place a notice turns into its approved template: the row is queued
-- again as the template (its own row still in flight), or a copy of it is
-- (a 131047 status callback on a row already sent). False when there is no
-- template alternative or it was the template that failed.
create or replace function public.whatsapp_resend_as_template(p_id uuid) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  o public.whatsapp_outbox;
begin
  select * into o from public.whatsapp_outbox where id = p_id for update;
  if not found or o.template_body is null or o.sent_as_template then
    return false;
  end if;
  if o.status in ('queued', 'sending') then
    update public.whatsapp_outbox
       set status = 'queued', sent_as_template = true, claimed_by = null,
           send_attempted_at = null, next_attempt_at = now()
     where id = p_id;
  else
    insert into public.whatsapp_outbox (to_phone, body, template_body, sent_as_template, locale,
                                        request_id)
    values (o.to_phone, o.body, o.template_body, true, o.locale, o.request_id);
  end if;
  return true;
end
$$;

-- Claims what is due for one sender, in each phone's order (a phone's row
-- waits behind any earlier one still queued for later or in flight). A lease
-- that ran out goes back to the queue first, except a row whose call had
-- begun: it waits p_reconcile_after for a status callback to settle it.
-- Returns the body that goes: the template alternative when the client's
-- 24-hour window is closed.
create or replace function public.claim_due_whatsapp(
  p_limit integer, p_worker text, p_lease interval, p_reconcile_after interval
) returns table (id uuid, to_phone text, body jsonb, attempts integer, seq bigint)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
begin
  update public.whatsapp_outbox o
     set status = 'failed', failed_at = now(), error_code = '131047',
         last_error = 'not sent: the 24-hour window is closed and it has no template'
   where o.status = 'queued' and o.requires_window and o.next_attempt_at <= now()
     and not public.whatsapp_window_open(o.to_phone);
  update public.whatsapp_outbox o
     set status = 'queued', claimed_by = null, send_attempted_at = null
   where o.status = 'sending' and o.next_attempt_at < now()
     and (o.send_attempted_at is null or o.send_attempted_at < now() - p_reconcile_after);
  return query
  with due as (
    select d.id from public.whatsapp_outbox d
     where d.status = 'queued' and d.next_attempt_at <= now()
       and not exists (
         select 1 from public.whatsapp_outbox e
          where e.to_phone = d.to_phone and e.seq < d.seq
            and (e.status = 'sending' or (e.status = 'queued' and e.next_attempt_at > now())))
     order by d.seq limit p_limit
     for update skip locked)
  update public.whatsapp_outbox o
     set status = 'sending', claimed_by = p_worker, next_attempt_at = now() + p_lease,
         sent_as_template = o.sent_as_template
           or (o.template_body is not null and not public.whatsapp_window_open(o.to_phone))
    from due where o.id = due.id
  returning o.id, o.to_phone::text,
            case when o.sent_as_template then o.template_body else o.body end,
            o.attempts, o.seq;
end
$$;

create or replace function public.renew_whatsapp_leases(p_worker text, p_lease interval)
returns integer
language sql security definer set search_path = '' as $$
  with renewed as (
    update public.whatsapp_outbox set next_attempt_at = now() + p_lease
     where claimed_by = p_worker and status = 'sending' returning 1)
  select count(*)::integer from renewed
$$;

-- Gives back rows claimed but not handed to the Graph API: all of a stopping
-- sender's (p_ids null), or those named (a phone's later rows after an error).
create or replace function public.release_whatsapp_claims(p_worker text, p_ids uuid[] default null)
returns integer
language sql security definer set search_path = '' as $$
  with released as (
    update public.whatsapp_outbox
       set status = 'queued', claimed_by = null, send_attempted_at = null, next_attempt_at = now()
     where claimed_by = p_worker and status = 'sending' and send_attempted_at is null
       and (p_ids is null or id = any(p_ids))
    returning 1)
  select count(*)::integer from released
$$;

-- Committed right before the Graph API call: a row found later with it set
-- and its lease gone has an unknown outcome (reconciled, not resent blindly).
create or replace function public.begin_whatsapp_send(p_id uuid) returns void
language sql security definer set search_path = '' as $$
  update public.whatsapp_outbox set send_attempted_at = now() where id = p_id
$$;

-- The sender got a wamid back. A status callback may have settled the row
-- already (same wamid): then only the replay of early statuses runs.
create or replace function public.record_whatsapp_sent(p_id uuid, p_wamid text) returns void
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

-- The call may have reached Meta: the row stays in flight with its attempt
-- (see claim_due_whatsapp's p_reconcile_after); a status callback settles it.
create or replace function public.record_whatsapp_unknown(p_id uuid, p_error text) returns void
language sql security definer set search_path = '' as $$
  update public.whatsapp_outbox
     set next_attempt_at = now(), claimed_by = null, error_code = 'unknown',
         last_error = left(p_error, 1000)
   where id = p_id and status = 'sending'
$$;

-- A transient error: queued again after retry_delay(), failed after the limit.
-- Returns the row's new status.
create or replace function public.record_whatsapp_retry(p_id uuid, p_code text, p_error text)
returns text
language sql security definer set search_path = '' as $$
  update public.whatsapp_outbox
     set attempts = attempts + 1,
         status = case when attempts + 1 < public.retry_attempt_limit() then 'queued'
                       else 'failed' end,
         next_attempt_at = now() + public.retry_delay(attempts + 1),
         failed_at = case when attempts + 1 >= public.retry_attempt_limit() then now() end,
         claimed_by = null, send_attempted_at = null, error_code = left(p_code, 20),
         last_error = left(p_error, 1000)
   where id = p_id
  returning status::text
$$;

-- A permanent error: failed — unless it is 131047 (the window closed) on a
-- notice with a template alternative, which is then queued as the template.
create or replace function public.record_whatsapp_failed(p_id uuid, p_code text, p_error text)
returns text
language plpgsql security definer set search_path = '' as $$
begin
  update public.whatsapp_outbox
     set attempts = attempts + 1, error_code = left(p_code, 20), last_error = left(p_error, 1000)
   where id = p_id;
  if p_code = '131047' and public.whatsapp_resend_as_template(p_id) then
    return 'queued';
  end if;
  update public.whatsapp_outbox
     set status = 'failed', failed_at = now(), claimed_by = null, send_attempted_at = null
   where id = p_id;
  return 'failed';
end
$$;

-- A status callback: the outbox only moves forward (sent → delivered → read),
-- so a late "delivered" never undoes "read". A 131047 failure resends the
-- notice as its template (whatsapp_resend_as_template).
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

  if found and p_status = 'failed' and p_error_code = '131047' and row_out.status = 'failed' then
    perform public.whatsapp_resend_as_template(row_out.id);
  end if;
end
$$;

-- mark_whatsapp_sent is record_whatsapp_sent now.
drop function if exists public.mark_whatsapp_sent(uuid, text);

revoke execute on function
  public.whatsapp_resend_as_template(uuid),
  public.claim_due_whatsapp(integer, text, interval, interval),
  public.renew_whatsapp_leases(text, interval),
  public.release_whatsapp_claims(text, uuid[]),
  public.begin_whatsapp_send(uuid),
  public.record_whatsapp_sent(uuid, text),
  public.record_whatsapp_unknown(uuid, text),
  public.record_whatsapp_retry(uuid, text, text),
  public.record_whatsapp_failed(uuid, text, text),
  public.apply_whatsapp_status(text, text, timestamptz, text, text)
from public, anon, authenticated;
grant execute on function
  public.whatsapp_resend_as_template(uuid),
  public.claim_due_whatsapp(integer, text, interval, interval),
  public.renew_whatsapp_leases(text, interval),
  public.release_whatsapp_claims(text, uuid[]),
  public.begin_whatsapp_send(uuid),
  public.record_whatsapp_sent(uuid, text),
  public.record_whatsapp_unknown(uuid, text),
  public.record_whatsapp_retry(uuid, text, text),
  public.record_whatsapp_failed(uuid, text, text),
  public.apply_whatsapp_status(text, text, timestamptz, text, text)
to service_role;
