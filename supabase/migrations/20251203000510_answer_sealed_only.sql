-- =============================================================================
-- The client's answer to a freelancer's question is stored sealed only: the bot
-- now calls the five-argument answer_request_details (khadum.requests.sealed.
-- answer_details), so the three-argument one, which stored it in plain text, is
-- dropped, and checks refuse a plain answer or notice from any path. `not valid`:
-- rows from before the upgrade stay until `khadum keys rotate` seals them (then
-- `alter table … validate constraint …`, README "Rotating the data key").
-- =============================================================================

drop function if exists public.answer_request_details(uuid, text, text);

alter table public.request_events
  add constraint request_events_answer_sealed
    check (event_type <> 'details_answered' or message is null
           or public.is_ciphertext(message)) not valid;

alter table public.notifications
  add constraint notifications_answer_sealed
    check (type <> 'details_answered' or message is null
           or public.is_ciphertext(message)) not valid;
