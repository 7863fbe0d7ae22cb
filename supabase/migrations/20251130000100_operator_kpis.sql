-- =============================================================================
-- Operator console: who is staff, and the spec's KPIs computed in one place.
--
-- Staff are Auth users whose app_metadata carries "khadum_role": "staff". Only the
-- service key can set app_metadata (`khadum staff add EMAIL`), so a user can never
-- make themselves staff. Every KPI is a SQL function over the real tables, in
-- Riyadh time, callable by staff (and service_role) only.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Who is staff
-- ---------------------------------------------------------------------------
create or replace function public.is_staff() returns boolean
language sql stable set search_path = '' as $$
  select coalesce((select auth.jwt()) -> 'app_metadata' ->> 'khadum_role', '') = 'staff'
$$;
revoke execute on function public.is_staff() from public, anon;
grant execute on function public.is_staff() to authenticated, service_role;
comment on function public.is_staff() is
  'callable by authenticated: the staff-topic policy on realtime.messages calls it as the caller; reads the caller''s own claims';

-- Guard clause shared by every staff function: a staff session, the service key,
-- or a direct database connection with no API claims at all (the operator's own
-- psql or `khadum` command). Called from security-definer functions, so it must
-- judge the request's claims, never current_user (which is then the owner).
create or replace function public.require_staff() returns void
language plpgsql stable set search_path = '' as $$
begin
  if public.is_staff()
     or (select auth.role()) = 'service_role'
     or ((select auth.jwt()) is null and session_user <> 'authenticator') then
    return;
  end if;
  raise exception 'staff_only' using errcode = 'KH403';
end
$$;
revoke execute on function public.require_staff() from public, anon;
grant execute on function public.require_staff() to authenticated, service_role;
comment on function public.require_staff() is
  'callable by authenticated: the console''s guard clause; raises KH403 unless the caller is staff';

-- ---------------------------------------------------------------------------
-- The spec's targets, beside the figures they judge
-- ---------------------------------------------------------------------------
create table public.kpi_targets (
  key varchar(40) primary key,
  target_min numeric,
  target_max numeric,
  unit varchar(20) not null check (unit in ('ratio', 'seconds', 'rating')),
  name_ar text not null,
  name_en text not null
);
alter table public.kpi_targets enable row level security;
revoke all on public.kpi_targets from anon, authenticated, service_role;
grant select on public.kpi_targets to service_role;

insert into public.kpi_targets (key, target_min, target_max, unit, name_ar, name_en) values
  ('acceptance_rate', 0.70, 0.80, 'ratio', 'معدل قبول الطلبات', 'Request acceptance rate'),
  ('response_time_median', null, 7200, 'seconds', 'زمن الاستجابة (الوسيط)', 'Response time (median)'),
  ('satisfaction', 0.90, null, 'ratio', 'رضا العملاء', 'Client satisfaction'),
  ('completion_rate', 0.85, null, 'ratio', 'معدل إكمال المشاريع', 'Project completion rate'),
  ('monthly_growth', 0.50, null, 'ratio', 'نمو الطلبات الشهري', 'Monthly request growth')
on conflict (key) do update set
  target_min = excluded.target_min, target_max = excluded.target_max, unit = excluded.unit,
  name_ar = excluded.name_ar, name_en = excluded.name_en;

-- ---------------------------------------------------------------------------
-- A request's first freelancer response (a question, an acceptance or a
-- rejection), kept on the request by a trigger, so response-time KPIs over a
-- year read one narrow range instead of aggregating the whole event history.
-- ---------------------------------------------------------------------------
alter table public.client_requests add column if not exists first_response_at timestamptz;

create or replace function public.note_first_response() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.client_requests r
     set first_response_at = new.created_at
   where r.id = new.request_id
     and (r.first_response_at is null or r.first_response_at > new.created_at);
  return null;
end
$$;
revoke execute on function public.note_first_response() from public, anon, authenticated, service_role;

drop trigger if exists request_events_first_response on public.request_events;
create trigger request_events_first_response
  after insert on public.request_events
  for each row
  when (new.actor = 'freelancer'
        and new.event_type in ('details_requested', 'accepted', 'rejected'))
  execute function public.note_first_response();

