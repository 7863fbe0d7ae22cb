-- =============================================================================
-- One error family, one email rule.
--
-- Every deliberate refusal raises errcode KH + the HTTP status with a stable
-- code as its message (khadum/sqlerrors.py turns it into the JSON error). The
-- request intake functions (20251121000200_bot_requests.sql and its later
-- redefinitions) still raised 22023/P0002/55000 with English sentences; they
-- are redefined here from their latest definitions with the same checks.
--
-- What an email address looks like is decided once, by public.is_email(); the
-- outbox constraint and submit_client_request use it, and Python's one pattern
-- (khadum/validation.py) is held equal to it by tests/db/test_one_rule.py.
-- =============================================================================

create or replace function public.is_email(p_email text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select p_email is not null
     and char_length(p_email) <= 254
     and p_email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$'
$$;
revoke execute on function public.is_email(text) from public, anon, authenticated;
grant execute on function public.is_email(text) to authenticated, service_role;
comment on function public.is_email(text) is
  'callable by authenticated: pure text check (security invoker), the one email rule';

alter table public.email_outbox drop constraint if exists email_outbox_to_email_check;
alter table public.email_outbox
  add constraint email_outbox_to_email_check check (public.is_email(to_email));

-- From 20251130000400_submit_request_caps_and_title.sql, refusals as KH4xx.
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
    raise exception 'invalid_phone' using errcode = 'KH422';
  end if;
  if coalesce(btrim(p_description), '') = '' then
    raise exception 'description_required' using errcode = 'KH422';
  end if;
  if p_email is not null and not public.is_email(btrim(p_email)) then
    raise exception 'invalid_email' using errcode = 'KH422';
  end if;
  if not exists (select 1 from public.freelancers f where f.id = p_freelancer_id) then
    raise exception 'freelancer_not_found' using errcode = 'KH404';
  end if;
  perform public.check_request_caps(btrim(p_phone), p_freelancer_id);

  insert into public.client_requests (client_whatsapp_phone, client_name, client_email,
    freelancer_id, service_description, service_category, budget_range, project_details,
    reason_for_choice, client_language, service_title)
  values (btrim(p_phone), nullif(btrim(p_name), ''), lower(btrim(p_email)), p_freelancer_id,
    btrim(p_description), p_category, p_budget_range, coalesce(p_details, '{}'::jsonb) - 'title',
    nullif(btrim(p_reason), ''), coalesce(p_language, 'ar'),
    nullif(left(btrim(coalesce(p_details ->> 'title', '')), 120), ''))
  returning id into new_id;

  insert into public.request_events (request_id, event_type, actor, message)
  values (new_id, 'created', 'client', null);
  perform public.log_activity('client', p_phone, 'request.created', 'client_request',
    new_id::text, jsonb_build_object('freelancer_id', p_freelancer_id, 'category', p_category,
                                     'channel', 'whatsapp'));
  return new_id;
end
$$;

revoke execute on function public.submit_client_request(
  text, text, text, uuid, text, text, text, jsonb, text, text)
from public, anon, authenticated;
grant execute on function public.submit_client_request(
  text, text, text, uuid, text, text, text, jsonb, text, text)
to service_role;

-- From 20251121000200_bot_requests.sql, refusals as KH4xx.
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
    raise exception 'request_not_found' using errcode = 'KH404';
  end if;
  if not public.is_actionable(req) then
    raise exception 'request_not_actionable' using errcode = 'KH409';
  end if;
  if coalesce(btrim(p_answer), '') = '' then
    raise exception 'answer_required' using errcode = 'KH422';
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

revoke execute on function public.answer_request_details(uuid, text, text)
from public, anon, authenticated;
grant execute on function public.answer_request_details(uuid, text, text) to service_role;

-- From 20251123000100_email_delivery.sql, its refusal as KH422.
create or replace function public.record_email_event(
  p_event_id text, p_event_type text, p_provider_id text, p_payload jsonb,
  p_occurred_at timestamptz
) returns text
language plpgsql set search_path = '' as $$
declare
  v_email_id uuid;
begin
  if p_event_id is null or p_event_type is null then
    raise exception 'email_event_incomplete' using errcode = 'KH422';
  end if;
  -- Serialise with record_email_sent() for this provider id (no lost early events).
  if p_provider_id is not null then
    perform pg_advisory_xact_lock(hashtextextended('email:' || p_provider_id, 0));
    select id into v_email_id from public.email_outbox
     where provider_id = p_provider_id order by created_at limit 1;
  end if;

  insert into public.email_events (email_id, provider_event_id, event_type, payload,
                                   occurred_at, provider_id)
  values (v_email_id, p_event_id, p_event_type, p_payload, p_occurred_at, p_provider_id)
  on conflict (provider_event_id) do nothing;
  if not found then
    return 'duplicate';
  end if;
  if v_email_id is null then
    return 'unmatched';
  end if;
  perform public.apply_email_state(v_email_id, p_event_type, p_occurred_at, p_payload);
  return 'applied';
end;
$$;

revoke execute on function public.record_email_event(text, text, text, jsonb, timestamptz)
from public, anon, authenticated;
grant execute on function public.record_email_event(text, text, text, jsonb, timestamptz)
to service_role;
