-- chat_messages: the chat's two parties read its messages and write as
-- themselves, only while the chat is active.
alter table public.chat_messages enable row level security;
grant select, insert on public.chat_messages to authenticated;

drop policy if exists "freelancers read their chats' messages" on public.chat_messages;
create policy "freelancers read their chats' messages" on public.chat_messages
  for select to authenticated
  using (chat_id in (
    select c.id from public.private_chats c
    where c.freelancer_id = (select public.current_freelancer_id())));

drop policy if exists "chat clients read their chat's messages" on public.chat_messages;
create policy "chat clients read their chat's messages" on public.chat_messages
  for select to authenticated
  using (chat_id = (select public.current_chat_session_id()));

drop policy if exists "freelancers write in their active chats" on public.chat_messages;
create policy "freelancers write in their active chats" on public.chat_messages
  for insert to authenticated
  with check (
    sender_type = 'freelancer'
    and message_type <> 'system'
    and sender_id = (select public.current_freelancer_id())::text
    and chat_id in (
      select c.id from public.private_chats c
      where c.freelancer_id = (select public.current_freelancer_id()) and c.status = 'active'));

drop policy if exists "chat clients write in their active chat" on public.chat_messages;
create policy "chat clients write in their active chat" on public.chat_messages
  for insert to authenticated
  with check (
    sender_type = 'client'
    and message_type <> 'system'
    and chat_id = (select public.current_chat_session_id())
    and sender_id = (select c.client_whatsapp_phone from public.private_chats c
                     where c.id = (select public.current_chat_session_id()) and c.status = 'active'));
