-- =============================================================================
-- The bot's tables hold no plain client data (issue 16): raw WhatsApp messages
-- (whatsapp_inbound) and the bot's conversations (bot_conversations).
--
-- Keys live outside the database (khadum/crypto.py). The webhook seals what it
-- stores (khadum/whatsapp/store.py, the one write path of whatsapp_inbound); the
-- worker opens it in the bot's turn (khadum/bot/inbox.py, the one read path) and
-- seals the conversation it saves (khadum/bot/conversation.py).
--
-- How each column holds its value now:
--   whatsapp_inbound.client_phone     the number, encrypted (context client.phone,
--                                     the same as client_requests.client_phone_sealed)
--   whatsapp_inbound.client_phone_index  its keyed blind index: the bot's lookups,
--                                     the rate window, the 24-hour window, the KPIs
--   whatsapp_inbound.client_phone_display  +966••••••567, for the operators'
--                                     dead letters
--   whatsapp_inbound.payload          the raw message JSON, encrypted, as a JSON
--                                     string (context whatsapp_inbound.payload)
--   whatsapp_inbound.profile_name     encrypted (context whatsapp_inbound.profile_name)
--   wamid, message_type, the times, attempts, last_error: plain, not personal
--   bot_conversations.client_phone    the number, encrypted (context client.phone)
--   bot_conversations.client_phone_index  its blind index: the conversation's key
--   bot_conversations.data            the whole state (draft description, details,
--                                     name, email, answers…), encrypted, as a JSON
--                                     string (context bot_conversations.data)
--   state, language, the times: plain
--   whatsapp_outbox.to_phone_index    the recipient's blind index, for the 24-hour
--                                     window (to_phone itself is not sealed here)
--
-- Check constraints refuse plain values, so no path can store one. They are
-- NOT VALID: rows written before this migration are sealed by `khadum keys
-- rotate` (which also fills their blind index), then `alter table … validate
-- constraint …` (README, "Threat model and encryption"). Until then such rows
-- are not found by the bot (it looks them up by blind index).
-- =============================================================================

-- ---------------------------------------------------------------------------
-- whatsapp_inbound
-- ---------------------------------------------------------------------------
alter table public.whatsapp_inbound
  alter column client_phone type text,
  alter column profile_name type text,
  add column client_phone_index text,
  add column client_phone_display text;

-- Rows stored before: their display form from the plain number (the number
-- itself is sealed by `khadum keys rotate`).
update public.whatsapp_inbound
   set client_phone_display = left(client_phone, 4)
         || repeat('•', greatest(1, length(client_phone) - 7)) || right(client_phone, 3)
 where not public.is_ciphertext(client_phone);

