-- =============================================================================
-- Access predicates the RLS policies are built from (one place for each rule).
-- security definer so they can look up ownership without recursing into RLS;
-- they read only the caller's own JWT claims.
-- =============================================================================

-- The freelancer row of the signed-in user, or null.
create or replace function public.current_freelancer_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select f.id from public.freelancers f where f.user_id = auth.uid()
$$;

-- The chat a client chat session is bound to (its `chat_id` claim), or null.
create or replace function public.current_chat_session_id() returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  claims jsonb := auth.jwt();
begin
  if claims is null or claims ->> 'chat_role' is distinct from 'client' then
    return null;
  end if;
  return (claims ->> 'chat_id')::uuid;
exception when invalid_text_representation then
  return null;
end
$$;

-- Is the caller one of the two parties of this chat?
create or replace function public.is_chat_party(p_chat_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_chat_id = public.current_chat_session_id()
      or exists (
        select 1 from public.private_chats c
        where c.id = p_chat_id and c.freelancer_id = public.current_freelancer_id()
      )
$$;

-- The request behind the caller's client chat session, or null.
create or replace function public.current_chat_session_request_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select c.request_id from public.private_chats c where c.id = public.current_chat_session_id()
$$;

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
