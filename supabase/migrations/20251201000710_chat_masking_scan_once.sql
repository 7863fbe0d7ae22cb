-- =============================================================================
-- One scan of a chat message per send (issue 11: the cost of masking). The
-- chat_messages_moderate trigger masked the text with mask_contact_details()
-- and the chat_messages_moderate_window trigger that follows scanned it again
-- for suspects and loose digits. Now the first keeps the whole scan for the
-- rest of the transaction (a local setting: the text, its suspects and its
-- loose digits) and the second reuses it when the text it sees is that very
-- text (nothing was masked or starred); otherwise it scans as before. The
-- scan is immutable, so what is stored and flagged does not change.
-- Same functions otherwise (latest definitions: 20251127000300 and
-- 20251126000100); signatures, owners and grants kept (create or replace).
-- =============================================================================

create or replace function public.chat_messages_moderate() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  chat record;
  lim record;
  recent integer;
  m record;
  s record;
begin
  if new.message_type = 'system' then
    new.created_at := clock_timestamp();
    new.was_masked := false;
    return new;
  end if;
  select * into chat from public.private_chats where id = new.chat_id;
  if chat.status is distinct from 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  -- One sender of this side at a time from here to commit: the count below (a
  -- fresh snapshot) then sees every message committed before this one.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.chat_send:' || new.chat_id::text),
    case new.sender_type when 'client' then 1 else 2 end);
  -- Wall-clock time, so that messages of one transaction keep their order.
  new.created_at := clock_timestamp();
  for lim in select * from public.chat_rate_limits loop
    select count(*) into recent from public.chat_messages c
     where c.chat_id = new.chat_id and c.sender_type = new.sender_type
       and c.created_at > clock_timestamp() - make_interval(secs => lim.window_seconds);
    if recent >= lim.max_messages then
      raise exception 'rate_limited' using errcode = 'KH429',
        detail = format('%s messages per %s seconds', lim.max_messages, lim.window_seconds);
    end if;
  end loop;
  -- The sender is who the chat says, whatever the client sent.
  new.sender_id := case new.sender_type
    when 'client' then chat.client_whatsapp_phone else chat.freelancer_id::text end;
  -- the whole scan (mask_contact_details() is its masked text and kinds); the
  -- window trigger that follows reuses it when the text leaves unchanged
  select x.masked, x.hits, x.suspects, x.loose_digits into m
    from public.mask_contact_scan(new.message_content) x;
  perform pg_catalog.set_config('khadum.mask_scan', jsonb_build_object(
    'text', new.message_content, 'suspects', to_jsonb(m.suspects), 'loose', m.loose_digits)::text, true);
  select * into s from public.star_banned_words(m.masked);
  new.was_masked := cardinality(m.hits) > 0;
  if cardinality(m.hits) > 0 or cardinality(s.hits) > 0 then
    new.message_content := s.starred;
    perform public.log_activity(new.sender_type, new.sender_id, 'chat.message_moderated',
      'private_chat', new.chat_id::text,
      jsonb_build_object('contact_details', to_jsonb(m.hits), 'banned_words', cardinality(s.hits)));
  end if;
  if length(btrim(new.message_content)) = 0 and new.file_url is null then
    raise exception 'empty_message' using errcode = 'KH422';
  end if;
  return new;
end
$$;

create or replace function public.chat_messages_moderate_window() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  prev record;
  piece text;
  cand text;
  ids uuid[] := '{}';
  total integer;
  pieces integer := 1;
  split boolean := false;
  reason text;
  scan jsonb;
  sus text[];
  loose text;
begin
  if new.message_type = 'system' or new.sender_type is null
     or coalesce(new.message_content, '') = '' then
    return new;
  end if;
  -- the scan chat_messages_moderate made of this very text, when it left the
  -- text as it was (nothing masked or starred); otherwise a scan of the text
  scan := nullif(pg_catalog.current_setting('khadum.mask_scan', true), '')::jsonb;
  if scan is not null and scan ->> 'text' = new.message_content then
    sus := array(select jsonb_array_elements_text(scan -> 'suspects'));
    loose := scan ->> 'loose';
  else
    select x.suspects, x.loose_digits into sus, loose
      from public.mask_contact_scan(new.message_content) x;
  end if;
  foreach reason in array sus loop
    insert into public.chat_message_flags (chat_id, message_id, sender_type, reason, details)
    values (new.chat_id, new.id, new.sender_type, reason,
            jsonb_build_object('excerpt', left(new.message_content, 200)));
  end loop;
  if loose = '' then
    return new;
  end if;
  cand := loose;
  total := length(cand);
  for prev in
    select m.id, m.message_content from public.chat_messages m
     where m.chat_id = new.chat_id and m.sender_type = new.sender_type
       and m.message_type <> 'system' and m.created_at > now() - interval '10 minutes'
     order by m.created_at desc limit 5
  loop
    select x.loose_digits into piece from public.mask_contact_scan(prev.message_content) x;
    continue when piece = '';
    cand := piece || cand;
    ids := ids || prev.id;
    total := total + length(piece);
    pieces := pieces + 1;
    if length(cand) between 8 and 15 and public.mask_is_phone(cand, false) then
      split := true;
      exit;
    end if;
  end loop;
  if split then
    select x.masked into new.message_content
      from public.mask_contact_scan(new.message_content, true) x;
    new.was_masked := true;
    insert into public.chat_message_flags (chat_id, message_id, sender_type, reason, details)
    values (new.chat_id, new.id, new.sender_type, 'split_number',
            jsonb_build_object('earlier_messages', to_jsonb(ids), 'digits', length(cand)));
    perform public.log_activity(new.sender_type, new.sender_id, 'chat.message_moderated',
      'private_chat', new.chat_id::text,
      jsonb_build_object('contact_details', jsonb_build_array('phone_in_pieces'), 'banned_words', 0));
  elsif pieces >= 2 and total >= 8 and not exists (
      select 1 from public.chat_message_flags f
       where f.chat_id = new.chat_id and f.sender_type = new.sender_type
         and f.reason = 'digit_budget' and f.created_at > now() - interval '10 minutes') then
    insert into public.chat_message_flags (chat_id, message_id, sender_type, reason, details)
    values (new.chat_id, new.id, new.sender_type, 'digit_budget',
            jsonb_build_object('earlier_messages', to_jsonb(ids), 'digits', total));
  end if;
  return new;
end
$$;
