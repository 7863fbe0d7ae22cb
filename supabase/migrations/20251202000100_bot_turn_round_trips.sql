-- =============================================================================
-- A bot turn in two round trips instead of a dozen (issue 9: bot turns/s).
--
-- `bot_turn_open` is everything a worker reads before the bot runs, in one
-- statement: the phone's conversation lock (transaction-scoped advisory lock,
-- waited for or tried), the oldest inbox item (and whether more wait), the
-- message it names, the conversation row (for update) and the message's
-- rate-limit window. The writes that end a turn (state, replies, the item's
-- mark) are sent with the COMMIT in one pipeline by the worker.
--
-- The rules stay where they were: the order is client_inbox's, the window is
-- client_rate_window's (also called by the bot directly), the lock's key space
-- lives here only.
-- =============================================================================

-- The arrival times, within the minute up to the phone's oldest unprocessed
-- message, of the phone's messages (later ones do not count against it); the
-- bot compares their number with its per-minute limit.
create or replace function public.client_rate_window(p_phone text)
returns timestamptz[]
language sql stable set search_path = '' as $$
  with current as (
    select i.received_at from public.whatsapp_inbound i
     where i.client_phone = p_phone and i.processed_at is null
     order by coalesce(i.sent_at, i.received_at), i.received_at, i.id limit 1)
  select coalesce(array_agg(w.received_at order by w.received_at), '{}')
    from public.whatsapp_inbound w, current c
   where w.client_phone = p_phone and w.received_at <= c.received_at
     and w.received_at > c.received_at - interval '60 seconds'
$$;

create or replace function public.bot_turn_open(p_phone text, p_wait boolean default true)
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
  for v_item in select * from public.client_inbox(p_phone, 2) loop
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

revoke execute on function
  public.client_rate_window(text),
  public.bot_turn_open(text, boolean)
from public, anon, authenticated;
grant execute on function
  public.client_rate_window(text),
  public.bot_turn_open(text, boolean)
to service_role;

-- Every stored message maintained this index and its twin below; client_inbox
-- finds a phone's unprocessed messages through whatsapp_inbound_phone_received_idx
-- (client_phone, received_at desc), and the workers find phones through
-- whatsapp_inbound_pending_phone_idx. One index fewer on the webhook's insert.
drop index if exists public.whatsapp_inbound_unprocessed_idx;
