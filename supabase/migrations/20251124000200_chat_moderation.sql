-- =============================================================================
-- Chat moderation, in the database so that every writer meets it: contact
-- details are masked before a message is stored (with a system note to both
-- sides), banned words are starred out, senders are rate limited, and every
-- send and moderation action lands in the activity log.
-- =============================================================================

create table public.moderation_banned_words (
  word text primary key check (length(btrim(word)) > 0),
  created_at timestamptz not null default now()
);

-- A few examples; operators edit this table (service role) to configure the list.
insert into public.moderation_banned_words (word) values
  ('حول لي خارج المنصة'), ('ادفع خارج المنصة'), ('pay outside khadum'), ('scam');

-- Security: operators' configuration, server-side only (service role).
alter table public.moderation_banned_words enable row level security;
revoke all on table public.moderation_banned_words from anon, authenticated, service_role;
grant select, insert, update, delete on table public.moderation_banned_words to service_role;

-- Limits per chat participant.
create table public.chat_rate_limits (
  window_seconds integer primary key check (window_seconds > 0),
  max_messages integer not null check (max_messages > 0)
);
insert into public.chat_rate_limits (window_seconds, max_messages) values (10, 10), (60, 40);

-- Security: configuration, server-side only (service role).
alter table public.chat_rate_limits enable row level security;
revoke all on table public.chat_rate_limits from anon, authenticated, service_role;
grant select, insert, update, delete on table public.chat_rate_limits to service_role;

-- ---------------------------------------------------------------------------
-- Contact-detail masking
-- ---------------------------------------------------------------------------
-- Digits in any script or spelled out (Arabic and English), so that
-- "٠٥٥ ١٢٣ ٤٥٦٧", "0 5 5-1 2 3" and "zero five five one…" are all caught.
create or replace function public.mask_contact_details(p_text text, out masked text, out hits text[])
language plpgsql immutable set search_path = '' as $$
declare
  digit constant text := '(?:[0-9٠-٩۰-۹]|صفر|واحد|اثنين|اثنان|ثنين|ثلاث[ةه]?|[اأ]ربع[ةه]?|خمس[ةه]?|ست[ةه]|سبع[ةه]?|ثماني[ةه]?|ثمان|تسع[ةه]?|zero|oh|one|two|three|four|five|six|seven|eight|nine)';
  sep constant text := '[\s\-\.\(\)/_,،+]*';
  rules text[] := array[
    'email',  '[A-Za-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\]|\s+at\s+)\s*[A-Za-z0-9\-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+|دوت)\s*[A-Za-z]{2,})+',
    'link',   '(?:https?://|www\.)\S+',
    'link',   '(?:wa\.me|t\.me|telegram\.me|instagram\.com|snapchat\.com|tiktok\.com|twitter\.com|x\.com|facebook\.com|fb\.com|linkedin\.com|discord\.gg)\S*',
    'phone',  '\+?' || digit || '(?:' || sep || digit || '){8,}',
    'handle', '(?:سناب|snap|snapchat|انستا|انستقرام|انستغرام|instagram|insta|تويتر|twitter|تلجرام|تليجرام|تيليجرام|telegram|واتس|whatsapp|تيك توك|tiktok|discord)\S*\s*[:：\-]?\s*@?[A-Za-z0-9_.]{3,}',
    'handle', '@[A-Za-z0-9_.]{3,}'
  ];
  i integer;
begin
  masked := coalesce(p_text, '');
  hits := '{}';
  for i in 1 .. array_length(rules, 1) by 2 loop
    if masked ~* rules[i + 1] then
      hits := array_append(hits, rules[i]);
      masked := regexp_replace(masked, rules[i + 1], '[🔒]', 'gi');
    end if;
  end loop;
end
$$;

create or replace function public.star_banned_words(p_text text, out starred text, out hits text[])
language plpgsql stable set search_path = '' as $$
declare
  w record;
begin
  starred := coalesce(p_text, '');
  hits := '{}';
  for w in select b.word from public.moderation_banned_words b loop
    if strpos(lower(starred), lower(w.word)) > 0 then
      hits := array_append(hits, w.word);
      starred := regexp_replace(starred,
        regexp_replace(w.word, '([.*+?^${}()|\[\]\\])', '\\\1', 'g'), '***', 'gi');
    end if;
  end loop;
end
$$;

-- ---------------------------------------------------------------------------
-- Before a message is stored: rate limit, mask, star, fix the sender id
-- ---------------------------------------------------------------------------
create or replace function public.chat_messages_moderate() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  chat record;
  lim record;
  recent integer;
  m record;
  s record;
begin
  -- Wall-clock time, so that messages of one transaction keep their order.
  new.created_at := clock_timestamp();
  if new.message_type = 'system' then
    return new;
  end if;
  select * into chat from public.private_chats where id = new.chat_id;
  if chat.status is distinct from 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  for lim in select * from public.chat_rate_limits loop
    select count(*) into recent from public.chat_messages c
     where c.chat_id = new.chat_id and c.sender_type = new.sender_type
       and c.created_at > now() - make_interval(secs => lim.window_seconds);
    if recent >= lim.max_messages then
      raise exception 'rate_limited' using errcode = 'KH429',
        detail = format('%s messages per %s seconds', lim.max_messages, lim.window_seconds);
    end if;
  end loop;
  -- The sender is who the chat says, whatever the client sent.
  new.sender_id := case new.sender_type
    when 'client' then chat.client_whatsapp_phone else chat.freelancer_id::text end;
  select * into m from public.mask_contact_details(new.message_content);
  select * into s from public.star_banned_words(m.masked);
  if cardinality(m.hits) > 0 or cardinality(s.hits) > 0 then
    new.message_content := s.starred;
    new.was_masked := cardinality(m.hits) > 0;
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

create trigger chat_messages_moderate
  before insert on public.chat_messages
  for each row execute function public.chat_messages_moderate();

-- ---------------------------------------------------------------------------
-- After a message is stored: the privacy note, the log, the freelancer alert
-- ---------------------------------------------------------------------------
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
    insert into public.chat_messages (chat_id, sender_type, sender_id, message_content, message_type)
    values (new.chat_id, null, 'system', note.body, 'system');
  end if;
  if new.sender_type = 'client' then
    select c.*, r.client_name into chat from public.private_chats c
      left join public.client_requests r on r.id = c.request_id where c.id = new.chat_id;
    -- One unread alert per chat, not one per message.
    if not exists (select 1 from public.notifications n
                   where n.request_id = chat.request_id and n.type = 'chat_message'
                     and n.is_read = false) then
      select * into note from public.render_message('notification.chat_message', 'ar',
        jsonb_build_object('client_name', coalesce(chat.client_name, ''),
                           'preview', left(new.message_content, 80)));
      insert into public.notifications (freelancer_id, request_id, title, message, type)
      values (chat.freelancer_id, chat.request_id, note.title, note.body, 'chat_message');
    end if;
  end if;
  return new;
end
$$;

create trigger chat_messages_after_send
  after insert on public.chat_messages
  for each row execute function public.chat_messages_after_send();

-- Server-side functions: the service role (and the owner) only.
revoke execute on function
  public.mask_contact_details(text),
  public.star_banned_words(text)
from public, anon, authenticated;
grant execute on function
  public.mask_contact_details(text),
  public.star_banned_words(text)
to service_role;

-- Trigger functions: fired by the database, never called directly.
revoke execute on function
  public.chat_messages_moderate(),
  public.chat_messages_after_send()
from public, anon, authenticated;
