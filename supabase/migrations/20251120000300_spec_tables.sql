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