update public.client_requests r
   set first_response_at = e.at
  from (select request_id, min(created_at) as at from public.request_events
         where actor = 'freelancer'
           and event_type in ('details_requested', 'accepted', 'rejected')
         group by request_id) e
 where e.request_id = r.id and r.first_response_at is null;

-- The status rule on plain values, so a scan can apply it without carrying whole
-- rows; effective_status(request) says the same through it.
create or replace function public.effective_status_of(p_status text, p_expires_at timestamptz)
returns text
language sql stable set search_path = '' as $$
  select case
    when p_status = 'pending' and p_expires_at <= now() then 'expired'
    else p_status
  end
$$;
revoke execute on function public.effective_status_of(text, timestamptz) from public, anon;
grant execute on function public.effective_status_of(text, timestamptz) to authenticated, service_role;
comment on function public.effective_status_of(text, timestamptz) is
  'callable by authenticated: the status rule on plain values; pure, reads nothing';

create or replace function public.effective_status(request public.client_requests) returns text
language sql stable set search_path = '' as $$
  select public.effective_status_of(request.status, request.expires_at)
$$;

-- Indexes the KPI queries range over.
create index if not exists client_requests_created_kpi_idx
  on public.client_requests (created_at)
  include (freelancer_id, status, first_response_at, expires_at);
create index if not exists chat_ratings_created_idx on public.chat_ratings (created_at);

-- ---------------------------------------------------------------------------
-- One row per request in a period, with what every KPI needs. The period is a
-- range of Riyadh calendar days: [p_from, p_to] inclusive.
-- ---------------------------------------------------------------------------
create or replace function public.kpi_request_facts(p_from date, p_to date)
returns table (
  request_id uuid,
  freelancer_id uuid,
  created_at timestamptz,
  riyadh_day date,
  status text,
  first_response_seconds double precision,
  chat_status text
)
language sql stable set search_path = '' as $$
  select r.id, r.freelancer_id, r.created_at,
         (r.created_at at time zone 'Asia/Riyadh')::date,
         -- Only a pending request can read otherwise than its column (overdue reads
         -- as expired): ask effective_status() for those alone, not for every row.
         case when r.status = 'pending' then public.effective_status_of(r.status, r.expires_at)
              else r.status::text end,
         extract(epoch from (r.first_response_at - r.created_at))::double precision,
         c.status::text
    from public.client_requests r
    left join public.private_chats c on c.request_id = r.id
   where r.created_at >= (p_from::timestamp at time zone 'Asia/Riyadh')
     and r.created_at < ((p_to + 1)::timestamp at time zone 'Asia/Riyadh')
$$;
revoke execute on function public.kpi_request_facts(date, date) from public, anon, authenticated;
grant execute on function public.kpi_request_facts(date, date) to service_role;

-- ---------------------------------------------------------------------------
-- The five KPIs (and expiry rate), with their targets.
-- ---------------------------------------------------------------------------
create or replace function public.kpi_summary(p_from date, p_to date) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  facts record;
  ratings record;
  growth record;
  result jsonb;
