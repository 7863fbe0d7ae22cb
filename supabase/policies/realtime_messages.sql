-- realtime.messages: who may join (select) and send on (insert) a private
-- channel. `freelancer:{id}` is its freelancer's; `chat:{id}` its two parties'.
alter table realtime.messages enable row level security;

drop policy if exists "owners receive on their topics" on realtime.messages;
create policy "owners receive on their topics" on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension in ('broadcast', 'presence')
    and (select public.can_use_topic(realtime.topic())));

-- Browsers only send on chat topics (typing, read receipts).
drop policy if exists "chat parties send on their chat topic" on realtime.messages;
create policy "chat parties send on their chat topic" on realtime.messages
  for insert to authenticated
  with check (
    realtime.messages.extension in ('broadcast', 'presence')
    and (select realtime.topic()) like 'chat:%'
    and (select public.can_use_topic(realtime.topic())));
