-- =============================================================================
-- A short service title for each request («إعلان تسويقي لساعة ذكية»), produced
-- by the analysis and stored beside the client's own description. The card,
-- both acceptance emails and the freelancer's notification name the service
-- by it; the description stays the client's words.
-- =============================================================================

alter table public.client_requests
  add column if not exists service_title text
    check (service_title is null or char_length(btrim(service_title)) between 1 and 120);

comment on column public.client_requests.service_title is
  'A short name for the service (2-6 words, the client''s language), from the analysis.';

-- The notification names the service by its title (the description when there is none).
insert into public.message_catalogue (key, locale, title, body) values
  ('notification.client_request', 'ar', '🔔 طلب جديد من عميل',
   '👤 {client_name}: {service_title} — 💰 {budget_range}'),
  ('notification.client_request', 'en', '🔔 New request from a client',
   '👤 {client_name}: {service_title} — 💰 {budget_range}')
on conflict (key, locale) do update set title = excluded.title, body = excluded.body;

create or replace function public.client_requests_notify_freelancer() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  rendered record;
begin
  if new.freelancer_id is null then
    return new;
  end if;
  select * into rendered from public.render_message('notification.client_request', 'ar',
    jsonb_build_object(
      'client_name', coalesce(new.client_name, new.client_whatsapp_phone),
      'service_title', coalesce(nullif(btrim(new.service_title), ''),
                                left(new.service_description, 140)),
      'service_description', left(new.service_description, 140),
      'budget_range', coalesce(new.budget_range, '—')));
  insert into public.notifications (freelancer_id, request_id, title, message, type)
  values (new.freelancer_id, new.id, rendered.title, rendered.body, 'client_request');
  return new;
end
$$;

-- submit_client_request keeps its signature: the title travels in p_details
-- ('title') and lands in its own column, not in project_details.
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
revoke execute on function public.client_requests_notify_freelancer()
from public, anon, authenticated;
