-- =============================================================================
-- The client's personal data in client_requests is stored encrypted (issue 16).
--
-- Keys live outside the database (khadum/crypto.py): the functions seal values
-- before they reach SQL and open them for the parties (khadum/requests/sealed.py).
-- SQL never sees the client's phone, email or words in plain text; it compares
-- phones through a keyed blind index (HMAC-SHA256, hex) the functions compute.
--
-- How each spec column holds its value now:
--   client_whatsapp_phone  display form (+966•••••••567); the number itself is
--                          client_phone_sealed, looked up by client_phone_index
--   client_email           display form (a•••@example.com); the address is
--                          client_email_sealed
--   service_description    ciphertext
--   project_details        ciphertext, as a JSON string
--   reason_for_choice      ciphertext
--   client_name, budget_range, service_category, the dates and status: plain
--                          (the name is what the freelancer's notifications and
--                          the expiry notice show; the budget is the bot's label)
-- =============================================================================

-- ---------------------------------------------------------------------------
-- What stored values look like (shape only: SQL cannot open them)
-- ---------------------------------------------------------------------------
-- Shared with the chat tables' encryption (same name, same body).
-- public.is_ciphertext(text): defined with the chat's sealed columns
-- (20251202000600_chat_encrypted.sql).

create or replace function public.is_blind_index(text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select $1 ~ '^[0-9a-f]{64}$'
$$;
revoke execute on function public.is_blind_index(text) from public, anon, authenticated;
grant execute on function public.is_blind_index(text) to service_role;

-- What a client's WhatsApp number looks like (E.164: + and 8-15 digits).
create or replace function public.is_client_phone(text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select coalesce($1 ~ '^\+[0-9]{8,15}$', false)
$$;
revoke execute on function public.is_client_phone(text) from public, anon, authenticated;
grant execute on function public.is_client_phone(text) to service_role;

-- The checks on the client's contact details before they are sealed: the
-- functions call this with the plain values (never stored, never echoed), then
-- seal what it accepted.
create or replace function public.check_client_contact(p_phone text, p_email text)
returns void
language plpgsql immutable set search_path = '' as $$
begin
  if not public.is_client_phone(btrim(p_phone)) then
    raise exception 'invalid_phone' using errcode = 'KH422';
  end if;
  if p_email is not null and not public.is_email(btrim(p_email)) then
    raise exception 'invalid_email' using errcode = 'KH422';
  end if;
end
$$;
revoke execute on function public.check_client_contact(text, text)
  from public, anon, authenticated;
grant execute on function public.check_client_contact(text, text) to service_role;

-- ---------------------------------------------------------------------------
-- client_requests: sealed columns, the blind index, and the shape checks
-- ---------------------------------------------------------------------------
alter table public.client_requests
  add column client_phone_sealed text not null
    constraint client_requests_phone_sealed_check check (public.is_ciphertext(client_phone_sealed)),
  add column client_phone_index text not null
    constraint client_requests_phone_index_check check (public.is_blind_index(client_phone_index)),
  add column client_email_sealed text
    constraint client_requests_email_sealed_check
      check (client_email_sealed is null or public.is_ciphertext(client_email_sealed)),
  add constraint client_requests_phone_display_check
    check (client_whatsapp_phone ~ '^\+[0-9]{0,4}•+[0-9]{0,3}$'),
  add constraint client_requests_email_display_check
    check ((client_email is null) = (client_email_sealed is null)
           and (client_email is null or client_email ~ '^.?•••@')),
  add constraint client_requests_description_sealed_check
    check (public.is_ciphertext(service_description)),
  add constraint client_requests_details_sealed_check
    check (project_details is null
           or (jsonb_typeof(project_details) = 'string'
               and public.is_ciphertext(project_details #>> '{}'))),
  add constraint client_requests_reason_sealed_check
    check (reason_for_choice is null or public.is_ciphertext(reason_for_choice));

comment on column public.client_requests.client_whatsapp_phone is
  'Display form of the client''s number (+966•••••••567); the number is client_phone_sealed.';
comment on column public.client_requests.client_phone_sealed is
  'The client''s WhatsApp number, encrypted (context client.phone).';
comment on column public.client_requests.client_phone_index is
  'Keyed blind index of the client''s number (HMAC-SHA256, context client.phone): equality only.';
comment on column public.client_requests.client_email is
  'Display form of the client''s email (a•••@example.com); the address is client_email_sealed.';
comment on column public.client_requests.client_email_sealed is
  'The client''s email, encrypted (context client.email).';

drop index if exists public.client_requests_phone_idx;
create index client_requests_phone_index_idx
  on public.client_requests (client_phone_index, created_at desc);

-- ---------------------------------------------------------------------------
-- The caps, by blind index (from 20251201000210_request_expiry_rule.sql)
-- ---------------------------------------------------------------------------
drop function public.check_request_caps(text, uuid);
create or replace function public.check_request_caps(p_phone_index text, p_freelancer_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.request_phone:' || p_phone_index), 0);
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.request_freelancer:' || p_freelancer_id::text), 0);
  if (select count(*) from public.client_requests r
      where r.client_phone_index = p_phone_index and r.freelancer_id = p_freelancer_id
        and r.status = 'pending' and public.is_actionable(r))
     >= public.request_limit('pending_per_phone_freelancer') then
    raise exception 'already_pending_with_freelancer' using errcode = 'KH429';
  end if;
  if (select count(*) from public.client_requests r
      where r.client_phone_index = p_phone_index and r.status = 'pending'
        and public.is_actionable(r))
     >= public.request_limit('pending_per_phone') then
    raise exception 'too_many_pending_requests' using errcode = 'KH429';
  end if;
  if (select count(*) from public.client_requests r
      where r.freelancer_id = p_freelancer_id and r.created_at > now() - interval '1 hour')
     >= public.request_limit('requests_per_freelancer_hour') then
    raise exception 'freelancer_busy' using errcode = 'KH429';
  end if;
end
$$;
revoke execute on function public.check_request_caps(text, uuid) from public, anon, authenticated;
grant execute on function public.check_request_caps(text, uuid) to service_role;

-- ---------------------------------------------------------------------------
-- submit_client_request takes sealed values (from 20251201000200_one_error_family.sql)
-- ---------------------------------------------------------------------------
drop function public.submit_client_request(
  text, text, text, uuid, text, text, text, jsonb, text, text);

create or replace function public.submit_client_request(
  p_phone_index text, p_phone_sealed text, p_phone_display text, p_name text,
  p_email_sealed text, p_email_display text, p_freelancer_id uuid,
  p_description_sealed text, p_title text, p_category text, p_budget_range text,
  p_details_sealed text, p_reason_sealed text, p_language text default 'ar'
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  new_id uuid;
begin
  if not coalesce(public.is_blind_index(p_phone_index) and public.is_ciphertext(p_phone_sealed),
                  false) then
    raise exception 'invalid_phone' using errcode = 'KH422';
  end if;
  if not coalesce(public.is_ciphertext(p_description_sealed), false) then
    raise exception 'description_required' using errcode = 'KH422';
  end if;
  if (p_email_sealed is null) <> (p_email_display is null)
     or (p_email_sealed is not null and not public.is_ciphertext(p_email_sealed)) then
    raise exception 'invalid_email' using errcode = 'KH422';
  end if;
  if not exists (select 1 from public.freelancers f where f.id = p_freelancer_id) then
    raise exception 'freelancer_not_found' using errcode = 'KH404';
  end if;
  perform public.check_request_caps(p_phone_index, p_freelancer_id);

  insert into public.client_requests (client_whatsapp_phone, client_phone_sealed,
    client_phone_index, client_name, client_email, client_email_sealed, freelancer_id,
    service_description, service_category, budget_range, project_details,
    reason_for_choice, client_language, service_title)
  values (p_phone_display, p_phone_sealed, p_phone_index, nullif(btrim(p_name), ''),
    p_email_display, p_email_sealed, p_freelancer_id, p_description_sealed, p_category,
    p_budget_range, to_jsonb(p_details_sealed), p_reason_sealed, coalesce(p_language, 'ar'),
    nullif(left(btrim(coalesce(p_title, '')), 120), ''))
  returning id into new_id;

  insert into public.request_events (request_id, event_type, actor, message)
  values (new_id, 'created', 'client', null);
  perform public.log_activity('client', public.client_actor_id(p_phone_index),
    'request.created', 'client_request', new_id::text,
    jsonb_build_object('freelancer_id', p_freelancer_id, 'category', p_category,
                       'channel', 'whatsapp'));
  return new_id;
end
$$;

-- ---------------------------------------------------------------------------
-- The client as an actor in activity_log: a pseudonym from the blind index
-- (the same client is the same actor; the number is not recoverable from it)
-- ---------------------------------------------------------------------------
create or replace function public.client_actor_id(p_phone_index text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select 'client:' || left(p_phone_index, 16)
$$;
revoke execute on function public.client_actor_id(text) from public, anon, authenticated;
grant execute on function public.client_actor_id(text) to service_role;

revoke execute on function public.submit_client_request(
  text, text, text, text, text, text, uuid, text, text, text, text, text, text, text)
from public, anon, authenticated;
grant execute on function public.submit_client_request(
  text, text, text, text, text, text, uuid, text, text, text, text, text, text, text)
to service_role;

-- ---------------------------------------------------------------------------
-- The client's answer to a freelancer's question, matched by blind index
-- (from 20251201000200_one_error_family.sql)
-- ---------------------------------------------------------------------------
drop function public.answer_request_details(uuid, text, text);
create or replace function public.answer_request_details(
  p_request_id uuid, p_phone_index text, p_answer text
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  req public.client_requests;
  rendered record;
begin
  select * into req from public.client_requests r where r.id = p_request_id for update;
  if not found or req.client_phone_index is distinct from p_phone_index then
    raise exception 'request_not_found' using errcode = 'KH404';
  end if;
  if not public.is_actionable(req) then
    raise exception 'request_not_actionable' using errcode = 'KH409';
  end if;
  if coalesce(btrim(p_answer), '') = '' then
    raise exception 'answer_required' using errcode = 'KH422';
  end if;

  insert into public.request_events (request_id, event_type, actor, message)
  values (req.id, 'details_answered', 'client', btrim(p_answer));
  select * into rendered from public.render_message('notification.details_answered', 'ar',
    jsonb_build_object('client_name', coalesce(req.client_name, req.client_whatsapp_phone),
                       'answer', left(btrim(p_answer), 200)));
  insert into public.notifications (freelancer_id, request_id, title, message, type)
  values (req.freelancer_id, req.id, rendered.title, rendered.body, 'details_answered');
  perform public.log_activity('client', public.client_actor_id(p_phone_index),
    'request.details_answered', 'client_request', req.id::text, '{}'::jsonb);
  return req.freelancer_id;
end
$$;
revoke execute on function public.answer_request_details(uuid, text, text)
from public, anon, authenticated;
grant execute on function public.answer_request_details(uuid, text, text) to service_role;

-- ---------------------------------------------------------------------------
-- The bot's inboxes (from 20251201000100_notice_events.sql): request and chat
-- events are found by the blind index (a chat's client is its request's);
-- client_inbox_phones names such clients by their sealed number, which the
-- worker opens.
-- ---------------------------------------------------------------------------
drop function public.client_inbox(text, integer);
create or replace function public.client_inbox(
  p_phone text, p_limit integer default 2, p_phone_index text default null
)
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
     where r.client_phone_index = p_phone_index and e.notice_consumed_at is null
       and public.client_notice_kind('request', e.event_type) is not null
       and e.notice_attempts < public.retry_attempt_limit()
    union all
    select 'chat', e.id::text, public.client_notice_kind('chat', e.event_type), e.created_at,
           e.created_at, c.request_id, c.id, null
      from public.chat_events e
      join public.private_chats c on c.id = e.chat_id
      join public.client_requests r on r.id = c.request_id
     where r.client_phone_index = p_phone_index and e.notice_consumed_at is null
       and e.notice_attempts < public.retry_attempt_limit()
  ) inbox (source, item_id, kind, at, arrived, request_id, chat_id, message)
  order by inbox.at, inbox.arrived, inbox.source, inbox.item_id
  limit p_limit
$$;
revoke execute on function public.client_inbox(text, integer, text)
  from public, anon, authenticated;
grant execute on function public.client_inbox(text, integer, text) to service_role;

-- Phones with something waiting, the longest-waiting first: inbound messages by
-- their number, events by one sealed copy of the client's number per client.
create or replace function public.client_inbox_phones(
  p_retries boolean default null, p_older_than interval default interval '0',
  p_limit integer default 500
) returns setof text
language sql stable set search_path = '' as $$
  select min(w.phone) from (
    select i.client_phone as who, i.client_phone as phone, i.received_at as at, i.attempts
      from public.whatsapp_inbound i
     where i.processed_at is null and i.attempts < public.retry_attempt_limit()
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

-- ---------------------------------------------------------------------------
-- The new-request notification names the service by its title (the client's
-- description is sealed; from 20251129000100_service_title.sql)
-- ---------------------------------------------------------------------------
create or replace function public.client_requests_notify_freelancer() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  rendered record;
begin
  if new.freelancer_id is null then
    return new;
  end if;
  select * into rendered from public.render_message('notification.client_request', 'ar',
    jsonb_build_object(
      'client_name', coalesce(new.client_name, new.client_whatsapp_phone),
      'service_title', coalesce(nullif(btrim(new.service_title), ''),
                                (select c.name_ar from public.service_categories c
                                  where c.slug = new.service_category), '—'),
      'budget_range', coalesce(new.budget_range, '—')));
  insert into public.notifications (freelancer_id, request_id, title, message, type)
  values (new.freelancer_id, new.id, rendered.title, rendered.body, 'client_request');
  return new;
end
$$;
revoke execute on function public.client_requests_notify_freelancer()
  from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Realtime: a notification's broadcast carries ids, states and the catalogue's
-- title only; the dashboard fetches the notification's text (it names the
-- client) through the dashboard API, so realtime.messages never holds it.
-- (from 20251120000700_triggers_and_realtime.sql)
-- ---------------------------------------------------------------------------
create or replace function public.broadcast_notification() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.freelancer_id is null then
    return new;
  end if;
  perform realtime.send(
    jsonb_build_object(
      'id', new.id, 'request_id', new.request_id, 'type', new.type, 'title', new.title,
      'is_read', new.is_read, 'created_at', new.created_at, 'read_at', new.read_at,
      'op', lower(tg_op)),
    case tg_op when 'INSERT' then 'notification' else 'notification_updated' end,
    'freelancer:' || new.freelancer_id::text,
    true);
  return new;
end
$$;
revoke execute on function public.broadcast_notification()
  from public, anon, authenticated, service_role;
