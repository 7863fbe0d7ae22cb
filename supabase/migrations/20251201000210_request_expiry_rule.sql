-- =============================================================================
-- When a request can still be answered, decided once.
--
-- public.effective_status_at(status, expires_at, at) is the only place that
-- holds a deadline against an instant: a pending request whose expires_at has
-- come by `at` is expired. Everything else asks it:
--   effective_status_of(status, expires_at)  at now(), on plain values (scans)
--   effective_status(request)                 at now(), the computed field
--   is_actionable(request, at)                still pending at `at` (the sweeper
--                                             asks it at its p_now)
--   is_actionable(request)                    at now(), the computed field
-- (each asks effective_status_at directly: one function call a row, not two)
-- and every guard, cap, dashboard query and operator view below asks
-- is_actionable instead of comparing expires_at with the clock again.
-- tests/db/test_one_rule.py fails if any function body compares expires_at
-- with anything elsewhere.
-- =============================================================================

create or replace function public.effective_status_at(
  p_status text, p_expires_at timestamptz, p_at timestamptz
) returns text
language sql immutable parallel safe set search_path = '' as $$
  select case
    when p_status = 'pending' and p_expires_at <= p_at then 'expired'
    else p_status
  end
$$;
revoke execute on function public.effective_status_at(text, timestamptz, timestamptz)
  from public, anon, authenticated;
grant execute on function public.effective_status_at(text, timestamptz, timestamptz)
  to authenticated, service_role;
comment on function public.effective_status_at(text, timestamptz, timestamptz) is
  'callable by authenticated: the one expiry rule on plain values at an instant; pure, reads nothing';

create or replace function public.effective_status_of(p_status text, p_expires_at timestamptz)
returns text
language sql stable set search_path = '' as $$
  select public.effective_status_at(p_status, p_expires_at, now())
$$;

create or replace function public.effective_status(request public.client_requests) returns text
language sql stable set search_path = '' as $$
  select public.effective_status_at(request.status, request.expires_at, now())
$$;
revoke execute on function public.effective_status(public.client_requests)
  from public, anon, authenticated;
grant execute on function public.effective_status(public.client_requests)
  to authenticated, service_role;

create or replace function public.is_actionable(request public.client_requests, p_at timestamptz)
returns boolean
language sql stable set search_path = '' as $$
  select public.effective_status_at(request.status, request.expires_at, p_at) = 'pending'
$$;
revoke execute on function public.is_actionable(public.client_requests, timestamptz)
  from public, anon, authenticated;
grant execute on function public.is_actionable(public.client_requests, timestamptz)
  to authenticated, service_role;
comment on function public.is_actionable(public.client_requests, timestamptz) is
  'callable by authenticated: a computed field of the rows the caller may already read';

create or replace function public.is_actionable(request public.client_requests) returns boolean
language sql stable set search_path = '' as $$
  select public.effective_status_at(request.status, request.expires_at, now()) = 'pending'
$$;
revoke execute on function public.is_actionable(public.client_requests)
  from public, anon, authenticated;
grant execute on function public.is_actionable(public.client_requests)
  to authenticated, service_role;
comment on function public.is_actionable(public.client_requests) is
  'callable by authenticated: a computed field of the rows the caller may already read';

-- From 20251122000100_respond_request.sql: the deadline through is_actionable.
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
  if request.status = 'pending' and not public.is_actionable(request) then
    raise exception 'request_expired' using errcode = 'KH409';
  end if;
  if request.status <> 'pending' then
    raise exception 'request_already_%', request.status using errcode = 'KH409';
  end if;
  return request;
end
$$;
revoke execute on function public.lock_request_for_response(uuid, uuid)
  from public, anon, authenticated;
grant execute on function public.lock_request_for_response(uuid, uuid) to service_role;

-- From 20251127000500_request_caps.sql: pending and not yet expired, through is_actionable.
-- (status = 'pending' stays as the indexed prefilter; the deadline is is_actionable's.)
create or replace function public.check_request_caps(p_phone text, p_freelancer_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('khadum.request_phone:' || p_phone), 0);
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('khadum.request_freelancer:' || p_freelancer_id::text), 0);
  if (select count(*) from public.client_requests r
      where r.client_whatsapp_phone = p_phone and r.freelancer_id = p_freelancer_id
        and r.status = 'pending' and public.is_actionable(r))
     >= public.request_limit('pending_per_phone_freelancer') then
    raise exception 'already_pending_with_freelancer' using errcode = 'KH429';
  end if;
  if (select count(*) from public.client_requests r
      where r.client_whatsapp_phone = p_phone and r.status = 'pending' and public.is_actionable(r))
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

-- From 20251130000200_operator_review.sql: "about to expire" through the same rule.
create or replace function public.staff_unopened_expiring(
  p_within interval default interval '6 hours',
  p_limit integer default 50, p_offset integer default 0
) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  with hits as (
    select r.id, r.freelancer_id, f.display_name, r.service_category, r.created_at, r.expires_at
      from public.client_requests r
      join public.freelancers f on f.id = r.freelancer_id
     -- still answerable, and expired were its deadline p_within earlier
     where r.status = 'pending' and public.is_actionable(r)
       and public.effective_status_of(r.status, r.expires_at - p_within) = 'expired'
       and not exists (select 1 from public.notifications n
                        where n.request_id = r.id and n.is_read)
  )
  select jsonb_build_object(
    'total', (select count(*) from hits),
    'items', coalesce((select jsonb_agg(to_jsonb(p) order by p.expires_at)
                         from (select * from hits order by expires_at
                                limit p_limit offset p_offset) p), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_unopened_expiring(interval, integer, integer)
  from public, anon, authenticated;
grant execute on function public.staff_unopened_expiring(interval, integer, integer)
  to authenticated, service_role;
comment on function public.staff_unopened_expiring(interval, integer, integer) is
  'callable by authenticated: staff only (require_staff first): requests about to expire unopened';