alter table public.whatsapp_inbound
  add constraint whatsapp_inbound_phone_sealed
    check (public.is_ciphertext(client_phone)) not valid,
  add constraint whatsapp_inbound_phone_index_check
    check (coalesce(public.is_blind_index(client_phone_index), false)) not valid,
  add constraint whatsapp_inbound_phone_display_check
    check (client_phone_display ~ '^\+[0-9]{0,4}•+[0-9]{0,3}$') not valid,
  add constraint whatsapp_inbound_payload_sealed
    check (jsonb_typeof(payload) = 'string' and public.is_ciphertext(payload #>> '{}'))
    not valid,
  add constraint whatsapp_inbound_profile_name_sealed
    check (profile_name is null or public.is_ciphertext(profile_name)) not valid;

comment on column public.whatsapp_inbound.client_phone is
  'The sender''s number, encrypted (context client.phone); looked up by client_phone_index.';
comment on column public.whatsapp_inbound.client_phone_index is
  'Keyed blind index of the sender''s number (HMAC-SHA256, context client.phone).';
comment on column public.whatsapp_inbound.client_phone_display is
  'Display form of the sender''s number (+966•••••••567), for the operators.';
comment on column public.whatsapp_inbound.payload is
  'The raw WhatsApp message JSON, encrypted, as a JSON string (context whatsapp_inbound.payload).';
comment on column public.whatsapp_inbound.profile_name is
  'The sender''s WhatsApp profile name, encrypted (context whatsapp_inbound.profile_name).';

-- The phone's messages (client_inbox, the rate window, the 24-hour window) and
-- the workers' list of phones, by blind index (from 20251121000100 and
-- 20251128000100).
drop index if exists public.whatsapp_inbound_phone_received_idx;
create index whatsapp_inbound_phone_received_idx
  on public.whatsapp_inbound (client_phone_index, received_at desc);
drop index if exists public.whatsapp_inbound_pending_phone_idx;
create index whatsapp_inbound_pending_phone_idx
  on public.whatsapp_inbound (received_at, client_phone_index) include (client_phone)
  where processed_at is null;

-- ---------------------------------------------------------------------------
-- bot_conversations: keyed by the blind index (the sealed number differs at
-- every write), the state sealed
-- ---------------------------------------------------------------------------
alter table public.bot_conversations drop constraint bot_conversations_pkey;
alter table public.bot_conversations
  add column id uuid not null default gen_random_uuid(),
  add column client_phone_index text,
  alter column client_phone type text,
  alter column data drop default;
alter table public.bot_conversations
  add constraint bot_conversations_pkey primary key (id),
  add constraint bot_conversations_phone_sealed
    check (public.is_ciphertext(client_phone)) not valid,
  add constraint bot_conversations_phone_index_check
    check (coalesce(public.is_blind_index(client_phone_index), false)) not valid,
  add constraint bot_conversations_data_sealed
    check (jsonb_typeof(data) = 'string' and public.is_ciphertext(data #>> '{}')) not valid;
create unique index bot_conversations_phone_index_key
  on public.bot_conversations (client_phone_index);

comment on column public.bot_conversations.client_phone is
  'The client''s number, encrypted (context client.phone); the key is client_phone_index.';
comment on column public.bot_conversations.client_phone_index is
  'Keyed blind index of the client''s number (HMAC-SHA256, context client.phone).';
comment on column public.bot_conversations.data is
  'The conversation''s state, encrypted JSON, as a JSON string (context bot_conversations.data).';

-- ---------------------------------------------------------------------------
-- whatsapp_outbox: the recipient's blind index, for the 24-hour window
-- ---------------------------------------------------------------------------
alter table public.whatsapp_outbox
  add column to_phone_index text
    constraint whatsapp_outbox_to_phone_index_check
      check (to_phone_index is null or public.is_blind_index(to_phone_index));
comment on column public.whatsapp_outbox.to_phone_index is
  'Keyed blind index of to_phone (context client.phone): the client''s 24-hour window.';

-- Is the client's 24-hour window open (free-form messages allowed)?
-- (from 20251121000100_whatsapp_delivery.sql; by blind index)
drop function public.whatsapp_window_open(text, timestamptz);
create function public.whatsapp_window_open(
  p_phone_index text, p_now timestamptz default now()
) returns boolean
language sql stable set search_path = '' as $$
  select exists (
    select 1 from public.whatsapp_inbound i
    where i.client_phone_index = p_phone_index
      and coalesce(i.sent_at, i.received_at) > p_now - interval '24 hours'
  )
$$;
revoke execute on function public.whatsapp_window_open(text, timestamptz)
  from public, anon, authenticated;
grant execute on function public.whatsapp_window_open(text, timestamptz) to service_role;

-- (from 20251201000100_notice_events.sql; the copy keeps the recipient's index)
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
    insert into public.whatsapp_outbox (to_phone, to_phone_index, body, template_body,
                                        sent_as_template, locale, request_id)
    values (o.to_phone, o.to_phone_index, o.body, o.template_body, true, o.locale,
            o.request_id);
  end if;
  return true;
end
$$;

-- (from 20251201000100_notice_events.sql; the window by blind index)
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
     and not public.whatsapp_window_open(o.to_phone_index);
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
           or (o.template_body is not null and not public.whatsapp_window_open(o.to_phone_index))
    from due where o.id = due.id
  returning o.id, o.to_phone::text,
            case when o.sent_as_template then o.template_body else o.body end,
            o.attempts, o.seq;
end
$$;

-- ---------------------------------------------------------------------------
-- The bot's inbox and turn by blind index (from 20251202000100,
-- 20251202000700 and 20251202000720)
-- ---------------------------------------------------------------------------
drop function public.client_rate_window(text);
create function public.client_rate_window(p_phone_index text)
returns timestamptz[]
language sql stable set search_path = '' as $$
  with current as (
    select i.received_at from public.whatsapp_inbound i
     where i.client_phone_index = p_phone_index and i.processed_at is null
     order by coalesce(i.sent_at, i.received_at), i.received_at, i.id limit 1)
  select coalesce(array_agg(w.received_at order by w.received_at), '{}')
    from public.whatsapp_inbound w, current c
   where w.client_phone_index = p_phone_index and w.received_at <= c.received_at
     and w.received_at > c.received_at - interval '60 seconds'
$$;
revoke execute on function public.client_rate_window(text) from public, anon, authenticated;
grant execute on function public.client_rate_window(text) to service_role;

create or replace function public.client_inbox(
  p_phone text, p_limit integer default 2, p_phone_index text default null
)
returns table (source text, item_id text, kind text, at timestamptz, request_id uuid,
               chat_id uuid, message text)
language sql stable set search_path = '' as $$
  -- Meta's timestamps have whole seconds: arrival breaks their ties. Every
  -- source is found by the phone's blind index (p_phone is the lock's key only).
  select inbox.source, inbox.item_id, inbox.kind, inbox.at, inbox.request_id, inbox.chat_id,
         inbox.message
  from (
    select 'message'::text, i.id::text, i.message_type::text, coalesce(i.sent_at, i.received_at),
           i.received_at, null::uuid, null::uuid, null::text
      from public.whatsapp_inbound i
     where i.client_phone_index = p_phone_index and i.processed_at is null
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

-- Phones with something waiting, the longest-waiting first, each named by one
-- sealed copy of the client's number (the worker opens it), grouped by index.
create or replace function public.client_inbox_phones(
  p_retries boolean default null, p_older_than interval default interval '0',
  p_limit integer default 500
) returns setof text
language sql stable set search_path = '' as $$
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

create or replace function public.bot_turn_open(
  p_phone text, p_wait boolean default true, p_phone_index text default null
)
returns table (
  locked boolean, item_source text, item_id text, item_kind text, item_request_id uuid,
  item_chat_id uuid, item_message text, more_waiting boolean,
  msg_type text, msg_payload jsonb, msg_profile_name text,
  conv_found boolean, conv_state text, conv_language text, conv_data jsonb,
  window_times timestamptz[]
)
language plpgsql set search_path = '' as $$
declare
  v_item record;
  v_count integer := 0;
begin
  if not coalesce(public.is_blind_index(p_phone_index), false) then
    raise exception 'invalid_phone' using errcode = 'KH422';
  end if;
  -- 7311: the advisory-lock key space of "a client phone's conversation".
  if p_wait then
    perform pg_advisory_xact_lock(7311, hashtext(p_phone));
  elsif not pg_try_advisory_xact_lock(7311, hashtext(p_phone)) then
    locked := false;
    return next;
    return;
  end if;
  locked := true;
  for v_item in select * from public.client_inbox(p_phone, 2, p_phone_index) loop
    v_count := v_count + 1;
    if v_count = 1 then
      item_source := v_item.source;
      item_id := v_item.item_id;
      item_kind := v_item.kind;
      item_request_id := v_item.request_id;
      item_chat_id := v_item.chat_id;
      item_message := v_item.message;
    end if;
  end loop;
  more_waiting := v_count > 1;
  if v_count = 0 then
    return next;
    return;
  end if;
  if item_source = 'message' then
    -- sealed: the worker opens them
    select i.message_type, i.payload, i.profile_name
      into msg_type, msg_payload, msg_profile_name
      from public.whatsapp_inbound i where i.id = item_id::uuid;
    window_times := public.client_rate_window(p_phone_index);
  end if;
  select c.state, c.language, c.data into conv_state, conv_language, conv_data
    from public.bot_conversations c where c.client_phone_index = p_phone_index
     for update;
  conv_found := found;
  return next;
end
$$;

-- ---------------------------------------------------------------------------
-- The operators' views (SQL only; the console is unchanged)
-- ---------------------------------------------------------------------------
-- Dead letters name the sender by the display form (from
-- 20251201000120_dead_letters_shared_limit.sql).
create or replace function public.staff_dead_letters(p_limit integer default 50, p_offset integer default 0)
returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  select jsonb_build_object(
    'total', (select count(*) from public.whatsapp_inbound i
               where i.processed_at is null and i.attempts >= public.retry_attempt_limit()),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', d.id, 'wamid', d.wamid, 'client_phone', d.client_phone_display,
               'message_type', d.message_type, 'attempts', d.attempts,
               'last_error', d.last_error, 'received_at', d.received_at)
             order by d.received_at desc)
        from (select * from public.whatsapp_inbound i
               where i.processed_at is null and i.attempts >= public.retry_attempt_limit()
               order by i.received_at desc limit p_limit offset p_offset) d), '[]'::jsonb))
  into result;
  return result;
end
$$;

-- Conversations counted by blind index (from 20251130000100_operator_kpis.sql).
create or replace function public.kpi_funnel(p_from date, p_to date) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  lo timestamptz := p_from::timestamp at time zone 'Asia/Riyadh';
  hi timestamptz := (p_to + 1)::timestamp at time zone 'Asia/Riyadh';
  out jsonb;
begin
  perform public.require_staff();
  select jsonb_build_object(
    'conversations', (select count(distinct i.client_phone_index) from public.whatsapp_inbound i
                       where i.received_at >= lo and i.received_at < hi),
    'listed', (select count(distinct o.to_phone) from public.whatsapp_outbox o
                where o.created_at >= lo and o.created_at < hi
                  and o.body -> 'interactive' ->> 'type' = 'list'),
    'requests', count(*),
    'accepted', count(*) filter (where f.status = 'accepted'),
    'completed', count(*) filter (where f.chat_status = 'completed'))
  into out
  from public.kpi_request_facts(p_from, p_to) f;
  return out;
end
$$;
