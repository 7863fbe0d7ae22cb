-- =============================================================================
-- Browsers broadcast `typing` only — and may still join to send it. Supabase
-- Realtime authorises a channel's writes once, at join, by inserting a probe row
-- whose event is NULL (read in supabase/realtime's authorization); the restrictive
-- policy of 20251127000200 refused that probe and with it every broadcast. The
-- probe passes now; a named broadcast event must be `typing` (presence is left to
-- the permissive policies). (Realtime does not re-check
-- each event: the pages treat any other event as a signal to refetch.)
-- =============================================================================
drop policy if exists "browsers broadcast typing only" on realtime.messages;
create policy "browsers broadcast typing only" on realtime.messages
  as restrictive
  for insert to authenticated
  with check (
    realtime.messages.extension <> 'broadcast'
    or coalesce(realtime.messages.event, 'typing') = 'typing');
