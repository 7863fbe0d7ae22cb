-- =============================================================================
-- The four tables of the product specification, with exactly its columns,
-- types, defaults and checks. Extend with new columns; never rename or drop.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- client_requests
-- ---------------------------------------------------------------------------
CREATE TABLE client_requests (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    client_whatsapp_phone VARCHAR(20) NOT NULL,
    client_name VARCHAR(255),
    client_email VARCHAR(255),
    freelancer_id UUID REFERENCES freelancers(id),
    service_description TEXT NOT NULL,
    service_category VARCHAR(255),
    budget_range VARCHAR(100),
    project_details JSONB,
    reason_for_choice TEXT,
    status VARCHAR(50) DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'expired')),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    responded_at TIMESTAMP WITH TIME ZONE,
    expires_at TIMESTAMP WITH TIME ZONE DEFAULT (NOW() + INTERVAL '24 hours')
);

-- Extensions of the spec table.
alter table public.client_requests
  add column client_language varchar(5) not null default 'ar' check (client_language in ('ar', 'en')),
  add column response_message text,
  add constraint client_requests_service_category_fkey
    foreign key (service_category) references public.service_categories (slug);

create index client_requests_freelancer_created_idx
  on public.client_requests (freelancer_id, created_at desc);
create index client_requests_freelancer_status_idx
  on public.client_requests (freelancer_id, status, created_at desc);
create index client_requests_pending_expiry_idx
  on public.client_requests (expires_at) where status = 'pending';
create index client_requests_phone_idx
  on public.client_requests (client_whatsapp_phone, created_at desc);

