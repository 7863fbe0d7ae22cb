-- =============================================================================
-- Private chat text, file names and file keys are stored encrypted (issue 16).
-- The keys live outside the database (khadum.crypto), so SQL never sees a key
-- and never encrypts: the one way in for a party's message is now
--
--   1. public.chat_prepare_message(chat, plaintext, …): every rule that needs
--      the text — who may write, the chat is active, one sender of a side at a
--      time, the rate limits, contact masking, banned words, the per-sender
--      digit window — runs here and answers the text to store (masked), its
--      verdict and the new message's id; the verdict waits in a transaction-local
--      setting (khadum.chat_pending), never in a table;
--   2. the chat function encrypts that text (and the file's name and key);
--   3. public.chat_send_message(chat, ciphertext, …) inserts it, in the same
--      transaction, with what step 1 decided (was_masked, flags, activity).
--
-- A check constraint refuses plain text in every encrypted column
-- (public.is_ciphertext(), the shape khadum.crypto.CIPHERTEXT describes), and the
-- moderation trigger refuses a message step 1 did not prepare. System notes
-- (platform text from the message catalogue) stay plain.
--
-- The digit window no longer rescans earlier messages (their text is sealed):
-- each message leaves a digits-only trace (public.chat_digit_traces: the loose
-- digits its stored text holds, often none), read by the next sends of that side
-- and deleted once out of the ten-minute window.
--
-- Flags no longer copy an excerpt of the message (staff read the message itself
-- through the operator console); the new-message notification no longer quotes
-- the client's text; the live `message` broadcast carries ids, not text (the page
-- fetches new messages through the chat function, as it already did).
-- =============================================================================

-- ---------------------------------------------------------------------------
-- The shape of a stored ciphertext: ev1.<key id>.<base64url>
-- ---------------------------------------------------------------------------
create or replace function public.is_ciphertext(p_value text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select p_value ~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$'
$$;
revoke execute on function public.is_ciphertext(text) from public, anon, authenticated;
grant execute on function public.is_ciphertext(text) to service_role;

-- ---------------------------------------------------------------------------
-- Columns: text and file name sealed; a file's own key (envelope encryption:
-- each attachment has its own random key, sealed here with the data key, so
-- rotating the data key re-seals this column and never rewrites the files).
-- ---------------------------------------------------------------------------
alter table public.chat_messages add column file_key text;
alter table public.chat_messages alter column file_name type text;
alter table public.chat_messages drop constraint if exists chat_messages_content_length;
alter table public.chat_messages
  -- plain text is capped before sealing (text_limit('chat_message') characters);
  -- its ciphertext is up to 4 bytes a character, in base64
  add constraint chat_messages_content_length check (
    char_length(message_content) <= case when message_type = 'system' then 8000 else 24000 end),
  add constraint chat_messages_content_sealed check (
    message_type = 'system' or public.is_ciphertext(message_content)) not valid,
  add constraint chat_messages_file_name_sealed check (
    file_name is null or (public.is_ciphertext(file_name) and char_length(file_name) <= 2048))
    not valid,
  add constraint chat_messages_file_key_sealed check (
    file_key is null or public.is_ciphertext(file_key));
-- NOT VALID: a database that already holds plain messages keeps working until
-- `khadum keys rotate` seals them; then `alter table public.chat_messages
-- validate constraint …` (README, "Threat model and encryption").

-- ---------------------------------------------------------------------------
-- The digit window's memory: per message, the loose digits its stored text
-- holds ('' for most), kept ten minutes.
-- ---------------------------------------------------------------------------
create table public.chat_digit_traces (
  message_id uuid primary key,
  chat_id uuid not null references public.private_chats (id) on delete cascade,
  sender_type varchar(20) not null check (sender_type in ('client', 'freelancer')),
  -- mask_contact_scan's loose digits; the tail only (the window joins pieces into
  -- at most 15 digits and counts past 8, so 64 keep every verdict the same)
  digits text not null check (char_length(digits) <= 64),
  created_at timestamptz not null
);
create index chat_digit_traces_window_idx
  on public.chat_digit_traces (chat_id, sender_type, created_at desc);
