-- =============================================================================
-- The client's answer to a freelancer's question is stored sealed only: the bot
-- now calls the five-argument answer_request_details (khadum.requests.sealed.
-- answer_details), so the three-argument one, which stored it in plain text, is
-- dropped, and checks refuse a plain answer or notice from any path. `not valid`:
-- rows from before the upgrade stay until `khadum keys rotate` seals them (then
-- `alter table … validate constraint …`, README "Rotating the data key").
-- =============================================================================

drop function if exists public.answer_request_details(uuid, text, text);

-- The ciphertext's shape is written out (public.is_ciphertext's pattern), not
-- called: a check runs as whoever writes the row, and freelancers update their
-- notifications (is_read) themselves, without EXECUTE on that function.
alter table public.request_events
  add constraint request_events_answer_sealed
    check (event_type <> 'details_answered' or message is null
           or message ~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$') not valid;

alter table public.notifications
  add constraint notifications_answer_sealed
    check (type <> 'details_answered' or message is null
           or message ~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$') not valid;
