-- =============================================================================
-- Delivery receipts, chat state broadcasts, and the chat summary both sides see
-- at the top of the page.
-- =============================================================================

alter table public.private_chats
  add column client_last_received_at timestamptz,
  add column freelancer_last_received_at timestamptz;

-- The caller's page has received everything up to now (second grey tick).
create or replace function public.chat_ack_received(p_chat_id uuid) returns timestamptz
language plpgsql security definer set search_path = '' as $$
declare
  chat public.private_chats := public.chat_guard(p_chat_id);
  stamp timestamptz := clock_timestamp();
begin
  if public.chat_side(p_chat_id) = 'client' then
    update public.private_chats set client_last_received_at = stamp where id = chat.id;
  else
    update public.private_chats set freelancer_last_received_at = stamp where id = chat.id;
  end if;
  return stamp;
end
$$;

create or replace function public.broadcast_chat_state() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  payload jsonb := jsonb_build_object(
    'chat_id', new.id, 'status', new.status, 'delivered_at', new.delivered_at,
    'completed_at', new.completed_at, 'cancelled_at', new.cancelled_at,
    'client_last_read_at', new.client_last_read_at,
    'freelancer_last_read_at', new.freelancer_last_read_at,
    'client_last_received_at', new.client_last_received_at,
    'freelancer_last_received_at', new.freelancer_last_received_at);
begin
  perform realtime.send(payload, 'chat_state', 'chat:' || new.id::text, true);
  perform realtime.send(payload, 'chat_state', 'freelancer:' || new.freelancer_id::text, true);
  return new;
end
$$;

create trigger private_chats_broadcast_state
  after update of status, delivered_at, client_last_read_at, freelancer_last_read_at,
    client_last_received_at, freelancer_last_received_at
  on public.private_chats
  for each row execute function public.broadcast_chat_state();

-- Everything the chat page header needs, for either party; nobody else.
-- Contact details (phone, email) are deliberately absent.
create or replace function public.chat_summary(p_chat_id uuid) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  side text := public.chat_side(p_chat_id);
  result jsonb;
begin
  if side is null then
    raise exception 'not_a_party' using errcode = 'KH403';
  end if;
  select jsonb_build_object(
    'chat_id', c.id, 'status', c.status, 'side', side, 'created_at', c.created_at,
    'last_activity', c.last_activity, 'delivered_at', c.delivered_at,
    'completed_at', c.completed_at, 'cancelled_at', c.cancelled_at,
    'cancelled_by', c.cancelled_by, 'cancel_reason', c.cancel_reason,
    'client_last_read_at', c.client_last_read_at,
    'freelancer_last_read_at', c.freelancer_last_read_at,
    'client_last_received_at', c.client_last_received_at,
    'freelancer_last_received_at', c.freelancer_last_received_at,
    'unread', public.chat_unread_count(c.id),
    'client_name', r.client_name,
    'request', jsonb_build_object(
      'description', r.service_description, 'budget', r.budget_range,
      'category', r.service_category, 'category_ar', sc.name_ar, 'category_en', sc.name_en),
    'freelancer', jsonb_build_object(
      'id', f.id, 'display_name', f.display_name, 'display_name_en', f.display_name_en,
      'headline', f.headline, 'rating', f.rating, 'rating_count', f.rating_count),
    'rating', (select jsonb_build_object('rating', cr.rating, 'comment', cr.comment)
               from public.chat_ratings cr where cr.chat_id = c.id))
  into result
  from public.private_chats c
  left join public.client_requests r on r.id = c.request_id
  left join public.service_categories sc on sc.slug = r.service_category
  left join public.freelancers f on f.id = c.freelancer_id
  where c.id = p_chat_id;
  return result;
end
$$;

revoke execute on function public.broadcast_chat_state() from public, anon, authenticated;

-- The parties' own receipt and header: each checks the caller is a party.
revoke execute on function
  public.chat_ack_received(uuid),
  public.chat_summary(uuid)
from public, anon, authenticated;
grant execute on function
  public.chat_ack_received(uuid),
  public.chat_summary(uuid)
to authenticated, service_role;
comment on function public.chat_ack_received(uuid) is
  'callable by authenticated: a chat party''s own delivery receipt; the function checks the caller is a party';
comment on function public.chat_summary(uuid) is
  'callable by authenticated: the chat page header for either party; refuses anyone else (KH403)';
