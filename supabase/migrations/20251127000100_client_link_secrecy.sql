-- =============================================================================
-- The client's chat link is the client's alone (issue 15, H1).
--
-- * `private_chats.chat_url_token` (the spec's column, type unchanged) stores
--   only the sha256 (hex) of the link's token: every write is hashed by a
--   trigger, so no writer can store a token in plain text. The token itself is
--   derived by the functions from a server secret and the chat id (HMAC), so it
--   is rebuilt at send time for the WhatsApp and email messages and never kept.
-- * The client session's subject moves to a service-only table.
-- * The freelancer's reads of private_chats leave the hash out (column grants).
-- * accept_request() no longer queues the link itself: the WhatsApp notice
--   carries the chat id and the sender renders the link.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- The one hash, used by the trigger and the link lookup
-- ---------------------------------------------------------------------------
create or replace function public.chat_token_hash(p_token text) returns text
language sql immutable strict set search_path = '' as $$
  select encode(pg_catalog.sha256(pg_catalog.convert_to(p_token, 'UTF8')), 'hex')
$$;
revoke execute on function public.chat_token_hash(text) from public, anon, authenticated;
grant execute on function public.chat_token_hash(text) to service_role;

-- Links issued before this migration keep working: their tokens are hashed now.
update public.private_chats set chat_url_token = public.chat_token_hash(chat_url_token);

create or replace function public.private_chats_hash_token() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' or new.chat_url_token is distinct from old.chat_url_token then
    new.chat_url_token := public.chat_token_hash(new.chat_url_token);
  end if;
  return new;
end
$$;
revoke execute on function public.private_chats_hash_token() from public, anon, authenticated;

drop trigger if exists private_chats_hash_token on public.private_chats;
create trigger private_chats_hash_token
  before insert or update of chat_url_token on public.private_chats
  for each row execute function public.private_chats_hash_token();

-- ---------------------------------------------------------------------------
-- The client session's subject: service-only
-- ---------------------------------------------------------------------------
create table if not exists public.private_chat_secrets (
  chat_id uuid primary key references public.private_chats (id) on delete cascade,
  client_session_sub uuid not null unique default gen_random_uuid()
);
alter table public.private_chat_secrets enable row level security;
revoke all on public.private_chat_secrets from anon, authenticated, service_role;
grant select, insert, update, delete on public.private_chat_secrets to service_role;

insert into public.private_chat_secrets (chat_id, client_session_sub)
select c.id, c.client_session_sub from public.private_chats c
on conflict (chat_id) do nothing;

alter table public.private_chats drop column client_session_sub;

create or replace function public.private_chats_create_secrets() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.private_chat_secrets (chat_id) values (new.id) on conflict do nothing;
  return new;
end
$$;
revoke execute on function public.private_chats_create_secrets() from public, anon, authenticated;

drop trigger if exists private_chats_create_secrets on public.private_chats;
create trigger private_chats_create_secrets
  after insert on public.private_chats
  for each row execute function public.private_chats_create_secrets();

-- Opening a chat from its link (the chat function, with server rights): the
-- presented token is hashed and compared, never stored.
drop function if exists public.chat_by_token(text);
create function public.chat_by_token(p_token text)
returns table (chat_id uuid, client_session_sub uuid, status text)
language sql stable security definer set search_path = '' as $$
  select c.id, s.client_session_sub, c.status::text
  from public.private_chats c
  join public.private_chat_secrets s on s.chat_id = c.id
  where c.chat_url_token = public.chat_token_hash(p_token)
$$;
revoke execute on function public.chat_by_token(text) from public, anon, authenticated;
grant execute on function public.chat_by_token(text) to service_role;

-- ---------------------------------------------------------------------------
-- Freelancers and client sessions read every column of their chats but the hash
-- ---------------------------------------------------------------------------
do $$
declare
  cols text;
begin
  select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into cols
  from pg_attribute a
  where a.attrelid = 'public.private_chats'::regclass and a.attnum > 0 and not a.attisdropped
    and a.attname <> 'chat_url_token';
  revoke all on public.private_chats from anon, authenticated;
  execute format('grant select (%s) on public.private_chats to authenticated', cols);
end
$$;

-- ---------------------------------------------------------------------------
-- Accept: the token arrives only to be hashed; the WhatsApp notice carries the
-- chat id (the sender renders the link from it at send time).
-- ---------------------------------------------------------------------------
drop function if exists public.accept_request(uuid, uuid, uuid, text, text, jsonb);

create or replace function public.accept_request(
  p_request_id uuid, p_user_id uuid, p_chat_id uuid, p_chat_token text, p_emails jsonb
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  f public.freelancers;
begin
  if p_chat_id is null then
    raise exception 'chat_id_required' using errcode = 'KH422';
  end if;
  if p_chat_token is null or length(p_chat_token) < 22 or p_chat_token !~ '^[A-Za-z0-9_-]+$' then
    raise exception 'chat_token_invalid' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  select * into f from public.freelancers where id = r.freelancer_id;

  update public.client_requests
     set status = 'accepted', responded_at = now()
   where id = r.id
  returning * into r;

  insert into public.private_chats (id, request_id, client_whatsapp_phone, freelancer_id,
                                    chat_url_token)
  values (p_chat_id, r.id, r.client_whatsapp_phone, r.freelancer_id, p_chat_token);

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'accepted', 'freelancer', null);

  insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
  values (r.client_whatsapp_phone, 'request_accepted',
          jsonb_build_object('request_id', r.id, 'freelancer_id', r.freelancer_id,
                             'freelancer_name', f.display_name, 'chat_id', p_chat_id),
          r.client_language, r.id);

  perform public.queue_rendered_emails(r.id, p_emails);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.accepted',
    'client_request', r.id::text, jsonb_build_object('chat_id', p_chat_id));

  return to_jsonb(r);
end
$$;
revoke execute on function public.accept_request(uuid, uuid, uuid, text, jsonb)
  from public, anon, authenticated;
grant execute on function public.accept_request(uuid, uuid, uuid, text, jsonb) to service_role;

-- ---------------------------------------------------------------------------
-- Housekeeping nudges carry the chat id; the sender renders the link.
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
    select c.id, c.client_whatsapp_phone, c.request_id
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
         jsonb_build_object('chat_id', m.id, 'request_id', m.request_id,
                            'freelancer_name', f.display_name),
         m.request_id, coalesce(r.client_language, 'ar')
  from marked m
  left join public.client_requests r on r.id = m.request_id
  left join public.freelancers f on f.id = r.freelancer_id;
  get diagnostics n = row_count;
  queued := queued + n;

  with due as (
    select c.id, c.client_whatsapp_phone, c.request_id
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
         jsonb_build_object('chat_id', m.id, 'request_id', m.request_id,
                            'freelancer_name', f.display_name),
         m.request_id, coalesce(r.client_language, 'ar')
  from marked m
  left join public.client_requests r on r.id = m.request_id
  left join public.freelancers f on f.id = r.freelancer_id;
  get diagnostics n = row_count;
  return queued + n;
end
$$;