alter table public.chat_digit_traces enable row level security;
revoke all on public.chat_digit_traces from anon, authenticated, service_role;
-- No policy and no grant: only the chat functions below (security definer) read
-- and write it.

-- ---------------------------------------------------------------------------
-- Step 1: everything that needs the plain text.
-- ---------------------------------------------------------------------------
create or replace function public.chat_prepare_message(
  p_chat_id uuid,
  p_content text,
  p_type text default 'text',
  p_file_url text default null,
  p_file_size bigint default null,
  p_file_mime text default null
) returns table (message_id uuid, content text, was_masked boolean)
language plpgsql security definer set search_path = '' as $$
declare
  side text := public.chat_side(p_chat_id);
  chat record;
  lim record;
  recent integer;
  m record;
  s record;
  final text;
  masked boolean;
  moderated jsonb;
  flags jsonb := '[]'::jsonb;
  sus text[];
  loose text;
  trace text;
  prev record;
  cand text;
  ids uuid[] := '{}';
  total integer;
  pieces integer := 1;
  split boolean := false;
  reason text;
  new_id uuid := gen_random_uuid();
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
    if p_file_url is not null or p_file_size is not null or p_file_mime is not null then
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
       or char_length(coalesce(p_file_mime, '')) not between 1 and 120 then
      raise exception 'file_invalid' using errcode = 'KH422';
    end if;
  end if;
  select * into chat from public.private_chats where id = p_chat_id;
  if chat.status is distinct from 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  -- One sender of this side at a time from here to commit: the counts and the
  -- window below (a fresh snapshot) see every message committed before this one.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.chat_send:' || p_chat_id::text),
    case side when 'client' then 1 else 2 end);
  for lim in select * from public.chat_rate_limits loop
    select count(*) into recent from public.chat_messages c
     where c.chat_id = p_chat_id and c.sender_type = side
       and c.created_at > clock_timestamp() - make_interval(secs => lim.window_seconds);
    if recent >= lim.max_messages then
      raise exception 'rate_limited' using errcode = 'KH429',
        detail = format('%s messages per %s seconds', lim.max_messages, lim.window_seconds);
    end if;
  end loop;

  -- Masking and banned words (as chat_messages_moderate did, 20251201000710).
  select x.masked, x.hits, x.suspects, x.loose_digits into m
    from public.mask_contact_scan(p_content) x;
  perform pg_catalog.set_config('khadum.mask_scan', jsonb_build_object(
    'text', p_content, 'suspects', to_jsonb(m.suspects), 'loose', m.loose_digits)::text, true);
  select * into s from public.star_banned_words(m.masked);
  masked := cardinality(m.hits) > 0;
  final := p_content;
  if cardinality(m.hits) > 0 or cardinality(s.hits) > 0 then
    final := s.starred;
    moderated := jsonb_build_object('contact_details', to_jsonb(m.hits),
                                    'banned_words', cardinality(s.hits));
  end if;
  if length(btrim(final)) = 0 and p_file_url is null then
    raise exception 'empty_message' using errcode = 'KH422';
  end if;

  -- The digit window (as chat_messages_moderate_window did), over the traces.
  trace := '';
  if final <> '' then
    if final = p_content then
      sus := m.suspects;
      loose := m.loose_digits;
    else
      select x.suspects, x.loose_digits into sus, loose
        from public.mask_contact_scan(final) x;
    end if;
    trace := loose;
    foreach reason in array sus loop
      flags := flags || jsonb_build_array(jsonb_build_object('reason', reason, 'details', '{}'::jsonb));
    end loop;
    if loose <> '' then
      delete from public.chat_digit_traces t
       where t.chat_id = p_chat_id and t.sender_type = side
         and t.created_at <= now() - interval '10 minutes';
      cand := loose;
      total := length(cand);
      for prev in
        select t.message_id, t.digits from public.chat_digit_traces t
         where t.chat_id = p_chat_id and t.sender_type = side
           and t.created_at > now() - interval '10 minutes'
         order by t.created_at desc limit 5
      loop
        continue when prev.digits = '';
        cand := prev.digits || cand;
        ids := ids || prev.message_id;
        total := total + length(prev.digits);
        pieces := pieces + 1;
        if length(cand) between 8 and 15 and public.mask_is_phone(cand, false) then
          split := true;
          exit;
        end if;
      end loop;
      if split then
        select x.masked into final from public.mask_contact_scan(final, true) x;
        select x.loose_digits into trace from public.mask_contact_scan(final) x;
        masked := true;
        flags := flags || jsonb_build_array(jsonb_build_object('reason', 'split_number',
          'details', jsonb_build_object('earlier_messages', to_jsonb(ids), 'digits', length(cand))));
      elsif pieces >= 2 and total >= 8 and not exists (
          select 1 from public.chat_message_flags f
           where f.chat_id = p_chat_id and f.sender_type = side
             and f.reason = 'digit_budget' and f.created_at > now() - interval '10 minutes') then
        flags := flags || jsonb_build_array(jsonb_build_object('reason', 'digit_budget',
          'details', jsonb_build_object('earlier_messages', to_jsonb(ids), 'digits', total)));
      end if;
    end if;
  end if;

  perform pg_catalog.set_config('khadum.chat_pending', jsonb_build_object(
    'id', new_id, 'chat_id', p_chat_id, 'side', side, 'type', p_type,
    'file_url', p_file_url, 'file_size', p_file_size, 'file_mime', p_file_mime,
    'was_masked', masked, 'moderated', moderated, 'split', split,
    'flags', flags, 'trace', right(coalesce(trace, ''), 64))::text, true);
  return query select new_id, final, masked;
