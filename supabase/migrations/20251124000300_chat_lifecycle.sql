-- =============================================================================
-- Chat lifecycle: one SQL function per state change, guard clauses first.
-- Each is called as the user (their JWT claims set), so the caller is decided
-- here, from auth, not by the client. Stable errcodes: KH403 not a party
-- (403), KH409 wrong state (409), KH422 invalid input (422), KH404 unknown (404).
-- =============================================================================

-- The caller's side of a chat: 'client', 'freelancer', or null.
create or replace function public.chat_side(p_chat_id uuid) returns text
language sql stable security definer set search_path = '' as $$
  select case
    when p_chat_id = public.current_chat_session_id() then 'client'
    when exists (select 1 from public.private_chats c where c.id = p_chat_id
                 and c.freelancer_id = public.current_freelancer_id()) then 'freelancer'
  end
$$;

create or replace function public.chat_guard(p_chat_id uuid, p_side text default null)
returns public.private_chats
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats;
  side text := public.chat_side(p_chat_id);
begin
  select * into chat from public.private_chats where id = p_chat_id for update;
  if not found then
    raise exception 'chat_not_found' using errcode = 'KH404';
  end if;
  if side is null or (p_side is not null and side <> p_side) then
    raise exception 'not_a_party' using errcode = 'KH403';
  end if;
  return chat;
end
$$;

create or replace function public.chat_system_note(p_chat_id uuid, p_key text, p_params jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  note record;
begin
  select * into note from public.render_message(p_key, 'ar', p_params);
  insert into public.chat_messages (chat_id, sender_type, sender_id, message_content, message_type)
  values (p_chat_id, null, 'system', note.body, 'system');
end
$$;

-- ---------------------------------------------------------------------------
-- Read receipts
-- ---------------------------------------------------------------------------
create or replace function public.chat_mark_read(p_chat_id uuid) returns timestamptz
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id);
  side text := public.chat_side(p_chat_id);
  stamp timestamptz := clock_timestamp();
begin
  if side = 'client' then
    update public.private_chats set client_last_read_at = stamp, client_nudged_at = null
     where id = chat.id;
  else
    update public.private_chats set freelancer_last_read_at = stamp where id = chat.id;
    update public.notifications set is_read = true, read_at = stamp
     where request_id = chat.request_id and type = 'chat_message' and is_read = false;
  end if;
  return stamp;
end
$$;

create or replace function public.chat_unread_count(p_chat_id uuid) returns integer
language sql stable security definer set search_path = '' as $$
  select count(*)::integer from public.chat_messages m
  join public.private_chats c on c.id = m.chat_id
  where m.chat_id = p_chat_id and m.message_type <> 'system'
    and m.sender_type is distinct from public.chat_side(p_chat_id)
    and public.chat_side(p_chat_id) is not null
    and m.created_at > coalesce(
      case public.chat_side(p_chat_id)
        when 'client' then c.client_last_read_at else c.freelancer_last_read_at end,
      '-infinity'::timestamptz)
$$;

-- ---------------------------------------------------------------------------
-- Delivery, completion, rating, cancellation
-- ---------------------------------------------------------------------------
create or replace function public.chat_mark_delivered(p_chat_id uuid) returns public.private_chats
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id, 'freelancer');
begin
  if chat.status <> 'active' or chat.delivered_at is not null then
    raise exception 'chat_not_deliverable' using errcode = 'KH409';
  end if;
  update public.private_chats set delivered_at = now() where id = chat.id returning * into chat;
  perform public.chat_system_note(chat.id, 'chat.delivered', '{}'::jsonb);
  perform public.log_activity('freelancer', chat.freelancer_id::text, 'chat.delivered',
    'private_chat', chat.id::text, '{}'::jsonb);
  return chat;
end
$$;

create or replace function public.chat_confirm_completion(p_chat_id uuid) returns public.private_chats
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id, 'client');
begin
  if chat.status <> 'active' or chat.delivered_at is null then
    raise exception 'chat_not_completable' using errcode = 'KH409';
  end if;
  perform public.chat_system_note(chat.id, 'chat.completed', '{}'::jsonb);
  update public.private_chats set status = 'completed', completed_at = now()
   where id = chat.id returning * into chat;
  update public.freelancers set completed_projects = completed_projects + 1
   where id = chat.freelancer_id;
  perform public.log_activity('client', chat.client_whatsapp_phone, 'chat.completed',
    'private_chat', chat.id::text, '{}'::jsonb);
  return chat;
