-- =============================================================================
-- Issue 16: the client's answer to a freelancer's question, sealed. The
-- functions seal it (khadum/requests/sealed.py: answer_details) and the
-- freelancer's dashboard opens it (the same module); SQL checks the plain text
-- (required) without storing it:
--   request_events.message   of a `details_answered` event: ciphertext
--                            (context request_events.message)
--   notifications.message    of a `details_answered` notification: the notice SQL
--                            rendered from the catalogue (details_answered_notice),
--                            sealed (context notifications.message)
-- Other events and notifications (the freelancer's question, catalogue texts)
-- stay plain. The web push copies the sealed body; the push sender opens it.
-- The three-argument answer_request_details (20251202000700) is kept for callers
-- not yet moved to the sealed path (it stores the answer as before; `khadum keys
-- rotate` seals such rows); drop it once none is left.
-- =============================================================================

-- The notice the freelancer gets, rendered from the catalogue as before, for the
-- function to seal (the request must be the client's: the blind index matches).
create or replace function public.details_answered_notice(
  p_request_id uuid, p_phone_index text, p_answer text
) returns text
language sql stable security definer set search_path = '' as $$
  select m.body
    from public.client_requests r
    cross join lateral public.render_message('notification.details_answered', 'ar',
      jsonb_build_object('client_name', coalesce(r.client_name, r.client_whatsapp_phone),
                         'answer', left(btrim(coalesce(p_answer, '')), 200))) m
   where r.id = p_request_id and r.client_phone_index = p_phone_index
$$;
revoke execute on function public.details_answered_notice(uuid, text, text)
  from public, anon, authenticated;
grant execute on function public.details_answered_notice(uuid, text, text) to service_role;

-- From 20251202000700_client_requests_sealed.sql: the answer and the notice arrive
-- sealed beside the plain answer (checked, not stored).
create or replace function public.answer_request_details(
  p_request_id uuid, p_phone_index text, p_answer text, p_answer_sealed text,
  p_notice_sealed text
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  req public.client_requests;
  rendered record;
begin
  select * into req from public.client_requests r where r.id = p_request_id for update;
  if not found or req.client_phone_index is distinct from p_phone_index then
    raise exception 'request_not_found' using errcode = 'KH404';
  end if;
  if not public.is_actionable(req) then
    raise exception 'request_not_actionable' using errcode = 'KH409';
  end if;
  if coalesce(btrim(p_answer), '') = '' then
    raise exception 'answer_required' using errcode = 'KH422';
  end if;
  if not public.is_ciphertext(coalesce(p_answer_sealed, ''))
     or not public.is_ciphertext(coalesce(p_notice_sealed, '')) then
    raise exception 'answer_not_sealed' using errcode = 'KH422';
  end if;

  insert into public.request_events (request_id, event_type, actor, message)
  values (req.id, 'details_answered', 'client', p_answer_sealed);
  select * into rendered from public.render_message('notification.details_answered', 'ar',
    '{}'::jsonb);
  insert into public.notifications (freelancer_id, request_id, title, message, type)
  values (req.freelancer_id, req.id, rendered.title, p_notice_sealed, 'details_answered');
  perform public.log_activity('client', public.client_actor_id(p_phone_index),
    'request.details_answered', 'client_request', req.id::text, '{}'::jsonb);
  return req.freelancer_id;
end
$$;
revoke execute on function public.answer_request_details(uuid, text, text, text, text)
from public, anon, authenticated;
grant execute on function public.answer_request_details(uuid, text, text, text, text)
  to service_role;
