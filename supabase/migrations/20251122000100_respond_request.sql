-- =============================================================================
-- Freelancer responses: accept, reject, ask for details. One SQL function per
-- action, each one transaction: guard clauses first, then the row lock, then
-- the change and everything it queues (chat, WhatsApp notice, emails, thread,
-- activity log). Called by the respond_request function with the caller's
-- verified auth user id; never granted to the API roles.
--
-- Stable errors (the function maps errcode → HTTP status, message → code):
--   KH403 not_a_freelancer | not_your_request      → 403
--   KH404 request_not_found                        → 404
--   KH409 request_expired | request_already_<status> → 409
--   KH422 <field>_required | <field>_too_long      → 422
-- =============================================================================

-- ---------------------------------------------------------------------------
-- The shared guard: find, authorise, lock, check pending and unexpired.
-- ---------------------------------------------------------------------------
create or replace function public.lock_request_for_response(
  p_request_id uuid, p_user_id uuid
) returns public.client_requests
language plpgsql security definer set search_path = '' as $$
declare
  caller_freelancer uuid;
  request public.client_requests;
begin
  select f.id into caller_freelancer from public.freelancers f where f.user_id = p_user_id;
  if caller_freelancer is null then
    raise exception 'not_a_freelancer' using errcode = 'KH403';
  end if;
  -- The row lock serialises concurrent answers and the expiry job (which skips
  -- locked rows); everything below sees the row as it is now.
  select r.* into request from public.client_requests r where r.id = p_request_id for update;
  if not found then
    raise exception 'request_not_found' using errcode = 'KH404';
  end if;
  if request.freelancer_id is distinct from caller_freelancer then
    raise exception 'not_your_request' using errcode = 'KH403';
  end if;
  if request.status = 'pending' and request.expires_at <= now() then
    raise exception 'request_expired' using errcode = 'KH409';
  end if;
  if request.status <> 'pending' then
    raise exception 'request_already_%', request.status using errcode = 'KH409';
  end if;
  return request;
end
$$;

-- Queue one rendered email per element of p_emails (idempotent on the key).
create or replace function public.queue_rendered_emails(p_request_id uuid, p_emails jsonb)
returns void
language sql security definer set search_path = '' as $$
  insert into public.email_outbox (idempotency_key, to_email, template, params, locale,
                                   subject, html_body, text_body, request_id)
  select p_request_id::text || ':' || (e ->> 'template'), e ->> 'to_email', e ->> 'template',
         coalesce(e -> 'params', '{}'::jsonb), coalesce(e ->> 'locale', 'ar'),
         e ->> 'subject', e ->> 'html_body', e ->> 'text_body', p_request_id
  from jsonb_array_elements(coalesce(p_emails, '[]'::jsonb)) e
  where nullif(e ->> 'to_email', '') is not null
  on conflict (idempotency_key) do nothing;
$$;

-- ---------------------------------------------------------------------------
-- Accept: status, responded_at, exactly one private chat, the client's
-- WhatsApp notice with the link, both emails, thread, activity log.
-- p_chat_id and p_chat_token come from the caller (the token ≥ 128 random
-- bits, URL-safe) so that p_emails, rendered from templates, carry the real
-- links; the unique index on private_chats.request_id is the last word on
-- "exactly one chat".
-- ---------------------------------------------------------------------------
create or replace function public.accept_request(
  p_request_id uuid, p_user_id uuid, p_chat_id uuid, p_chat_token text, p_chat_url text,
  p_emails jsonb
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  f public.freelancers;
begin
  if p_chat_id is null then
    raise exception 'chat_id_required' using errcode = 'KH422';
  end if;
  if p_chat_token is null or length(p_chat_token) < 22 or p_chat_token !~ '^[A-Za-z0-9_-]+$' then
    raise exception 'chat_token_invalid' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  select * into f from public.freelancers where id = r.freelancer_id;

  update public.client_requests
     set status = 'accepted', responded_at = now()
   where id = r.id
  returning * into r;

  insert into public.private_chats (id, request_id, client_whatsapp_phone, freelancer_id,
                                    chat_url_token)
  values (p_chat_id, r.id, r.client_whatsapp_phone, r.freelancer_id,
          p_chat_token);

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'accepted', 'freelancer', null);

  insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
  values (r.client_whatsapp_phone, 'request_accepted',
          jsonb_build_object('request_id', r.id, 'freelancer_id', r.freelancer_id,
                             'freelancer_name', f.display_name, 'chat_url', p_chat_url),
          r.client_language, r.id);

  perform public.queue_rendered_emails(r.id, p_emails);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.accepted',
    'client_request', r.id::text, jsonb_build_object('chat_id', p_chat_id));

  return to_jsonb(r);
end
$$;

-- ---------------------------------------------------------------------------
-- Reject: status, the reason kept, the client told (and offered others by the
-- bot when it renders request_rejected), thread, activity log.
-- ---------------------------------------------------------------------------
create or replace function public.reject_request(
  p_request_id uuid, p_user_id uuid, p_reason text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  f public.freelancers;
  reason text := nullif(btrim(coalesce(p_reason, '')), '');
begin
  if length(reason) > 1000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  select * into f from public.freelancers where id = r.freelancer_id;

  update public.client_requests
     set status = 'rejected', responded_at = now(), response_message = reason
   where id = r.id
  returning * into r;

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'rejected', 'freelancer', reason);

  insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
  values (r.client_whatsapp_phone, 'request_rejected',
          jsonb_build_object('request_id', r.id, 'freelancer_id', r.freelancer_id,
                             'freelancer_name', f.display_name, 'reason', reason),
          r.client_language, r.id);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.rejected',
    'client_request', r.id::text, jsonb_build_object('has_reason', reason is not null));

  return to_jsonb(r);
end
$$;

-- ---------------------------------------------------------------------------
-- Ask for details: the question joins the thread and goes to the client
-- through the bot. The request stays pending (and its clock keeps running).
-- ---------------------------------------------------------------------------
create or replace function public.request_details(
  p_request_id uuid, p_user_id uuid, p_question text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  f public.freelancers;
  question text := nullif(btrim(coalesce(p_question, '')), '');
begin
  if question is null then
    raise exception 'message_required' using errcode = 'KH422';
  end if;
  if length(question) > 1000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  select * into f from public.freelancers where id = r.freelancer_id;

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'details_requested', 'freelancer', question);

  insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
  values (r.client_whatsapp_phone, 'details_requested',
          jsonb_build_object('request_id', r.id, 'freelancer_id', r.freelancer_id,
                             'freelancer_name', f.display_name, 'question', question),
          r.client_language, r.id);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.details_requested',
    'client_request', r.id::text, jsonb_build_object('length', length(question)));

  return to_jsonb(r);
end
$$;

revoke execute on function
  public.lock_request_for_response(uuid, uuid),
  public.queue_rendered_emails(uuid, jsonb),
  public.accept_request(uuid, uuid, uuid, text, text, jsonb),
  public.reject_request(uuid, uuid, text),
  public.request_details(uuid, uuid, text)
from public, anon, authenticated;
grant execute on function
  public.lock_request_for_response(uuid, uuid),
  public.queue_rendered_emails(uuid, jsonb),
  public.accept_request(uuid, uuid, uuid, text, text, jsonb),
  public.reject_request(uuid, uuid, text),
  public.request_details(uuid, uuid, text)
to service_role;