end
$$;
revoke execute on function public.chat_prepare_message(uuid, text, text, text, bigint, text)
  from public, anon, authenticated;
grant execute on function public.chat_prepare_message(uuid, text, text, text, bigint, text)
  to service_role;
comment on function public.chat_prepare_message(uuid, text, text, text, bigint, text) is
  'Step 1 of a chat send (the chat function, caller''s claims set): checks, masks and '
  'moderates the plain text; answers the text to seal. Not on the Data API.';

-- ---------------------------------------------------------------------------
-- Step 3: the sealed message, as step 1 prepared it, in the same transaction.
-- ---------------------------------------------------------------------------
drop function public.chat_send_message(uuid, text, text, text, text, bigint, text);
create function public.chat_send_message(
  p_chat_id uuid,
  p_content text,
  p_type text default 'text',
  p_file_url text default null,
  p_file_name text default null,
  p_file_size bigint default null,
  p_file_mime text default null,
  p_file_key text default null
) returns public.chat_messages
language plpgsql security definer set search_path = '' as $$
declare
  side text := public.chat_side(p_chat_id);
  pending jsonb := nullif(pg_catalog.current_setting('khadum.chat_pending', true), '')::jsonb;
  saved public.chat_messages;
  flag jsonb;
begin
  if side is null then
    raise exception 'not_a_party' using errcode = 'KH403';
  end if;
  if pending is null or pending ->> 'chat_id' <> p_chat_id::text or pending ->> 'side' <> side
     or pending ->> 'type' is distinct from p_type
     or pending ->> 'file_url' is distinct from p_file_url
     or (pending ->> 'file_size')::bigint is distinct from p_file_size
     or pending ->> 'file_mime' is distinct from p_file_mime then
    raise exception 'not_moderated' using errcode = 'KH409',
      detail = 'call chat_prepare_message() with this message first, in this transaction';
  end if;
  if not public.is_ciphertext(p_content) then
    raise exception 'message_not_sealed' using errcode = 'KH422';
  end if;
  if p_type = 'text' then
    if p_file_name is not null or p_file_key is not null then
      raise exception 'file_not_expected' using errcode = 'KH422';
    end if;
  elsif p_file_name is null or p_file_key is null or not public.is_ciphertext(p_file_name)
        or not public.is_ciphertext(p_file_key) then
    raise exception 'file_invalid' using errcode = 'KH422';
  end if;
  insert into public.chat_messages (id, chat_id, sender_type, sender_id, message_content,
                                    message_type, file_url, file_name, file_size, file_mime,
                                    file_key)
  values ((pending ->> 'id')::uuid, p_chat_id, side, '', p_content, p_type, p_file_url,
          p_file_name, p_file_size, p_file_mime, p_file_key)
  returning * into saved;
  perform pg_catalog.set_config('khadum.chat_pending', '', true);

  insert into public.chat_digit_traces (message_id, chat_id, sender_type, digits, created_at)
  values (saved.id, saved.chat_id, side, pending ->> 'trace', saved.created_at);
  for flag in select * from jsonb_array_elements(pending -> 'flags') loop
    insert into public.chat_message_flags (chat_id, message_id, sender_type, reason, details)
    values (saved.chat_id, saved.id, side, flag ->> 'reason', flag -> 'details');
  end loop;
  if jsonb_typeof(pending -> 'moderated') = 'object' then
    perform public.log_activity(side, saved.sender_id, 'chat.message_moderated',
      'private_chat', saved.chat_id::text, pending -> 'moderated');
  end if;
  if (pending ->> 'split')::boolean then
    perform public.log_activity(side, saved.sender_id, 'chat.message_moderated',
      'private_chat', saved.chat_id::text,
      jsonb_build_object('contact_details', jsonb_build_array('phone_in_pieces'), 'banned_words', 0));
  end if;
  return saved;
