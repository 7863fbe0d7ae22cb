-- =============================================================================
-- Who may read a chat, decided once.
--
-- public.caller_chats() lists the chats the caller is a party to, with the
-- caller's side in each: the client chat session's own chat (its `chat_id`
-- claim), and every chat of the signed-in freelancer; caller_chats(chat) asks
-- about that one chat only. It is the one statement of the rule; everything
-- else asks it:
--   chat_side(chat)      the caller's side of one chat (chat_guard and every
--                        chat function start from it), null for a stranger;
--   is_chat_party(chat)  chat_side(chat) is not null (Realtime topics);
--   the read policies of private_chats, chat_messages and chat_ratings
--                        (an uncorrelated sub-select: evaluated once a query).
-- Python never decides a side from the caller's claims; it asks SQL.
-- tests/db/test_one_rule.py fails if the rule is stated anywhere else.
-- =============================================================================

create or replace function public.caller_chats(p_chat_id uuid default null)
returns table (chat_id uuid, side text)
language plpgsql stable security definer set search_path = '' as $$
begin
  -- One query; with p_chat_id given, its plan is a primary-key lookup.
  return query
    select s.id, 'client'::text
      from (select public.current_chat_session_id() as id) s
     where s.id is not null and (p_chat_id is null or s.id = p_chat_id)
    union all
    select c.id, 'freelancer'::text
      from public.private_chats c
     where c.freelancer_id = public.current_freelancer_id()
       and (p_chat_id is null or c.id = p_chat_id);
end
$$;
revoke execute on function public.caller_chats(uuid) from public, anon, authenticated;
grant execute on function public.caller_chats(uuid) to authenticated, service_role;
comment on function public.caller_chats(uuid) is
  'callable by authenticated: the RLS policies call it as the caller (it answers about the caller only)';

create or replace function public.chat_side(p_chat_id uuid) returns text
language sql stable security definer set search_path = '' as $$
  select c.side from public.caller_chats(p_chat_id) c
   order by c.side = 'client' desc limit 1
$$;
revoke execute on function public.chat_side(uuid) from public, anon, authenticated;
grant execute on function public.chat_side(uuid) to authenticated, service_role;

create or replace function public.is_chat_party(p_chat_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select public.chat_side(p_chat_id) is not null
$$;
revoke execute on function public.is_chat_party(uuid) from public, anon, authenticated;
grant execute on function public.is_chat_party(uuid) to authenticated, service_role;

-- The read policies, one per table, each from caller_chats().
drop policy if exists "freelancers read their chats" on public.private_chats;
drop policy if exists "chat clients read their chat" on public.private_chats;
create policy "chat parties read their chats" on public.private_chats
  for select to authenticated
  using (id in (select c.chat_id from public.caller_chats() c));

drop policy if exists "freelancers read their chats' messages" on public.chat_messages;
drop policy if exists "chat clients read their chat's messages" on public.chat_messages;
create policy "chat parties read their chats' messages" on public.chat_messages
  for select to authenticated
  using (chat_id in (select c.chat_id from public.caller_chats() c));

drop policy if exists "chat parties read the rating" on public.chat_ratings;
create policy "chat parties read the rating" on public.chat_ratings
  for select to authenticated
  using (chat_id in (select c.chat_id from public.caller_chats() c));
