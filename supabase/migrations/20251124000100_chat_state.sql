-- =============================================================================
-- Private chat: read state, completion, cancellation, ratings, file metadata.
-- =============================================================================

alter table public.private_chats
  -- The stable `sub` of the client's chat session JWTs.
  add column client_session_sub uuid not null default gen_random_uuid(),
  add column client_last_read_at timestamptz,
  add column freelancer_last_read_at timestamptz,
  add column delivered_at timestamptz,
  add column completed_at timestamptz,
  add column cancelled_at timestamptz,
  add column cancelled_by varchar(20) check (cancelled_by in ('client', 'freelancer')),
  add column cancel_reason text,
  add column client_nudged_at timestamptz,
  add column rating_requested_at timestamptz;

alter table public.chat_messages
  add column was_masked boolean not null default false,
  add column file_name varchar(255),
  add column file_size bigint check (file_size is null or file_size >= 0),
  add column file_mime varchar(120);

create table public.chat_ratings (
  chat_id uuid primary key references public.private_chats (id),
  freelancer_id uuid not null references public.freelancers (id),
  rating smallint not null check (rating between 1 and 5),
  comment text check (comment is null or length(comment) <= 2000),
  created_at timestamptz not null default now()
);
create index chat_ratings_freelancer_idx on public.chat_ratings (freelancer_id, created_at desc);

-- Security: the chat's two parties read its rating; it is written by chat_rate() only.
alter table public.chat_ratings enable row level security;
revoke all on table public.chat_ratings from anon, authenticated, service_role;
grant select on table public.chat_ratings to authenticated;
grant select, insert, update, delete on table public.chat_ratings to service_role;

create policy "chat parties read the rating" on public.chat_ratings
  for select to authenticated
  using (chat_id = (select public.current_chat_session_id())
         or freelancer_id = (select public.current_freelancer_id()));

-- ---------------------------------------------------------------------------
-- Catalogue entries for the system notes the database writes into chats
-- ---------------------------------------------------------------------------
insert into public.message_catalogue (key, locale, title, body) values
  ('chat.masked', 'ar', 'حماية الخصوصية',
   '🔒 أخفينا بيانات تواصل (رقم أو بريد أو رابط) من رسالة سابقة. للحفاظ على حقوق الطرفين، يتم التواصل داخل منصة خدوم فقط.'),
  ('chat.masked', 'en', 'Privacy',
   '🔒 Contact details (a number, email or link) were hidden from a message. To protect both sides, all contact stays inside Khadum.'),
  ('chat.delivered', 'ar', 'تم التسليم', '📦 أعلن المستقل تسليم المشروع. نرجو من العميل مراجعته وتأكيد الاستلام.'),
  ('chat.delivered', 'en', 'Delivered', '📦 The freelancer marked the project delivered. Client: please review and confirm.'),
  ('chat.completed', 'ar', 'اكتمل المشروع', '✅ أكد العميل استلام المشروع. شكرًا لكما على استخدام خدوم!'),
  ('chat.completed', 'en', 'Completed', '✅ The client confirmed delivery. Thank you both for using Khadum!'),
  ('chat.cancelled', 'ar', 'أُلغيت المحادثة', '❌ تم إلغاء المحادثة. السبب: {reason}'),
  ('chat.cancelled', 'en', 'Chat cancelled', '❌ The chat was cancelled. Reason: {reason}'),
  ('notification.chat_message', 'ar', '💬 رسالة جديدة من عميل', '{client_name}: {preview}'),
  ('notification.chat_message', 'en', '💬 New message from a client', '{client_name}: {preview}');