end
$$;
-- Called by the chat function with the caller's verified claims set (as the
-- respond functions are called with the verified user id); not on the Data API.
revoke execute on function public.chat_send_message(uuid, text, text, text, text, bigint, text, text)
  from public, anon, authenticated;
grant execute on function public.chat_send_message(uuid, text, text, text, text, bigint, text, text)
  to service_role;

-- ---------------------------------------------------------------------------
-- The moderation trigger now guards: a party's message is one step 1 prepared
-- (its verdict is applied here), sealed; system notes pass as before.
-- ---------------------------------------------------------------------------
create or replace function public.chat_messages_moderate() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  chat record;
  pending jsonb;
begin
  if new.message_type = 'system' then
    new.created_at := clock_timestamp();
    new.was_masked := false;
    return new;
  end if;
  if not public.is_ciphertext(new.message_content) then
    raise exception 'new row for relation "chat_messages" violates check constraint '
      '"chat_messages_content_sealed"' using errcode = 'check_violation',
      constraint = 'chat_messages_content_sealed', table = 'chat_messages';
  end if;
  pending := nullif(pg_catalog.current_setting('khadum.chat_pending', true), '')::jsonb;
  if pending is null or pending ->> 'id' <> new.id::text then
    raise exception 'not_moderated' using errcode = 'KH409';
  end if;
  select * into chat from public.private_chats where id = new.chat_id;
  if chat.status is distinct from 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  -- Wall-clock time, so that messages of one transaction keep their order.
  new.created_at := clock_timestamp();
  -- The sender is who the chat says, whatever the client sent.
  new.sender_id := case new.sender_type
    when 'client' then chat.client_whatsapp_phone else chat.freelancer_id::text end;
  new.was_masked := (pending ->> 'was_masked')::boolean;
  return new;
end
$$;

-- The window's work moved into chat_prepare_message (it needs the plain text).
drop trigger chat_messages_moderate_window on public.chat_messages;
drop function public.chat_messages_moderate_window();

-- ---------------------------------------------------------------------------
-- After a send: the note and the alert, without quoting the text
-- (same as 20251126000100 otherwise).
-- ---------------------------------------------------------------------------
update public.message_catalogue set body = '{client_name}: رسالة جديدة في المحادثة'
 where key = 'notification.chat_message' and locale = 'ar';
update public.message_catalogue set body = '{client_name}: a new message in your chat'
 where key = 'notification.chat_message' and locale = 'en';

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
    -- One unread alert per chat, not one per message.
    if not exists (select 1 from public.notifications n
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

-- ---------------------------------------------------------------------------
-- The live message: ids and flags, never the text (it is sealed, and
-- realtime.messages keeps every payload). The page fetches new messages
-- through the chat function, which decrypts for the parties only.
-- ---------------------------------------------------------------------------
create or replace function public.broadcast_chat_message() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(
    jsonb_build_object(
      'id', new.id, 'chat_id', new.chat_id, 'sender_type', new.sender_type,
      'message_type', new.message_type,
      'has_file', new.file_url is not null, 'was_masked', new.was_masked,
      'created_at', new.created_at),
    'message',
    'chat:' || new.chat_id::text,
    true);
  return new;
end
$$;
