-- =============================================================================
-- Chat writes go through one SQL function (issue 15, M6), and each side's rate
-- limit holds under concurrency (L5).
--
-- * public.chat_send_message(): the caller's side from their claims, the type,
--   length and file path checked; the moderation trigger then rate limits,
--   masks and stars. Direct inserts into chat_messages through the Data API
--   are refused by a restrictive policy (it narrows any permissive one).
-- * Length caps as CHECK constraints, for every writer.
-- * The rate limit counts under a per-chat, per-side transaction lock, so 40
--   concurrent sends store at most the limit.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Caps every writer meets
-- ---------------------------------------------------------------------------
alter table public.chat_messages
  add constraint chat_messages_content_length check (char_length(message_content) <= 8000),
  add constraint chat_messages_file_url_length check (file_url is null or char_length(file_url) <= 400);
alter table public.private_chats
  add constraint private_chats_cancel_reason_length
    check (cancel_reason is null or char_length(cancel_reason) <= 1000);

-- ---------------------------------------------------------------------------
-- The Data API may not insert messages directly
-- ---------------------------------------------------------------------------
revoke insert on public.chat_messages from anon, authenticated;
drop policy if exists "freelancers write in their active chats" on public.chat_messages;
drop policy if exists "chat clients write in their active chat" on public.chat_messages;
drop policy if exists "messages are written by chat_send_message only" on public.chat_messages;
create policy "messages are written by chat_send_message only" on public.chat_messages
  as restrictive
  for insert to anon, authenticated
  with check (false);

-- ---------------------------------------------------------------------------
-- Sending: one function; the caller's claims (request.jwt.claims) decide the side
-- ---------------------------------------------------------------------------
create or replace function public.chat_send_message(
  p_chat_id uuid,
  p_content text,
  p_type text default 'text',
  p_file_url text default null,
  p_file_name text default null,
  p_file_size bigint default null,
  p_file_mime text default null
) returns public.chat_messages
language plpgsql security definer set search_path = '' as $$
declare
  side text := public.chat_side(p_chat_id);
  saved public.chat_messages;
begin
  if side is null then
    raise exception 'not_a_party' using errcode = 'KH403';
  end if;
  if p_type is null or p_type not in ('text', 'image', 'file') then
    raise exception 'message_type_invalid' using errcode = 'KH422';
  end if;
  if p_content is null or char_length(p_content) > 4000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  if p_type = 'text' then
    if p_file_url is not null or p_file_name is not null or p_file_size is not null
       or p_file_mime is not null then
      raise exception 'file_not_expected' using errcode = 'KH422';
    end if;
  else
    -- Only a path the chat function wrote: {chat id}/{32 hex}/{name}, no traversal.
    if p_file_url is null
       or p_file_url !~ ('^' || p_chat_id::text || '/[0-9a-f]{32}/[^/\\]{1,200}$')
       or split_part(p_file_url, '/', 3) in ('.', '..') then
      raise exception 'file_url_invalid' using errcode = 'KH422';
    end if;
    if p_file_size is null or p_file_size <= 0 or p_file_size > 20 * 1024 * 1024
       or char_length(coalesce(p_file_name, '')) not between 1 and 255
       or char_length(coalesce(p_file_mime, '')) not between 1 and 120 then
      raise exception 'file_invalid' using errcode = 'KH422';
    end if;
  end if;
  insert into public.chat_messages (chat_id, sender_type, sender_id, message_content,
                                    message_type, file_url, file_name, file_size, file_mime)
  values (p_chat_id, side, '', p_content, p_type, p_file_url, p_file_name, p_file_size,
          p_file_mime)
  returning * into saved;
  return saved;
end
$$;
-- Called by the chat function with the caller's verified claims set (as the
-- respond functions are called with the verified user id); not on the Data API.
revoke execute on function public.chat_send_message(uuid, text, text, text, text, bigint, text)
  from public, anon, authenticated;
grant execute on function public.chat_send_message(uuid, text, text, text, text, bigint, text)
  to service_role;

-- ---------------------------------------------------------------------------
-- Before a message is stored: rate limit (serialised per side), mask, star,
-- fix the sender id and the masked flag.
-- ---------------------------------------------------------------------------
create or replace function public.chat_messages_moderate() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  chat record;
  lim record;
  recent integer;
  m record;
  s record;
begin
  if new.message_type = 'system' then
    new.created_at := clock_timestamp();
    new.was_masked := false;
    return new;
  end if;
  select * into chat from public.private_chats where id = new.chat_id;
  if chat.status is distinct from 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  -- One sender of this side at a time from here to commit: the count below (a
  -- fresh snapshot) then sees every message committed before this one.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.chat_send:' || new.chat_id::text),
    case new.sender_type when 'client' then 1 else 2 end);
  -- Wall-clock time, so that messages of one transaction keep their order.
  new.created_at := clock_timestamp();
  for lim in select * from public.chat_rate_limits loop
    select count(*) into recent from public.chat_messages c
     where c.chat_id = new.chat_id and c.sender_type = new.sender_type
       and c.created_at > clock_timestamp() - make_interval(secs => lim.window_seconds);
    if recent >= lim.max_messages then
      raise exception 'rate_limited' using errcode = 'KH429',
        detail = format('%s messages per %s seconds', lim.max_messages, lim.window_seconds);
    end if;
  end loop;
  -- The sender is who the chat says, whatever the client sent.
  new.sender_id := case new.sender_type
    when 'client' then chat.client_whatsapp_phone else chat.freelancer_id::text end;
  select * into m from public.mask_contact_details(new.message_content);
  select * into s from public.star_banned_words(m.masked);
  new.was_masked := cardinality(m.hits) > 0;
  if cardinality(m.hits) > 0 or cardinality(s.hits) > 0 then
    new.message_content := s.starred;
    perform public.log_activity(new.sender_type, new.sender_id, 'chat.message_moderated',
      'private_chat', new.chat_id::text,
      jsonb_build_object('contact_details', to_jsonb(m.hits), 'banned_words', cardinality(s.hits)));
  end if;
  if length(btrim(new.message_content)) = 0 and new.file_url is null then
    raise exception 'empty_message' using errcode = 'KH422';
  end if;
  return new;
end
$$;

-- ---------------------------------------------------------------------------
-- Cancelling: the reason is capped like every stored text
-- ---------------------------------------------------------------------------
create or replace function public.chat_cancel(p_chat_id uuid, p_reason text) returns public.private_chats
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id);
  side text := public.chat_side(p_chat_id);
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    raise exception 'reason_required' using errcode = 'KH422';
  end if;
  if char_length(btrim(p_reason)) > 1000 then
    raise exception 'reason_too_long' using errcode = 'KH422';
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
-- What else the Data API may do: read; mark notifications read (two columns).
-- Profiles change through the platform, not the Data API (and a restrictive
-- policy refuses it even if a grant comes back).
-- ---------------------------------------------------------------------------
revoke insert, update, delete, truncate, references, trigger
  on public.client_requests, public.private_chats, public.chat_messages, public.notifications,
     public.freelancers, public.request_events, public.chat_ratings, public.service_categories
  from anon, authenticated;
drop policy if exists "freelancers update their own profile" on public.freelancers;
grant update (is_read, read_at) on public.notifications to authenticated;

drop policy if exists "profiles are not edited through the Data API" on public.freelancers;
create policy "profiles are not edited through the Data API" on public.freelancers
  as restrictive
  for update to anon, authenticated
  using (false);
