-- =============================================================================
-- The bot's two state changes on requests: a client submits a request, and a
-- client answers a freelancer's question. One SQL function each, guards first;
-- the request's notification comes from the existing insert trigger.
-- =============================================================================

insert into public.message_catalogue (key, locale, title, body) values
  ('notification.details_answered', 'ar', '💬 رد العميل على سؤالك',
   '{client_name}: {answer}'),
  ('notification.details_answered', 'en', '💬 The client answered your question',
   '{client_name}: {answer}')
on conflict (key, locale) do update set title = excluded.title, body = excluded.body;

-- ---------------------------------------------------------------------------
-- submit_client_request: the row, its 'created' event and the activity entry
-- ---------------------------------------------------------------------------
create or replace function public.submit_client_request(
  p_phone text, p_name text, p_email text, p_freelancer_id uuid,
  p_description text, p_category text, p_budget_range text,
  p_details jsonb, p_reason text, p_language text default 'ar'
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  new_id uuid;
begin
  if coalesce(btrim(p_phone), '') !~ '^\+[0-9]{8,15}$' then
    raise exception 'invalid client phone: %', p_phone using errcode = '22023';
  end if;
  if coalesce(btrim(p_description), '') = '' then
    raise exception 'a request needs a description' using errcode = '22023';
  end if;
  if p_email is not null and p_email !~* '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    raise exception 'invalid email: %', p_email using errcode = '22023';
  end if;
  if not exists (select 1 from public.freelancers f where f.id = p_freelancer_id) then
    raise exception 'unknown freelancer: %', p_freelancer_id using errcode = 'P0002';
  end if;

  insert into public.client_requests (client_whatsapp_phone, client_name, client_email,
    freelancer_id, service_description, service_category, budget_range, project_details,
    reason_for_choice, client_language)
  values (btrim(p_phone), nullif(btrim(p_name), ''), lower(btrim(p_email)), p_freelancer_id,
    btrim(p_description), p_category, p_budget_range, coalesce(p_details, '{}'::jsonb),
    nullif(btrim(p_reason), ''), coalesce(p_language, 'ar'))
  returning id into new_id;

  insert into public.request_events (request_id, event_type, actor, message)
  values (new_id, 'created', 'client', null);
  perform public.log_activity('client', p_phone, 'request.created', 'client_request',
    new_id::text, jsonb_build_object('freelancer_id', p_freelancer_id, 'category', p_category,
                                     'channel', 'whatsapp'));
  return new_id;
end
$$;

-- ---------------------------------------------------------------------------
-- answer_request_details: the client's answer joins the request thread and
-- notifies the freelancer. Only the request's own client, only while pending.
-- ---------------------------------------------------------------------------
create or replace function public.answer_request_details(
  p_request_id uuid, p_phone text, p_answer text
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  req public.client_requests;
  rendered record;
begin
  select * into req from public.client_requests r where r.id = p_request_id for update;
  if not found or req.client_whatsapp_phone is distinct from p_phone then
    raise exception 'no such request for this client' using errcode = 'P0002';
  end if;
  if not public.is_actionable(req) then
    raise exception 'request % is no longer pending', p_request_id using errcode = '55000';
  end if;
  if coalesce(btrim(p_answer), '') = '' then
    raise exception 'an empty answer' using errcode = '22023';
  end if;

  insert into public.request_events (request_id, event_type, actor, message)
  values (req.id, 'details_answered', 'client', btrim(p_answer));
  select * into rendered from public.render_message('notification.details_answered', 'ar',
    jsonb_build_object('client_name', coalesce(req.client_name, req.client_whatsapp_phone),
                       'answer', left(btrim(p_answer), 200)));
  insert into public.notifications (freelancer_id, request_id, title, message, type)
  values (req.freelancer_id, req.id, rendered.title, rendered.body, 'details_answered');
  perform public.log_activity('client', p_phone, 'request.details_answered', 'client_request',
    req.id::text, '{}'::jsonb);
  return req.freelancer_id;
end
$$;

-- Server-side functions: the service role (and the owner) only.
revoke execute on function
  public.submit_client_request(text, text, text, uuid, text, text, text, jsonb, text, text),
  public.answer_request_details(uuid, text, text)
from public, anon, authenticated;
grant execute on function
  public.submit_client_request(text, text, text, uuid, text, text, text, jsonb, text, text),
  public.answer_request_details(uuid, text, text)
to service_role;