begin
  perform public.require_staff();
  if p_from is null or p_to is null or p_to < p_from then
    raise exception 'invalid_period'
      using errcode = 'KH422';
  end if;

  select count(*) as requests,
         count(*) filter (where f.status = 'accepted') as accepted,
         count(*) filter (where f.status = 'rejected') as rejected,
         count(*) filter (where f.status = 'expired') as expired,
         count(*) filter (where f.status = 'pending') as pending,
         count(*) filter (where f.chat_status = 'completed') as completed,
         percentile_cont(0.5) within group (order by f.first_response_seconds)
           filter (where f.first_response_seconds is not null) as response_median,
         percentile_cont(0.9) within group (order by f.first_response_seconds)
           filter (where f.first_response_seconds is not null) as response_p90,
         count(f.first_response_seconds) as responded
    into facts
    from public.kpi_request_facts(p_from, p_to) f;

  select count(*) as ratings,
         count(*) filter (where cr.rating >= 4) as satisfied,
         avg(cr.rating)::double precision as mean_rating
    into ratings
    from public.chat_ratings cr
   where cr.created_at >= (p_from::timestamp at time zone 'Asia/Riyadh')
     and cr.created_at < ((p_to + 1)::timestamp at time zone 'Asia/Riyadh');

  -- Growth: the period's last Riyadh month against the month before it.
  select count(*) filter (where m = date_trunc('month', p_to)::date) as this_month,
         count(*) filter (where m = (date_trunc('month', p_to) - interval '1 month')::date)
           as last_month
    into growth
    from (
      select date_trunc('month', r.created_at at time zone 'Asia/Riyadh')::date as m
        from public.client_requests r
       where r.created_at >= ((date_trunc('month', p_to) - interval '1 month')::timestamp
                              at time zone 'Asia/Riyadh')
         and r.created_at < ((p_to + 1)::timestamp at time zone 'Asia/Riyadh')
    ) months;

  result := jsonb_build_object(
    'period', jsonb_build_object('from', p_from, 'to', p_to, 'time_zone', 'Asia/Riyadh'),
    'counts', jsonb_build_object(
      'requests', facts.requests, 'accepted', facts.accepted, 'rejected', facts.rejected,
      'expired', facts.expired, 'pending', facts.pending, 'completed', facts.completed,
      'responded', facts.responded, 'ratings', ratings.ratings,
      'requests_this_month', growth.this_month, 'requests_last_month', growth.last_month),
    'acceptance_rate', case when facts.accepted + facts.rejected + facts.expired > 0
      then facts.accepted::numeric / (facts.accepted + facts.rejected + facts.expired) end,
    'expiry_rate', case when facts.accepted + facts.rejected + facts.expired > 0
      then facts.expired::numeric / (facts.accepted + facts.rejected + facts.expired) end,
    'response_time_median', facts.response_median,
    'response_time_p90', facts.response_p90,
    'satisfaction', case when ratings.ratings > 0
      then ratings.satisfied::numeric / ratings.ratings end,
    'mean_rating', ratings.mean_rating,
    'completion_rate', case when facts.accepted > 0
      then facts.completed::numeric / facts.accepted end,
    'monthly_growth', case when growth.last_month > 0
      then (growth.this_month - growth.last_month)::numeric / growth.last_month end,
    'targets', (select jsonb_object_agg(t.key, jsonb_build_object(
                  'min', t.target_min, 'max', t.target_max, 'unit', t.unit,
                  'name_ar', t.name_ar, 'name_en', t.name_en))
                from public.kpi_targets t)
  );
  return result;
end
$$;
revoke execute on function public.kpi_summary(date, date) from public, anon, authenticated;
grant execute on function public.kpi_summary(date, date) to authenticated, service_role;
comment on function public.kpi_summary(date, date) is
  'callable by authenticated: staff only (require_staff first): the console''s KPIs';

-- ---------------------------------------------------------------------------
-- The funnel: conversations started → freelancers listed → requests sent →
-- accepted → completed, over the same period.
-- ---------------------------------------------------------------------------
create or replace function public.kpi_funnel(p_from date, p_to date) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  lo timestamptz := p_from::timestamp at time zone 'Asia/Riyadh';
  hi timestamptz := (p_to + 1)::timestamp at time zone 'Asia/Riyadh';
  out jsonb;
begin
  perform public.require_staff();
  select jsonb_build_object(
    'conversations', (select count(distinct i.client_phone) from public.whatsapp_inbound i
                       where i.received_at >= lo and i.received_at < hi),
    'listed', (select count(distinct o.to_phone) from public.whatsapp_outbox o
                where o.created_at >= lo and o.created_at < hi
                  and o.body -> 'interactive' ->> 'type' = 'list'),
    'requests', count(*),
    'accepted', count(*) filter (where f.status = 'accepted'),
    'completed', count(*) filter (where f.chat_status = 'completed'))
  into out
  from public.kpi_request_facts(p_from, p_to) f;
  return out;
end
$$;
revoke execute on function public.kpi_funnel(date, date) from public, anon, authenticated;
grant execute on function public.kpi_funnel(date, date) to authenticated, service_role;
comment on function public.kpi_funnel(date, date) is
  'callable by authenticated: staff only (require_staff first): the console''s funnel';

