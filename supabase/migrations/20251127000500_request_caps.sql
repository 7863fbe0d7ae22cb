-- =============================================================================
-- Abuse caps on requests (issue 15, M5), in SQL so that every caller meets them:
-- pending requests per client phone, per phone and freelancer, new requests
-- per freelancer per hour, and questions per request. Each count runs under a
-- transaction lock on what it counts, so concurrent submissions cannot pass a
-- cap together. Refusals are KH429 with a stable code the bot answers in words.
-- =============================================================================

create table if not exists public.request_limits (
  name text primary key check (name in ('pending_per_phone', 'pending_per_phone_freelancer',
                                        'requests_per_freelancer_hour', 'questions_per_request')),
  max_count integer not null check (max_count > 0)
);
alter table public.request_limits enable row level security;
revoke all on public.request_limits from anon, authenticated, service_role;
grant select, insert, update, delete on public.request_limits to service_role;

insert into public.request_limits (name, max_count) values
  ('pending_per_phone', 3),
  ('pending_per_phone_freelancer', 1),
  ('requests_per_freelancer_hour', 10),
  ('questions_per_request', 3)
on conflict (name) do nothing;

create or replace function public.request_limit(p_name text) returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce((select l.max_count from public.request_limits l where l.name = p_name),
                  2147483647)
$$;
revoke execute on function public.request_limit(text) from public, anon, authenticated;
grant execute on function public.request_limit(text) to service_role;

-- ---------------------------------------------------------------------------
-- The caps a new request must pass (locks taken in one order: phone, freelancer)
-- ---------------------------------------------------------------------------
create or replace function public.check_request_caps(p_phone text, p_freelancer_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('khadum.request_phone:' || p_phone), 0);
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.request_freelancer:' || p_freelancer_id::text), 0);
  if (select count(*) from public.client_requests r
      where r.client_whatsapp_phone = p_phone and r.freelancer_id = p_freelancer_id
        and r.status = 'pending' and r.expires_at > now())
     >= public.request_limit('pending_per_phone_freelancer') then
    raise exception 'already_pending_with_freelancer' using errcode = 'KH429';
  end if;
  if (select count(*) from public.client_requests r
      where r.client_whatsapp_phone = p_phone and r.status = 'pending' and r.expires_at > now())
     >= public.request_limit('pending_per_phone') then
    raise exception 'too_many_pending_requests' using errcode = 'KH429';
  end if;
  if (select count(*) from public.client_requests r
      where r.freelancer_id = p_freelancer_id and r.created_at > now() - interval '1 hour')
     >= public.request_limit('requests_per_freelancer_hour') then
    raise exception 'freelancer_busy' using errcode = 'KH429';
  end if;
end
$$;
revoke execute on function public.check_request_caps(text, uuid) from public, anon, authenticated;
grant execute on function public.check_request_caps(text, uuid) to service_role;

-- ---------------------------------------------------------------------------
-- submit_client_request: as before, with the caps first
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
  perform public.check_request_caps(btrim(p_phone), p_freelancer_id);

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
-- Ask for details: at most N questions a request, each masked before it is
-- kept or queued (it reaches the client on WhatsApp).
-- ---------------------------------------------------------------------------
create or replace function public.request_details(
  p_request_id uuid, p_user_id uuid, p_question text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  f public.freelancers;
  question text := nullif(btrim(coalesce(p_question, '')), '');
  hits text[];
begin
  if question is null then
    raise exception 'message_required' using errcode = 'KH422';
  end if;
  if length(question) > 1000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  -- Counted under the request's row lock: concurrent questions cannot pass together.
  if (select count(*) from public.request_events e
      where e.request_id = r.id and e.event_type = 'details_requested')
     >= public.request_limit('questions_per_request') then
    raise exception 'too_many_questions' using errcode = 'KH429';
  end if;
  select * into f from public.freelancers where id = r.freelancer_id;
  select m.masked, m.hits into question, hits from public.mask_contact_details(question) m;

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'details_requested', 'freelancer', question);

  insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
  values (r.client_whatsapp_phone, 'details_requested',
          jsonb_build_object('request_id', r.id, 'freelancer_id', r.freelancer_id,
                             'freelancer_name', f.display_name, 'question', question),
          r.client_language, r.id);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.details_requested',
    'client_request', r.id::text,
    jsonb_build_object('length', length(question), 'contact_details', to_jsonb(hits)));

  return to_jsonb(r);
end
$$;