end
$$;

create or replace function public.chat_rate(p_chat_id uuid, p_rating integer, p_comment text)
returns public.chat_ratings
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id, 'client');
  saved public.chat_ratings;
begin
  if p_rating is null or p_rating not between 1 and 5 then
    raise exception 'rating_out_of_range' using errcode = 'KH422';
  end if;
  if chat.status <> 'completed' then
    raise exception 'chat_not_completed' using errcode = 'KH409';
  end if;
  insert into public.chat_ratings (chat_id, freelancer_id, rating, comment)
  values (chat.id, chat.freelancer_id, p_rating, nullif(btrim(p_comment), ''))
  on conflict (chat_id) do nothing
  returning * into saved;
  if saved is null then
    raise exception 'already_rated' using errcode = 'KH409';
  end if;
  update public.freelancers f
     set rating = round(((f.rating * f.rating_count) + p_rating) / (f.rating_count + 1), 1),
         rating_count = f.rating_count + 1
   where f.id = chat.freelancer_id;
  perform public.log_activity('client', chat.client_whatsapp_phone, 'chat.rated',
    'private_chat', chat.id::text, jsonb_build_object('rating', p_rating));
  return saved;
end
$$;

create or replace function public.chat_cancel(p_chat_id uuid, p_reason text) returns public.private_chats
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id);
  side text := public.chat_side(p_chat_id);
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    raise exception 'reason_required' using errcode = 'KH422';
  end if;
  if chat.status <> 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  perform public.chat_system_note(chat.id, 'chat.cancelled', jsonb_build_object('reason', btrim(p_reason)));
  update public.private_chats
     set status = 'cancelled', cancelled_at = now(), cancelled_by = side,
         cancel_reason = btrim(p_reason)
   where id = chat.id returning * into chat;
  perform public.log_activity(side, case side when 'client' then chat.client_whatsapp_phone
                                    else chat.freelancer_id::text end,
    'chat.cancelled', 'private_chat', chat.id::text, jsonb_build_object('reason', btrim(p_reason)));
  return chat;
end
$$;

-- ---------------------------------------------------------------------------
-- Housekeeping (pg_cron every minute; `khadum dev` where pg_cron is absent):
-- a WhatsApp nudge when the client leaves a message unread for a while (one
-- per unread batch, not one per message), and a rating request a day after
-- completion when the client has not rated.
-- ---------------------------------------------------------------------------
create or replace function public.chat_housekeeping(
  p_unread_after interval default interval '10 minutes',
  p_rating_after interval default interval '1 day',
  p_public_base_url text default null
) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  queued integer := 0;
  n integer;
begin
  with due as (
    select c.id, c.client_whatsapp_phone, c.chat_url_token, c.request_id
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
    returning due.*
  )
  insert into public.whatsapp_outbox (to_phone, message_key, params, request_id, locale)
  select m.client_whatsapp_phone, 'chat_unread',
         jsonb_build_object('chat_id', m.id, 'chat_token', m.chat_url_token,
                            'request_id', m.request_id, 'freelancer_name', f.display_name),
         m.request_id, coalesce(r.client_language, 'ar')
  from marked m
  left join public.client_requests r on r.id = m.request_id
  left join public.freelancers f on f.id = r.freelancer_id;
  get diagnostics n = row_count;
  queued := queued + n;

  with due as (
    select c.id, c.client_whatsapp_phone, c.chat_url_token, c.request_id
    from public.private_chats c
    where c.status = 'completed' and c.rating_requested_at is null
      and c.completed_at <= now() - p_rating_after
      and not exists (select 1 from public.chat_ratings r where r.chat_id = c.id)
    for update of c skip locked
  ), marked as (
    update public.private_chats c set rating_requested_at = now() from due where c.id = due.id
    returning due.*
  )
  insert into public.whatsapp_outbox (to_phone, message_key, params, request_id, locale)
  select m.client_whatsapp_phone, 'rating_request',
         jsonb_build_object('chat_id', m.id, 'chat_token', m.chat_url_token,
                            'request_id', m.request_id, 'freelancer_name', f.display_name),
         m.request_id, coalesce(r.client_language, 'ar')
  from marked m
  left join public.client_requests r on r.id = m.request_id
  left join public.freelancers f on f.id = r.freelancer_id;
  get diagnostics n = row_count;
  return queued + n;
