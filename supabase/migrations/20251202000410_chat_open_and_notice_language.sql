-- =============================================================================
-- Chat alerts and the viewer's language (issue 13, items 3 and 4).
--
-- 1. No «new message» notification while the freelancer has that chat open: the
--    chat page says so (`chat_viewing`, renewed while the page is in view), and
--    the one-alert-per-unread-batch rule skips the alert while it holds.
-- 2. A chat notification links to the chat: its broadcast carries the chat id.
-- 3. Notifications in the viewer's language: the rows keep the spec's Arabic
--    text; `notification_text` renders a row again in another language from the
--    message catalogue, and the live broadcast carries the English text beside
--    the Arabic one.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- The freelancer has this chat open (until then): server-side only
-- ---------------------------------------------------------------------------
alter table public.private_chats add column freelancer_viewing_until timestamptz;

-- How long one "I have it open" lasts; the page renews it well within.
create or replace function public.chat_viewing_window() returns interval
language sql immutable set search_path = '' as $$
  select interval '90 seconds'
$$;

create or replace function public.chat_viewing(p_chat_id uuid, p_open boolean)
returns timestamptz
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id);
  until timestamptz := case when p_open then now() + public.chat_viewing_window() end;
begin
  -- Only the freelancer gets dashboard notifications; a client's call changes nothing.
  if public.chat_side(p_chat_id) <> 'freelancer' then
    return null;
  end if;
  update public.private_chats set freelancer_viewing_until = until where id = chat.id;
  return until;
end
$$;

-- Same as 20251126000100_contact_masking.sql, except that the freelancer's alert
-- is skipped while they have the chat open (the page reads it at once).
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
    -- One unread alert per chat, not one per message; none while the chat is open.
    if coalesce(chat.freelancer_viewing_until <= now(), true)
       and not exists (select 1 from public.notifications n
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

-- ---------------------------------------------------------------------------
-- A notification in another language
-- ---------------------------------------------------------------------------
-- The request's values a notice names, for rendering one again. (The writers of
-- notifications build the same values when they insert the Arabic row.)
create or replace function public.request_notice_params(r public.client_requests) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'client_name', coalesce(r.client_name, r.client_whatsapp_phone),
    'service_title', coalesce(nullif(btrim(r.service_title), ''), left(r.service_description, 140)),
    'service_description', left(r.service_description, 140),
    'budget_range', coalesce(r.budget_range, '—'))
$$;

-- A stored notification (p_title, p_message: the Arabic row) in p_lang. The title
-- comes from the catalogue; the body too when its template differs by language
-- (rendered from the request's values); a template that is the same in every
-- language (names and quotes only) keeps the stored body, whose quoted values
-- (an answer, a message preview) exist nowhere else. Unknown: the stored text.
create or replace function public.notification_text(
  p_freelancer_id uuid, p_type text, p_request_id uuid, p_title text, p_message text,
  p_lang text
) returns table (title text, message text)
language plpgsql stable security definer set search_path = '' as $$
declare
  wanted record;
  arabic text;
  req public.client_requests;
  rendered record;
begin
  title := p_title;
  message := p_message;
  if p_lang is null or p_lang = 'ar' then
    return next;
    return;
  end if;
  select c.title, c.body into wanted from public.message_catalogue c
   where c.key = 'notification.' || p_type and c.locale = p_lang;
  if not found then
    return next;
    return;
  end if;
  select c.body into arabic from public.message_catalogue c
   where c.key = 'notification.' || p_type and c.locale = 'ar';
  title := wanted.title;
  if wanted.body is distinct from arabic then
    select * into req from public.client_requests r
     where r.id = p_request_id and r.freelancer_id = p_freelancer_id;
    if found then
      select * into rendered from public.render_message('notification.' || p_type, p_lang,
        public.request_notice_params(req));
      message := rendered.body;
    end if;
  end if;
  return next;
end
$$;

-- The caller's own notification in their language (another's request renders nothing new).
create or replace function public.my_notification_text(
  p_type text, p_request_id uuid, p_title text, p_message text, p_lang text
) returns table (title text, message text)
language sql stable security definer set search_path = '' as $$
  select t.title, t.message from public.notification_text(
    public.current_freelancer_id(), p_type, p_request_id, p_title, p_message, p_lang) t
$$;

-- Same as 20251120000700, plus the chat to open (a chat notification links to the
-- chat) and the English text beside the Arabic (the page shows the viewer's).
create or replace function public.broadcast_notification() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  english record;
  chat_id uuid;
begin
  if new.freelancer_id is null then
    return new;
  end if;
  select * into english from public.notification_text(
    new.freelancer_id, new.type, new.request_id, new.title, new.message, 'en');
  if new.type = 'chat_message' then
    select c.id into chat_id from public.private_chats c where c.request_id = new.request_id;
  end if;
  perform realtime.send(
    jsonb_build_object(
      'id', new.id, 'request_id', new.request_id, 'type', new.type,
      'title', new.title, 'message', new.message, 'is_read', new.is_read,
      'created_at', new.created_at, 'read_at', new.read_at,
      'title_en', english.title, 'message_en', english.message, 'chat_id', chat_id,
      'op', lower(tg_op)),
    case tg_op when 'INSERT' then 'notification' else 'notification_updated' end,
    'freelancer:' || new.freelancer_id::text,
    true);
  return new;
end
$$;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke execute on function public.chat_viewing_window() from public, anon, authenticated;
grant execute on function public.chat_viewing_window() to service_role;
revoke execute on function public.chat_viewing(uuid, boolean) from public, anon, authenticated;
grant execute on function public.chat_viewing(uuid, boolean) to authenticated, service_role;
comment on function public.chat_viewing(uuid, boolean) is
  'callable by authenticated: the chat page says it is open (or closed); checks the caller is a party';

revoke execute on function public.request_notice_params(public.client_requests)
  from public, anon, authenticated;
grant execute on function public.request_notice_params(public.client_requests) to service_role;
revoke execute on function public.notification_text(uuid, text, uuid, text, text, text)
  from public, anon, authenticated;
grant execute on function public.notification_text(uuid, text, uuid, text, text, text)
  to service_role;
revoke execute on function public.my_notification_text(text, uuid, text, text, text)
  from public, anon, authenticated;
grant execute on function public.my_notification_text(text, uuid, text, text, text)
  to authenticated, service_role;
comment on function public.my_notification_text(text, uuid, text, text, text) is
  'callable by authenticated: the dashboard shows the caller''s notifications in their language; renders only the caller''s own requests';

revoke execute on function public.chat_messages_after_send() from public, anon, authenticated, service_role;
revoke execute on function public.broadcast_notification() from public, anon, authenticated, service_role;
