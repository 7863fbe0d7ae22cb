-- =============================================================================
-- Two changes of 2 December meet in the freelancer's notifications:
-- 20251202000410 (issue 13) renders a notification again in the viewer's
-- language from the request's values and puts the English text and the chat's
-- id in the live broadcast; 20251202000700 (issue 16) seals the client's
-- description and keeps every notification text out of the broadcast (Realtime
-- stores what it carries; the page reads the text through dashboard_api).
-- Here, their union: the broadcast carries ids, state, the catalogue's titles
-- and the chat's id, never a text naming the client; the rendered parameters
-- name the service by its title, since SQL cannot open the sealed description.
-- =============================================================================

create or replace function public.request_notice_params(r public.client_requests) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'client_name', coalesce(r.client_name, r.client_whatsapp_phone),
    'service_title', coalesce(nullif(btrim(r.service_title), ''), '—'),
    'service_description', coalesce(nullif(btrim(r.service_title), ''), '—'),
    'budget_range', coalesce(r.budget_range, '—'))
$$;

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
      'id', new.id, 'request_id', new.request_id, 'type', new.type, 'title', new.title,
      'is_read', new.is_read, 'created_at', new.created_at, 'read_at', new.read_at,
      'title_en', english.title, 'chat_id', chat_id,
      'op', lower(tg_op)),
    case tg_op when 'INSERT' then 'notification' else 'notification_updated' end,
    'freelancer:' || new.freelancer_id::text,
    true);
  return new;
end
$$;