-- ---------------------------------------------------------------------------
-- private_chats
-- ---------------------------------------------------------------------------
CREATE TABLE private_chats (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    request_id UUID REFERENCES client_requests(id),
    client_whatsapp_phone VARCHAR(20) NOT NULL,
    freelancer_id UUID REFERENCES freelancers(id),
    chat_url_token VARCHAR(255) UNIQUE NOT NULL,
    status VARCHAR(50) DEFAULT 'active' CHECK (status IN ('active', 'completed', 'cancelled')),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    last_activity TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

-- Exactly one chat per accepted request.
create unique index private_chats_request_id_key on public.private_chats (request_id);
create index private_chats_freelancer_activity_idx
  on public.private_chats (freelancer_id, last_activity desc);

-- ---------------------------------------------------------------------------
-- chat_messages
-- ---------------------------------------------------------------------------
CREATE TABLE chat_messages (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    chat_id UUID REFERENCES private_chats(id),
    sender_type VARCHAR(20) CHECK (sender_type IN ('client', 'freelancer')),
    sender_id VARCHAR(255), -- whatsapp_phone for client, freelancer_id for freelancer
    message_content TEXT NOT NULL,
    message_type VARCHAR(20) DEFAULT 'text' CHECK (message_type IN ('text', 'image', 'file', 'system')),
    file_url TEXT,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

create index chat_messages_chat_created_idx on public.chat_messages (chat_id, created_at desc);

-- ---------------------------------------------------------------------------
-- notifications
-- ---------------------------------------------------------------------------
CREATE TABLE notifications (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    freelancer_id UUID REFERENCES freelancers(id),
    request_id UUID REFERENCES client_requests(id),
    title VARCHAR(255) NOT NULL,
    message TEXT NOT NULL,
    type VARCHAR(50) DEFAULT 'client_request',
    is_read BOOLEAN DEFAULT FALSE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    read_at TIMESTAMP WITH TIME ZONE
);

create index notifications_freelancer_created_idx
  on public.notifications (freelancer_id, created_at desc);
create index notifications_freelancer_unread_idx
  on public.notifications (freelancer_id) where is_read = false;
create index notifications_request_idx on public.notifications (request_id);

-- ---------------------------------------------------------------------------
-- Reads never show an overdue request as actionable
-- ---------------------------------------------------------------------------
-- A computed field (PostgREST exposes it as `effective_status`): the status a
-- reader should see, even in the minute before expire_requests() runs.
create or replace function public.effective_status(request public.client_requests) returns text
language sql stable set search_path = '' as $$
  select case
    when request.status = 'pending' and request.expires_at <= now() then 'expired'
    else request.status
  end
$$;

create or replace function public.is_actionable(request public.client_requests) returns boolean
language sql stable set search_path = '' as $$
  select request.status = 'pending' and request.expires_at > now()
$$;

revoke execute on function
  public.effective_status(public.client_requests),
  public.is_actionable(public.client_requests)
from public, anon, authenticated;
grant execute on function
  public.effective_status(public.client_requests),
  public.is_actionable(public.client_requests)
to authenticated, service_role;
comment on function public.effective_status(public.client_requests) is
  'callable by authenticated: a computed field of the rows the caller may already read';
comment on function public.is_actionable(public.client_requests) is
  'callable by authenticated: a computed field of the rows the caller may already read';

-- ---------------------------------------------------------------------------
-- Access predicates the policies below are built from (one place for each
-- rule). security definer so they can look ownership up without recursing
-- into RLS; they read only the caller's own JWT claims.
-- ---------------------------------------------------------------------------

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

revoke execute on function
  public.current_chat_session_id(),
  public.is_chat_party(uuid),
  public.current_chat_session_request_id()
from public, anon, authenticated;
grant execute on function
  public.current_chat_session_id(),
  public.is_chat_party(uuid),
  public.current_chat_session_request_id()
to authenticated, service_role;
comment on function public.current_chat_session_id() is
  'callable by authenticated: the RLS policies call it as the caller (it reads the caller''s own claims)';
comment on function public.is_chat_party(uuid) is
  'callable by authenticated: the RLS policies call it as the caller (it answers about the caller only)';
comment on function public.current_chat_session_request_id() is
  'callable by authenticated: the RLS policies call it as the caller (it answers about the caller only)';

-- ---------------------------------------------------------------------------
-- Security: client_requests — read-only to the freelancer it was sent to and
-- to the client chat session of its chat. State changes go through functions.
-- ---------------------------------------------------------------------------
alter table public.client_requests enable row level security;
revoke all on table public.client_requests from anon, authenticated, service_role;
grant select on table public.client_requests to authenticated;
grant select, insert, update, delete on table public.client_requests to service_role;

create policy "freelancers read requests sent to them" on public.client_requests
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

create policy "chat clients read their request" on public.client_requests
  for select to authenticated
  using (id = (select public.current_chat_session_request_id()));

-- ---------------------------------------------------------------------------
-- Security: private_chats — visible to its two parties only. Created by the
-- accept function; status changes go through the functions.
-- ---------------------------------------------------------------------------
alter table public.private_chats enable row level security;
revoke all on table public.private_chats from anon, authenticated, service_role;
grant select on table public.private_chats to authenticated;
grant select, insert, update, delete on table public.private_chats to service_role;

create policy "freelancers read their chats" on public.private_chats
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

create policy "chat clients read their chat" on public.private_chats
  for select to authenticated
  using (id = (select public.current_chat_session_id()));

-- ---------------------------------------------------------------------------
-- Security: chat_messages — the chat's two parties read its messages and
-- write as themselves, only while the chat is active.
-- ---------------------------------------------------------------------------
alter table public.chat_messages enable row level security;
revoke all on table public.chat_messages from anon, authenticated, service_role;
grant select, insert on table public.chat_messages to authenticated;
grant select, insert, update, delete on table public.chat_messages to service_role;

create policy "freelancers read their chats' messages" on public.chat_messages
  for select to authenticated
  using (chat_id in (
    select c.id from public.private_chats c
    where c.freelancer_id = (select public.current_freelancer_id())));

create policy "chat clients read their chat's messages" on public.chat_messages
  for select to authenticated
  using (chat_id = (select public.current_chat_session_id()));

create policy "freelancers write in their active chats" on public.chat_messages
  for insert to authenticated
  with check (
    sender_type = 'freelancer'
    and message_type <> 'system'
    and sender_id = (select public.current_freelancer_id())::text
    and chat_id in (
      select c.id from public.private_chats c
      where c.freelancer_id = (select public.current_freelancer_id()) and c.status = 'active'));

create policy "chat clients write in their active chat" on public.chat_messages
  for insert to authenticated
  with check (
    sender_type = 'client'
    and message_type <> 'system'
    and chat_id = (select public.current_chat_session_id())
    and sender_id = (select c.client_whatsapp_phone from public.private_chats c
                     where c.id = (select public.current_chat_session_id()) and c.status = 'active'));

-- ---------------------------------------------------------------------------
-- Security: notifications — a freelancer reads their own and may mark them read.
-- ---------------------------------------------------------------------------
alter table public.notifications enable row level security;
revoke all on table public.notifications from anon, authenticated, service_role;
grant select on table public.notifications to authenticated;
grant update (is_read, read_at) on table public.notifications to authenticated;
grant select, insert, update, delete on table public.notifications to service_role;

create policy "freelancers read their notifications" on public.notifications
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

create policy "freelancers mark their notifications read" on public.notifications
  for update to authenticated
  using (freelancer_id = (select public.current_freelancer_id()))
  with check (freelancer_id = (select public.current_freelancer_id()));