-- ---------------------------------------------------------------------------
-- Figures over time, one row per Riyadh day, week or month, for the charts.
-- ---------------------------------------------------------------------------
create or replace function public.kpi_series(p_from date, p_to date, p_bucket text default 'day')
returns table (
  bucket date, requests bigint, accepted bigint, rejected bigint, expired bigint,
  completed bigint, acceptance_rate numeric, response_time_median double precision
)
language plpgsql stable security definer set search_path = '' as $$
begin
  perform public.require_staff();
  if p_bucket not in ('day', 'week', 'month') then
    raise exception 'invalid_bucket' using errcode = 'KH422';
  end if;
  -- Every bucket of the period has a row (zeros where nothing happened), so the
  -- charts show quiet days as quiet rather than skipping them.
  return query
  with facts as (select * from public.kpi_request_facts(p_from, p_to)),
  buckets as (
    select g::date as bucket
      from generate_series(date_trunc(p_bucket, p_from::timestamp),
                           date_trunc(p_bucket, p_to::timestamp),
                           ('1 ' || p_bucket)::interval) g
  )
  select b.bucket,
         count(f.request_id),
         count(*) filter (where f.status = 'accepted'),
         count(*) filter (where f.status = 'rejected'),
         count(*) filter (where f.status = 'expired'),
         count(*) filter (where f.chat_status = 'completed'),
         case when count(*) filter (where f.status in ('accepted', 'rejected', 'expired')) > 0
           then (count(*) filter (where f.status = 'accepted'))::numeric
                / count(*) filter (where f.status in ('accepted', 'rejected', 'expired')) end,
         percentile_cont(0.5) within group (order by f.first_response_seconds)
           filter (where f.first_response_seconds is not null)
  from buckets b
  left join facts f on date_trunc(p_bucket, f.riyadh_day)::date = b.bucket
  group by b.bucket
  order by b.bucket;
end
$$;
revoke execute on function public.kpi_series(date, date, text) from public, anon, authenticated;
grant execute on function public.kpi_series(date, date, text) to authenticated, service_role;
comment on function public.kpi_series(date, date, text) is
  'callable by authenticated: staff only (require_staff first): the console''s charts';

-- ---------------------------------------------------------------------------
-- Per freelancer: requests, acceptance, median response, rating.
-- ---------------------------------------------------------------------------
create or replace function public.kpi_freelancers(p_from date, p_to date)
returns table (
  freelancer_id uuid, display_name text, requests bigint, accepted bigint,
  acceptance_rate numeric, response_time_median double precision,
  mean_rating double precision, ratings bigint
)
language plpgsql stable security definer set search_path = '' as $$
begin
  perform public.require_staff();
  return query
  with facts as (select * from public.kpi_request_facts(p_from, p_to)),
  per as (
    select f.freelancer_id,
           count(*) as requests,
           count(*) filter (where f.status = 'accepted') as accepted,
           count(*) filter (where f.status in ('accepted', 'rejected', 'expired')) as decided,
           percentile_cont(0.5) within group (order by f.first_response_seconds)
             filter (where f.first_response_seconds is not null) as median_response
      from facts f group by f.freelancer_id
  ),
  rated as (
    select cr.freelancer_id, avg(cr.rating)::double precision as mean_rating,
           count(*) as ratings
      from public.chat_ratings cr
     where cr.created_at >= (p_from::timestamp at time zone 'Asia/Riyadh')
       and cr.created_at < ((p_to + 1)::timestamp at time zone 'Asia/Riyadh')
     group by cr.freelancer_id
  )
  select p.freelancer_id, fl.display_name::text, p.requests, p.accepted,
         case when p.decided > 0 then p.accepted::numeric / p.decided end,
         p.median_response, r.mean_rating, coalesce(r.ratings, 0)
    from per p
    join public.freelancers fl on fl.id = p.freelancer_id
    left join rated r on r.freelancer_id = p.freelancer_id
   order by p.requests desc, fl.display_name;
end
$$;
revoke execute on function public.kpi_freelancers(date, date) from public, anon, authenticated;
grant execute on function public.kpi_freelancers(date, date) to authenticated, service_role;
comment on function public.kpi_freelancers(date, date) is
  'callable by authenticated: staff only (require_staff first): the console''s per-freelancer table';
