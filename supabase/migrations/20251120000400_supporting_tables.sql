-- =============================================================================
-- Supporting tables: bot conversations, WhatsApp in/out, email outbox,
-- request events and the activity log. Server-side only (service role),
-- except the request thread, which the request's freelancer reads.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Bot conversations: one state machine per client phone
-- ---------------------------------------------------------------------------
create table public.bot_conversations (
  client_phone varchar(20) primary key,
  state varchar(40) not null default 'new',
  language varchar(5) not null default 'ar' check (language in ('ar', 'en')),
  data jsonb not null default '{}'::jsonb,
  last_inbound_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.bot_conversations enable row level security;
revoke all on table public.bot_conversations from anon, authenticated, service_role;
grant select, insert, update, delete on table public.bot_conversations to service_role;

-- ---------------------------------------------------------------------------
-- Inbound WhatsApp messages: stored before the webhook answers 200.
-- Meta redelivers for up to 7 days, so the wamid is unique.
-- ---------------------------------------------------------------------------
create table public.whatsapp_inbound (
  id uuid primary key default gen_random_uuid(),
  wamid varchar(255) not null unique,
  client_phone varchar(20) not null,
  message_type varchar(40) not null,
  payload jsonb not null,
  sent_at timestamptz,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  attempts integer not null default 0,
  last_error text
);
create index whatsapp_inbound_unprocessed_idx
  on public.whatsapp_inbound (client_phone, received_at) where processed_at is null;

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.whatsapp_inbound enable row level security;
revoke all on table public.whatsapp_inbound from anon, authenticated, service_role;
grant select, insert, update, delete on table public.whatsapp_inbound to service_role;

-- ---------------------------------------------------------------------------
-- Outbound WhatsApp outbox with delivery statuses
-- ---------------------------------------------------------------------------
create table public.whatsapp_outbox (
  id uuid primary key default gen_random_uuid(),
  to_phone varchar(20) not null,
  -- Either a ready Graph API body, or a catalogue key + params rendered at send time.
  body jsonb,
  message_key varchar(80),
  params jsonb not null default '{}'::jsonb,
  locale varchar(5) not null default 'ar',
  request_id uuid references public.client_requests (id),
  status varchar(20) not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'delivered', 'read', 'failed')),
  wamid varchar(255) unique,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  error_code varchar(20),
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  check (body is not null or message_key is not null)
);
create index whatsapp_outbox_due_idx
  on public.whatsapp_outbox (next_attempt_at) where status = 'queued';
create index whatsapp_outbox_phone_idx on public.whatsapp_outbox (to_phone, created_at);

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.whatsapp_outbox enable row level security;
revoke all on table public.whatsapp_outbox from anon, authenticated, service_role;
grant select, insert, update, delete on table public.whatsapp_outbox to service_role;

create table public.whatsapp_status_events (
  id bigint generated always as identity primary key,
  wamid varchar(255) not null,
  status varchar(20) not null,
  occurred_at timestamptz not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  unique (wamid, status)
);

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.whatsapp_status_events enable row level security;
revoke all on table public.whatsapp_status_events from anon, authenticated, service_role;
grant select, insert, update, delete on table public.whatsapp_status_events to service_role;

-- ---------------------------------------------------------------------------
-- Email outbox (Resend or SMTP) with delivery events
-- ---------------------------------------------------------------------------
create table public.email_outbox (
  id uuid primary key default gen_random_uuid(),
  idempotency_key varchar(255) not null unique,
  to_email varchar(255) not null check (to_email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  template varchar(80) not null,
  params jsonb not null default '{}'::jsonb,
  locale varchar(5) not null default 'ar',
  subject text,
  html_body text,
  text_body text,
  request_id uuid references public.client_requests (id),
  status varchar(20) not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'delivered', 'delayed',
                      'bounced', 'complained', 'failed')),
  provider varchar(20),
  provider_id varchar(255),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  opened_at timestamptz,
  clicked_at timestamptz
);
create index email_outbox_due_idx on public.email_outbox (next_attempt_at) where status = 'queued';
create index email_outbox_provider_idx on public.email_outbox (provider_id);
create index email_outbox_request_idx on public.email_outbox (request_id);

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.email_outbox enable row level security;
revoke all on table public.email_outbox from anon, authenticated, service_role;
grant select, insert, update, delete on table public.email_outbox to service_role;

create table public.email_events (
  id bigint generated always as identity primary key,
  email_id uuid references public.email_outbox (id),
  provider_event_id varchar(255) not null unique,
  event_type varchar(40) not null,
  payload jsonb not null,
  occurred_at timestamptz,
  received_at timestamptz not null default now()
);
create index email_events_email_idx on public.email_events (email_id);

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.email_events enable row level security;
revoke all on table public.email_events from anon, authenticated, service_role;
grant select, insert, update, delete on table public.email_events to service_role;

-- ---------------------------------------------------------------------------
-- Request events: the request's thread (created, questions, answers, outcome)
-- ---------------------------------------------------------------------------
create table public.request_events (
  id bigint generated always as identity primary key,
  request_id uuid not null references public.client_requests (id),
  event_type varchar(30) not null
    check (event_type in ('created', 'details_requested', 'details_answered',
                          'accepted', 'rejected', 'expired', 'cancelled')),
  actor varchar(20) not null check (actor in ('client', 'freelancer', 'system')),
  message text,
  created_at timestamptz not null default now()
);
create index request_events_request_idx on public.request_events (request_id, created_at);

-- Security: the request thread, readable by the request's freelancer.
alter table public.request_events enable row level security;
revoke all on table public.request_events from anon, authenticated, service_role;
grant select on table public.request_events to authenticated;
grant select, insert, update, delete on table public.request_events to service_role;

create policy "freelancers read their requests' threads" on public.request_events
  for select to authenticated
  using (request_id in (
    select r.id from public.client_requests r
    where r.freelancer_id = (select public.current_freelancer_id())));

-- ---------------------------------------------------------------------------
-- Activity log for review (append-only)
-- ---------------------------------------------------------------------------
create table public.activity_log (
  id bigint generated always as identity primary key,
  actor_type varchar(20) not null check (actor_type in ('client', 'freelancer', 'system', 'operator')),
  actor_id varchar(255),
  action varchar(80) not null,
  subject_type varchar(40),
  subject_id varchar(255),
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index activity_log_created_idx on public.activity_log (created_at desc);
create index activity_log_subject_idx on public.activity_log (subject_type, subject_id);

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.activity_log enable row level security;
revoke all on table public.activity_log from anon, authenticated, service_role;
grant select, insert, update, delete on table public.activity_log to service_role;

create or replace function public.log_activity(
  p_actor_type text, p_actor_id text, p_action text,
  p_subject_type text, p_subject_id text, p_details jsonb default '{}'::jsonb
) returns void
language sql security definer set search_path = '' as $$
  insert into public.activity_log (actor_type, actor_id, action, subject_type, subject_id, details)
  values (p_actor_type, p_actor_id, p_action, p_subject_type, p_subject_id, coalesce(p_details, '{}'::jsonb));
$$;

revoke execute on function public.log_activity(text, text, text, text, text, jsonb)
  from public, anon, authenticated;
grant execute on function public.log_activity(text, text, text, text, text, jsonb) to service_role;
