-- =============================================================================
-- Broadcasts a browser may send are `typing` only (issue 15, H3). Everything
-- else on `chat:{id}` (messages, chat_state, read receipts) comes from the
-- database with realtime.send(). Restrictive: it narrows whatever permissive
-- INSERT policies exist on realtime.messages, so no later policy can widen it.
-- =============================================================================

drop policy if exists "browsers broadcast typing only" on realtime.messages;
create policy "browsers broadcast typing only" on realtime.messages
  as restrictive
  for insert to authenticated
  with check (
    realtime.messages.extension = 'broadcast'
    and realtime.messages.event = 'typing');
