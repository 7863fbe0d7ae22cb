-- =============================================================================
-- The freelancer's chat alert, as both changes of 2 December meant it: no alert
-- while the freelancer has the chat open (20251202000410, issue 13) and no quote
-- of the (now encrypted) message text (20251202000600, issue 16). Both migrations
-- redefined chat_messages_after_send; this one is their union.
-- =============================================================================

create or replace function public.chat_messages_after_send() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  note record;
  chat record;
begin
  if new.message_type = 'system' then
    return new;
  end if;
  perform public.log_activity(new.sender_type, new.sender_id, 'chat.message_sent',
    'private_chat', new.chat_id::text,
    jsonb_build_object('message_id', new.id, 'type', new.message_type, 'masked', new.was_masked));
  if new.was_masked then
    select * into note from public.render_message('chat.masked', 'ar', '{}'::jsonb);
    if not exists (select 1 from public.chat_messages m
                    where m.chat_id = new.chat_id and m.message_type = 'system'
                      and m.message_content = note.body
                      and m.created_at > now() - interval '30 minutes') then
      insert into public.chat_messages (chat_id, sender_type, sender_id, message_content, message_type)
      values (new.chat_id, null, 'system', note.body, 'system');
    end if;
  end if;
  if new.sender_type = 'client' then
    select c.*, r.client_name into chat from public.private_chats c
      left join public.client_requests r on r.id = c.request_id where c.id = new.chat_id;
    -- One unread alert per chat, not one per message; none while the chat is open.
    if coalesce(chat.freelancer_viewing_until <= now(), true)
       and not exists (select 1 from public.notifications n
                       where n.request_id = chat.request_id and n.type = 'chat_message'
                         and n.is_read = false) then
      select * into note from public.render_message('notification.chat_message', 'ar',
        jsonb_build_object('client_name', coalesce(chat.client_name, '')));
      insert into public.notifications (freelancer_id, request_id, title, message, type)
      values (chat.freelancer_id, chat.request_id, note.title, note.body, 'chat_message');
    end if;
  end if;
  return new;
end
$$;
