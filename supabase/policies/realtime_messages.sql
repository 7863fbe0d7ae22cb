-- realtime.messages: who may join (select) and send on (insert) a private
-- channel. `freelancer:{id}` is its freelancer's; `chat:{id}` its two parties'.
-- RLS on realtime.messages is Supabase's (its owner, supabase_realtime_admin, enables it):
-- `postgres` may add policies but not alter the table.

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
