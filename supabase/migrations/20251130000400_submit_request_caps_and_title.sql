-- =============================================================================
-- submit_client_request: the abuse caps (20251127000500) and the service title
-- (20251129000100) together. Each of those migrations replaced the function
-- whole; this is the one definition that carries both.
-- =============================================================================

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