end
$$;

-- Scheduled beside the expiry job where pg_cron is installed (see
-- 20251120000800_request_expiry.sql for when it is); idempotent by job name.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('khadum-chat-housekeeping', '* * * * *',
                          'select public.chat_housekeeping()');
  else
    raise notice 'pg_cron is not installed: chat housekeeping is not scheduled; '
      'run `khadum dev` or call public.chat_housekeeping() every minute';
  end if;
end
$$;

-- ---------------------------------------------------------------------------
-- Opening a chat from its link (called by the chat function with server rights)
-- ---------------------------------------------------------------------------
create or replace function public.chat_by_token(p_token text)
returns table (chat_id uuid, client_session_sub uuid, status text)
language sql stable security definer set search_path = '' as $$
  select c.id, c.client_session_sub, c.status::text
  from public.private_chats c where c.chat_url_token = p_token
$$;

create table public.chat_token_failures (
  id bigint generated always as identity primary key,
  source varchar(120) not null,
  attempted_at timestamptz not null default now()
);
create index chat_token_failures_source_idx on public.chat_token_failures (source, attempted_at desc);

-- Security: server-side only (service role).
alter table public.chat_token_failures enable row level security;
revoke all on table public.chat_token_failures from anon, authenticated, service_role;
grant select, insert, update, delete on table public.chat_token_failures to service_role;

-- Records a failed token lookup and returns the source's failures in the window.
create or replace function public.record_chat_token_failure(p_source text, p_window interval default interval '10 minutes')
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  recent integer;
begin
  insert into public.chat_token_failures (source) values (left(p_source, 120));
  delete from public.chat_token_failures where attempted_at < now() - interval '1 day';
  select count(*) into recent from public.chat_token_failures
   where source = left(p_source, 120) and attempted_at > now() - p_window;
  return recent;
end
$$;

-- Server-side functions: the service role (and the owner) only.
revoke execute on function
  public.chat_guard(uuid, text),
  public.chat_system_note(uuid, text, jsonb),
  public.chat_housekeeping(interval, interval, text),
  public.chat_by_token(text),
  public.record_chat_token_failure(text, interval)
from public, anon, authenticated;
grant execute on function
  public.chat_guard(uuid, text),
  public.chat_system_note(uuid, text, jsonb),
  public.chat_housekeeping(interval, interval, text),
  public.chat_by_token(text),
  public.record_chat_token_failure(text, interval)
to service_role;

-- Chat state changes the parties may call: each decides the caller's side
-- itself (chat_side/chat_guard) from the caller's own claims.
revoke execute on function
  public.chat_side(uuid),
  public.chat_mark_read(uuid),
  public.chat_unread_count(uuid),
  public.chat_mark_delivered(uuid),
  public.chat_confirm_completion(uuid),
  public.chat_rate(uuid, integer, text),
  public.chat_cancel(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.chat_side(uuid),
  public.chat_mark_read(uuid),
  public.chat_unread_count(uuid),
  public.chat_mark_delivered(uuid),
  public.chat_confirm_completion(uuid),
  public.chat_rate(uuid, integer, text),
  public.chat_cancel(uuid, text)
to authenticated, service_role;
comment on function public.chat_side(uuid) is
  'callable by authenticated: the caller''s own side of a chat (client, freelancer or null)';
comment on function public.chat_mark_read(uuid) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
comment on function public.chat_unread_count(uuid) is
  'callable by authenticated: the caller''s own unread count; 0 for anyone not a party';
comment on function public.chat_mark_delivered(uuid) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
comment on function public.chat_confirm_completion(uuid) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
comment on function public.chat_rate(uuid, integer, text) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
comment on function public.chat_cancel(uuid, text) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
