-- =============================================================================
-- bot_turn_open (20251202000100, one round trip per turn) reads the client's
-- inbox, whose request and chat events are now found by the phone's blind index
-- (20251202000700: client_inbox(phone, limit, phone_index)). The two changes of
-- 2 December meet here: the same turn, given the index the worker computes.
-- =============================================================================

drop function if exists public.bot_turn_open(text, boolean);

create or replace function public.bot_turn_open(
  p_phone text, p_wait boolean default true, p_phone_index text default null
)
returns table (
  locked boolean, item_source text, item_id text, item_kind text, item_request_id uuid,
  item_chat_id uuid, item_message text, more_waiting boolean,
  msg_type text, msg_payload jsonb, msg_profile_name text,
  conv_found boolean, conv_state text, conv_language text, conv_data jsonb,
  window_times timestamptz[]
)
language plpgsql set search_path = '' as $$
declare
  v_item record;
  v_count integer := 0;
begin
  -- 7311: the advisory-lock key space of "a client phone's conversation".
  if p_wait then
    perform pg_advisory_xact_lock(7311, hashtext(p_phone));
  elsif not pg_try_advisory_xact_lock(7311, hashtext(p_phone)) then
    locked := false;
    return next;
    return;
  end if;
  locked := true;
  for v_item in select * from public.client_inbox(p_phone, 2, p_phone_index) loop
    v_count := v_count + 1;
    if v_count = 1 then
      item_source := v_item.source;
      item_id := v_item.item_id;
      item_kind := v_item.kind;
      item_request_id := v_item.request_id;
      item_chat_id := v_item.chat_id;
      item_message := v_item.message;
    end if;
  end loop;
  more_waiting := v_count > 1;
  if v_count = 0 then
    return next;
    return;
  end if;
  if item_source = 'message' then
    select i.message_type, i.payload, i.profile_name
      into msg_type, msg_payload, msg_profile_name
      from public.whatsapp_inbound i where i.id = item_id::uuid;
    window_times := public.client_rate_window(p_phone);
  end if;
  select c.state, c.language, c.data into conv_state, conv_language, conv_data
    from public.bot_conversations c where c.client_phone = p_phone
     for update;
  conv_found := found;
  return next;
end
$$;

revoke execute on function public.bot_turn_open(text, boolean, text)
  from public, anon, authenticated;
grant execute on function public.bot_turn_open(text, boolean, text) to service_role;
