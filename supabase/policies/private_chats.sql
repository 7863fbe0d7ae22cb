-- private_chats: visible to its two parties only. Created by the accept
-- function; status changes go through the functions.
alter table public.private_chats enable row level security;
grant select on public.private_chats to authenticated;

drop policy if exists "freelancers read their chats" on public.private_chats;
create policy "freelancers read their chats" on public.private_chats
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

drop policy if exists "chat clients read their chat" on public.private_chats;
create policy "chat clients read their chat" on public.private_chats
  for select to authenticated
  using (id = (select public.current_chat_session_id()));
