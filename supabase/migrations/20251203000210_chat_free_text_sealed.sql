-- =============================================================================
-- Issue 16: what a party types about a chat, sealed like its messages. The chat
-- function seals the cancel reason and the rating comment (khadum/chat/freetext.py)
-- and opens them for the parties; SQL keeps its rules on the plain text (required,
-- length: checked, never stored) and stores only the sealed value:
--   private_chats.cancel_reason  ciphertext (context private_chats.cancel_reason)
--   chat_ratings.comment         ciphertext (context chat_ratings.comment)
-- The system note written on cancel no longer quotes the reason (the chat page
-- shows the reason from the chat's state, opened for the parties), and the
-- activity log records that a reason was given, not the reason.
-- Checks are NOT VALID (older plain rows: `khadum keys rotate` seals them).
-- =============================================================================

alter table public.private_chats drop constraint if exists private_chats_cancel_reason_length;
alter table public.private_chats
  add constraint private_chats_cancel_reason_sealed
    check (cancel_reason is null or public.is_ciphertext(cancel_reason)) not valid;
alter table public.chat_ratings drop constraint if exists chat_ratings_comment_check;
alter table public.chat_ratings
  add constraint chat_ratings_comment_sealed
    check (comment is null or public.is_ciphertext(comment)) not valid;

update public.message_catalogue set body = '❌ تم إلغاء المحادثة.'
 where key = 'chat.cancelled' and locale = 'ar';
update public.message_catalogue set body = '❌ The chat was cancelled.'
 where key = 'chat.cancelled' and locale = 'en';

-- From 20251201000240_limits.sql: the plain reason is checked (required, length)
-- and the sealed one stored.
drop function public.chat_cancel(uuid, text);
create or replace function public.chat_cancel(p_chat_id uuid, p_reason text, p_reason_sealed text)
returns public.private_chats
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
  if p_reason_sealed is null or not public.is_ciphertext(p_reason_sealed) then
    raise exception 'reason_not_sealed' using errcode = 'KH422';
  end if;
  if chat.status <> 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  perform public.chat_system_note(chat.id, 'chat.cancelled', '{}'::jsonb);
  update public.private_chats
     set status = 'cancelled', cancelled_at = now(), cancelled_by = side,
         cancel_reason = p_reason_sealed
   where id = chat.id returning * into chat;
  perform public.log_activity(side, case side when 'client' then chat.client_whatsapp_phone
                                    else chat.freelancer_id::text end,
    'chat.cancelled', 'private_chat', chat.id::text, jsonb_build_object('has_reason', true));
  return chat;
end
$$;

-- From 20251201000240_limits.sql: the same, with the comment sealed.
drop function public.chat_rate(uuid, integer, text);
create or replace function public.chat_rate(
  p_chat_id uuid, p_rating integer, p_comment text, p_comment_sealed text
) returns public.chat_ratings
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
  if nullif(btrim(coalesce(p_comment, '')), '') is not null
     and (p_comment_sealed is null or not public.is_ciphertext(p_comment_sealed)) then
    raise exception 'comment_not_sealed' using errcode = 'KH422';
  end if;
  if chat.status <> 'completed' then
    raise exception 'chat_not_completed' using errcode = 'KH409';
  end if;
  insert into public.chat_ratings (chat_id, freelancer_id, rating, comment)
  values (chat.id, chat.freelancer_id, p_rating,
          case when nullif(btrim(coalesce(p_comment, '')), '') is not null
               then p_comment_sealed end)
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
  public.chat_cancel(uuid, text, text),
  public.chat_rate(uuid, integer, text, text)
from public, anon, authenticated;
grant execute on function
  public.chat_cancel(uuid, text, text),
  public.chat_rate(uuid, integer, text, text)
to authenticated, service_role;
comment on function public.chat_rate(uuid, integer, text, text) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';
comment on function public.chat_cancel(uuid, text, text) is
  'callable by authenticated: a chat party''s own action; the function checks the caller is a party';

-- Rows written before this migration: the cancel notes quoted the reason, and
-- the log kept it; both lose it (the sealed column, once rotate has sealed it,
-- is where the parties read it).
update public.chat_messages
   set message_content = case when message_content like '❌ The chat%'
                              then '❌ The chat was cancelled.' else '❌ تم إلغاء المحادثة.' end
 where message_type = 'system'
   and (message_content like '❌ تم إلغاء المحادثة. السبب:%'
        or message_content like '❌ The chat was cancelled. Reason:%');
update public.activity_log
   set details = (details - 'reason') || jsonb_build_object('has_reason', true)
 where action = 'chat.cancelled' and details ? 'reason';
