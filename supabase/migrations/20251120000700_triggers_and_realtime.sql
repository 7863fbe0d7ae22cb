-- =============================================================================
-- Triggers: a new request notifies its freelancer; chat messages bump the
-- chat's activity; every change a browser shows is broadcast with
-- realtime.send() in the same transaction as the write. Payloads carry ids,
-- statuses and display text only, never tokens or secrets.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- A new client request creates the freelancer's notification (spec card)
-- ---------------------------------------------------------------------------
create or replace function public.client_requests_notify_freelancer() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  rendered record;
begin
  if new.freelancer_id is null then
    return new;
  end if;
  select * into rendered from public.render_message('notification.client_request', 'ar',
    jsonb_build_object(
      'client_name', coalesce(new.client_name, new.client_whatsapp_phone),
      'service_description', left(new.service_description, 140),
      'budget_range', coalesce(new.budget_range, '—')));
  insert into public.notifications (freelancer_id, request_id, title, message, type)
  values (new.freelancer_id, new.id, rendered.title, rendered.body, 'client_request');
  return new;
end
$$;

create trigger client_requests_notify_freelancer
  after insert on public.client_requests
  for each row execute function public.client_requests_notify_freelancer();

-- ---------------------------------------------------------------------------
-- Chat messages keep the chat's last_activity current
-- ---------------------------------------------------------------------------
create or replace function public.chat_messages_bump_activity() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.private_chats
     set last_activity = greatest(coalesce(last_activity, new.created_at), new.created_at)
   where id = new.chat_id;
  return new;
end
$$;

create trigger chat_messages_bump_activity
  after insert on public.chat_messages
  for each row execute function public.chat_messages_bump_activity();

-- ---------------------------------------------------------------------------
-- Realtime broadcasts
-- ---------------------------------------------------------------------------
create or replace function public.broadcast_notification() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.freelancer_id is null then
    return new;
  end if;
  perform realtime.send(
    jsonb_build_object(
      'id', new.id, 'request_id', new.request_id, 'type', new.type,
      'title', new.title, 'message', new.message, 'is_read', new.is_read,
      'created_at', new.created_at, 'read_at', new.read_at,
      'op', lower(tg_op)),
    case tg_op when 'INSERT' then 'notification' else 'notification_updated' end,
    'freelancer:' || new.freelancer_id::text,
    true);
  return new;
end
$$;

create trigger notifications_broadcast
  after insert or update of is_read, read_at on public.notifications
  for each row execute function public.broadcast_notification();

create or replace function public.broadcast_request_status() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.freelancer_id is null or new.status is not distinct from old.status then
    return new;
  end if;
  perform realtime.send(
    jsonb_build_object(
      'request_id', new.id, 'status', new.status, 'previous_status', old.status,
      'responded_at', new.responded_at),
    'request_status',
    'freelancer:' || new.freelancer_id::text,
    true);
  return new;
end
$$;

create trigger client_requests_broadcast_status
  after update of status on public.client_requests
  for each row execute function public.broadcast_request_status();

create or replace function public.broadcast_chat_message() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(
    jsonb_build_object(
      'id', new.id, 'chat_id', new.chat_id, 'sender_type', new.sender_type,
      'message_content', new.message_content, 'message_type', new.message_type,
      'has_file', new.file_url is not null, 'created_at', new.created_at),
    'message',
    'chat:' || new.chat_id::text,
    true);
  return new;
end
$$;

create trigger chat_messages_broadcast
  after insert on public.chat_messages
  for each row execute function public.broadcast_chat_message();

-- Trigger functions: fired by the database, never called directly.
revoke execute on function
  public.client_requests_notify_freelancer(),
  public.chat_messages_bump_activity(),
  public.broadcast_notification(),
  public.broadcast_request_status(),
  public.broadcast_chat_message()
from public, anon, authenticated;
