-- =============================================================================
-- Who may use which Realtime topic. The predicates the table policies use live
-- beside their tables (current_freelancer_id with freelancers; the chat
-- session predicates with the spec tables); this one decides Realtime topics.
-- =============================================================================

-- May the caller join this Realtime topic? `freelancer:{id}` is the owner's;
-- `chat:{id}` belongs to that chat's two parties. Anything else: no.
create or replace function public.can_use_topic(p_topic text) returns boolean
language plpgsql stable security definer set search_path = '' as $$
declare
  kind text := split_part(coalesce(p_topic, ''), ':', 1);
  ident text := substr(coalesce(p_topic, ''), length(kind) + 2);
begin
  if kind = 'freelancer' then
    return ident = public.current_freelancer_id()::text;
  elsif kind = 'chat' then
    return public.is_chat_party(ident::uuid);
  end if;
  return false;
exception when invalid_text_representation then
  return false;
end
$$;

revoke execute on function public.can_use_topic(text) from public, anon, authenticated;
grant execute on function public.can_use_topic(text) to authenticated, service_role;
comment on function public.can_use_topic(text) is
  'callable by authenticated: the realtime.messages policies call it as the caller (it answers about the caller only)';

-- ---------------------------------------------------------------------------
-- Security: realtime.messages — who may join (select) and send on (insert) a
-- private channel. `freelancer:{id}` is its freelancer's; `chat:{id}` its two
-- parties'. The table is Supabase's (RLS already on): policies only, never
-- an alter.
-- ---------------------------------------------------------------------------
create policy "owners receive on their topics" on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension in ('broadcast', 'presence')
    and (select public.can_use_topic(realtime.topic())));

-- Browsers only send on chat topics (typing, read receipts).
create policy "chat parties send on their chat topic" on realtime.messages
  for insert to authenticated
  with check (
    realtime.messages.extension in ('broadcast', 'presence')
    and (select realtime.topic()) like 'chat:%'
    and (select public.can_use_topic(realtime.topic())));
