-- =============================================================================
-- Text limits and the wrong-link cap, decided once.
--
-- public.text_limit(name) is the one table of how long a typed text may be.
-- The functions that take those texts and the constraints on the columns that
-- keep them read it; Python mirrors it once (khadum/rules.py TEXT_LIMITS, read
-- by the request bodies' pydantic models so an over-long body is refused before
-- any work) and tests/db/test_one_rule.py holds the two equal.
--   request_message      a freelancer's rejection reason or question
--   chat_message         a chat message as typed (stored masked, up to 8000)
--   chat_cancel_reason   why a chat was cancelled
--   chat_rating_comment  the client's comment with a rating
-- The respond functions (reject_request, request_details) are redefined by the
-- notice pipeline; they hold the same 1000 (a test checks it at the boundary).
-- =============================================================================

create or replace function public.text_limit(p_name text) returns integer
language plpgsql immutable parallel safe set search_path = '' as $$
begin
  case p_name
    when 'request_message' then return 1000;
    when 'chat_message' then return 4000;
    when 'chat_cancel_reason' then return 1000;
    when 'chat_rating_comment' then return 2000;
    else raise exception 'unknown text limit: %', p_name;
  end case;
end
$$;
revoke execute on function public.text_limit(text) from public, anon, authenticated;
grant execute on function public.text_limit(text) to service_role;

alter table public.private_chats drop constraint if exists private_chats_cancel_reason_length;
alter table public.private_chats
  add constraint private_chats_cancel_reason_length
    check (cancel_reason is null
           or char_length(cancel_reason) <= public.text_limit('chat_cancel_reason'));
alter table public.chat_ratings drop constraint if exists chat_ratings_comment_check;
alter table public.chat_ratings
  add constraint chat_ratings_comment_check
    check (comment is null or char_length(comment) <= public.text_limit('chat_rating_comment'));

-- From 20251127000300_chat_writes_through_functions.sql: the cap from text_limit.
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
  if p_content is null or char_length(p_content) > public.text_limit('chat_message') then
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

-- From 20251127000300_chat_writes_through_functions.sql: the cap from text_limit.
create or replace function public.chat_cancel(p_chat_id uuid, p_reason text) returns public.private_chats
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id);
  side text := public.chat_side(p_chat_id);
begin
  if p_reason is null or length(btrim(p_reason)) < 3 then
    raise exception 'reason_required' using errcode = 'KH422';
  end if;
  if char_length(btrim(p_reason)) > public.text_limit('chat_cancel_reason') then
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

-- From 20251124000300_chat_lifecycle.sql: an over-long comment is a KH422
-- refusal (it used to reach the column's check and fail as a fault).
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
  if char_length(btrim(coalesce(p_comment, ''))) > public.text_limit('chat_rating_comment') then
    raise exception 'comment_too_long' using errcode = 'KH422';
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

revoke execute on function
  public.chat_cancel(uuid, text),
  public.chat_rate(uuid, integer, text)
from public, anon, authenticated;
grant execute on function
  public.chat_cancel(uuid, text),
  public.chat_rate(uuid, integer, text)
to authenticated, service_role;
comment on function public.chat_rate(uuid, integer, text) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
comment on function public.chat_cancel(uuid, text) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';

-- ---------------------------------------------------------------------------
-- Wrong chat links: the window (chat_link_window) and the cap in one place.
-- The chat function asks before it looks a token up; KH429 too_many_attempts.
-- ---------------------------------------------------------------------------
create or replace function public.chat_link_guard(p_source text) returns void
language plpgsql stable security definer set search_path = '' as $$
begin
  -- 20 malformed or unknown links per client address and ten-minute window.
  if public.chat_link_failures(p_source) >= 20 then
    raise exception 'too_many_attempts' using errcode = 'KH429';
  end if;
end
$$;
revoke execute on function public.chat_link_guard(text) from public, anon, authenticated;
grant execute on function public.chat_link_guard(text) to service_role;
